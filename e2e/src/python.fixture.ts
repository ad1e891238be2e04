import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The Python of the tests' virtual environment (`npm run setup` makes it), with the Python SDK installed. */
export function testPython(): string {
  const venv = process.env.XRAY_VENV ?? fileURLToPath(new URL('../../.venv', import.meta.url));
  const python = `${venv}/bin/python`;
  if (!existsSync(python)) throw new Error(`${python} is missing: run "npm run setup" first (npm test does).`);
  return python;
}
