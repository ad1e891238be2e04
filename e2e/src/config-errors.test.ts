import { spawn } from 'node:child_process';
import { script } from '@xray/stack';
import { describe, expect, it } from 'vitest';

// Each service, started as a real process with one bad setting, refuses to start in one line: the
// variable, the value (never a secret) and what to set instead; exit code 1, no stack trace.

async function start(pkg: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [script(pkg, 'main.js')], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stdout, stderr };
}

describe('a service with a bad setting', () => {
  it.each([
    [
      'receiver',
      'RECEIVER_PORT',
      'abc',
      'receiver: RECEIVER_PORT=abc is not a port: expected a whole number from 0 to 65535',
    ],
    [
      'processor',
      'PROCESSOR_PORT',
      '70000',
      'processor: PROCESSOR_PORT=70000 is not a port: expected a whole number from 0 to 65535',
    ],
    ['query', 'QUERY_PORT', 'abc', 'query: QUERY_PORT=abc is not a port: expected a whole number from 0 to 65535'],
    [
      'processor',
      'PROCESSOR_BATCH_ENTRIES',
      '0',
      'processor: PROCESSOR_BATCH_ENTRIES=0 is out of range: expected a whole number from 1 to 10000',
    ],
    [
      'query',
      'XRAY_AUTH_STORE',
      'postgres',
      'query: XRAY_AUTH_STORE=postgres is not a key store: expected "redis", "redis:<key prefix>" or "file:<path>"',
    ],
  ])('%s exits 1 after one line naming %s', async (pkg, variable, value, line) => {
    const { code, stdout, stderr } = await start(pkg, { [variable]: value });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${line}\n`);
  });

  it('never repeats a Redis URL, which may hold a password', async () => {
    const { code, stderr } = await start('receiver', { REDIS_URL: 'http://:hunter2@redis:6379' });
    expect(code).toBe(1);
    expect(stderr).toBe(
      'receiver: REDIS_URL is not a Redis URL: expected a redis:// or rediss:// URL, got protocol "http:"\n'
    );
  });
});
