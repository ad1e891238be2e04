/** UTC days: of a run's time range, and of a project's payload prefixes (`<project>/payloads/YYYY/MM/DD/`). */
import type { ObjectStore } from './ports.js';
import type { TimeRange } from './statements.js';

export const MS_PER_DAY = 86_400_000;

/** The whole UTC day `YYYY-MM-DD`. */
export function dayRange(day: string): TimeRange {
  const fromMs = Date.parse(`${day}T00:00:00Z`);
  return { fromMs, toMs: fromMs + MS_PER_DAY };
}

/**
 * Where a run's rows and span objects can be: its start to its end, widened by a day each way (a
 * step's clock may differ from the run's; an unfinished run may report no end).
 */
export function runRange(startedMs: number, endedMs: number): TimeRange {
  const from = Math.min(startedMs, endedMs > 0 ? endedMs : startedMs);
  const to = Math.max(startedMs, endedMs);
  return { fromMs: from - MS_PER_DAY, toMs: to + MS_PER_DAY + 1 };
}

/** The days (`YYYY-MM-DD`) a range touches, oldest first. */
export function daysWithin(range: TimeRange): string[] {
  const days: string[] = [];
  const last = range.toMs - 1;
  for (let at = Math.floor(range.fromMs / MS_PER_DAY) * MS_PER_DAY; at <= last; at += MS_PER_DAY)
    days.push(new Date(at).toISOString().slice(0, 10));
  return days;
}

/** `<project>/payloads/`: everything a project stores by day. */
export function payloadsPrefix(projectId: string): string {
  return `${projectId}/payloads/`;
}

const LEVELS = [/^\d{4}\/$/, /^\d{2}\/$/, /^\d{2}\/$/];

/** The days a project has payload prefixes for, oldest first: YYYY/, then MM/, then DD/ under `<project>/payloads/`. */
export async function projectDays(objects: ObjectStore, projectId: string): Promise<string[]> {
  let level = [payloadsPrefix(projectId)];
  for (const shape of LEVELS) {
    const next: string[] = [];
    for (const prefix of level)
      for (const child of await objects.prefixes(prefix)) if (shape.test(child.slice(prefix.length))) next.push(child);
    level = next;
  }
  const days = level.map((prefix) => prefix.slice(payloadsPrefix(projectId).length, -1).replaceAll('/', '-'));
  return days.filter(isDay).sort();
}

/** True for a real calendar day `YYYY-MM-DD` (not 2026-13-45). */
export function isDay(day: string): boolean {
  const ms = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(day);
}

/** Deletes every object under `prefix`, a listed page (up to 1,000 keys) per DeleteObjects request; returns how many. */
export async function deleteUnder(objects: ObjectStore, prefix: string): Promise<number> {
  let deleted = 0;
  for await (const page of objects.keys(prefix)) deleted += await objects.delete(page);
  return deleted;
}
