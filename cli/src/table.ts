/** Plain-text tables for terminals: aligned columns, bold headers and dim cells when colour is on. */

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
export const COLOUR: Style = { bold: ansi(1, 22), dim: ansi(2, 22), red: ansi(31, 39), green: ansi(32, 39) };
export const PLAIN: Style = { bold: (t) => t, dim: (t) => t, red: (t) => t, green: (t) => t };

/** A cell: its text, and how to paint it (applied after padding, so colour never breaks alignment). */
export type Cell = string | { text: string; paint: (text: string) => string };

export function renderTable(headers: readonly string[], rows: readonly (readonly Cell[])[], style: Style): string {
  const text = (cell: Cell) => (typeof cell === 'string' ? cell : cell.text);
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => text(r[i] ?? '').length)));
  const line = (cells: readonly Cell[], paintAll?: (t: string) => string) =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? text(cell) : text(cell).padEnd(widths[i]!);
        const paint = typeof cell === 'string' ? paintAll : cell.paint;
        return paint ? paint(padded) : padded;
      })
      .join('  ')
      .trimEnd();
  return [line(headers, style.bold), ...rows.map((r) => line(r))].join('\n');
}
