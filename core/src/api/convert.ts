/** Reads of the loosely typed rows ClickHouse returns (JSONEachRow: numbers may come as strings). */
import { z } from 'zod';

export type Row = Record<string, unknown>;

/** A number (0 when absent). */
export const n = (v: unknown): number => Number(v ?? 0);

/** A string ('' when absent). */
export const s = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** Times in answers: ISO-8601 UTC with milliseconds (what `clickhouseTimeToIso` renders). */
export const IsoTime = z.string().describe('ISO-8601 UTC time with milliseconds, e.g. 2026-11-26T04:27:42.123Z');
