/** Reads of the loosely typed rows ClickHouse returns (JSONEachRow: numbers may come as strings). */
export type Row = Record<string, unknown>;

/** A number (0 when absent). */
export const n = (v: unknown): number => Number(v ?? 0);

/** A string ('' when absent). */
export const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
