/** Small terminal formatting for the demo: aligned tables, percentages, bars, colour on a TTY. */
const tty = process.stdout.isTTY === true;

export const bold = (s: string) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
export const red = (s: string) => (tty ? `\x1b[31m${s}\x1b[0m` : s);
export const dim = (s: string) => (tty ? `\x1b[2m${s}\x1b[0m` : s);

export const pct = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

export function bar(ratio: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, ratio)) * width);
  return '█'.repeat(filled) + '·'.repeat(width - filled);
}

// Terminal colour codes start with ESC (\x1b), a control character by definition.
// eslint-disable-next-line no-control-regex
const ANSI_COLOUR = /\x1b\[[0-9;]*m/g;
const plain = (s: string) => s.replace(ANSI_COLOUR, '');
const visible = (s: string) => plain(s).length;

/** Renders rows under a header; numeric-looking cells are right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(visible(h), ...rows.map((r) => visible(r[i] ?? ''))));
  const cell = (s: string, i: number) => {
    const pad = ' '.repeat(widths[i]! - visible(s));
    return /^[\d.,%→ -]+$/.test(plain(s)) ? pad + s : s + pad;
  };
  const line = (r: string[]) => `  ${r.map(cell).join('  ')}`.trimEnd();
  return [line(header.map(bold)), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n');
}
