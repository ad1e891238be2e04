/**
 * The outer levels of an OTLP/JSON request: the request, its resourceSpans and their scopeSpans. A
 * problem here is the whole request's (../problems.ts), but a repeated field's last value wins:
 * each list is read into a part of its own, and its problem is held as a value until the list is
 * known to be kept, then thrown.
 */
import { MalformedOtlpError } from '../problems.js';
import type { OtlpTraces } from '../verdict.js';
import { isNull, member, nextItem, nextMember, openArray, openObject } from './cursor.js';
import { REQUEST, RESOURCE_SPANS, SCOPE_SPANS } from './fields.js';
import { skipValue } from './lexer.js';
import type { OtlpJsonReader } from './reader.js';
import { readSpan } from './span.js';

/** Reads one item of a list into `into`; returns its request-level problem. */
type ReadItem = (r: OtlpJsonReader, into: OtlpTraces) => MalformedOtlpError | undefined;

const newPart = (): OtlpTraces => ({ acceptedSpans: 0, ignoredSpans: 0, rejected: [], spans: [] });

/** The ExportTraceServiceRequest here: its spans, counted and (when building) built. */
export function readRequest(r: OtlpJsonReader): OtlpTraces {
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    throw new MalformedOtlpError('request must be an object');
  }
  let part: OtlpTraces | MalformedOtlpError = newPart();
  if (openObject(r)) {
    do {
      if (member(r, REQUEST) === 0) part = readList(r, 'resourceSpans', readResourceSpans);
      else skipValue(r);
    } while (nextMember(r));
  }
  if (part instanceof MalformedOtlpError) throw part;
  return part;
}

/** A list of `item`s; absent or null is empty. A problem is returned, to throw if this list is kept. */
function readList(r: OtlpJsonReader, what: string, item: ReadItem): OtlpTraces | MalformedOtlpError {
  if (isNull(r)) return newPart();
  if (r.b[r.pos] !== 0x5b) {
    skipValue(r);
    return new MalformedOtlpError(`${what} must be an array`);
  }
  const part = newPart();
  let problem: MalformedOtlpError | undefined;
  if (openArray(r)) {
    do problem ??= item(r, part);
    while (nextItem(r));
  }
  return problem ?? part;
}

function merge(into: OtlpTraces, part: OtlpTraces): void {
  into.acceptedSpans += part.acceptedSpans;
  into.ignoredSpans += part.ignoredSpans;
  for (const x of part.rejected) into.rejected.push(x);
  for (const s of part.spans) into.spans.push(s);
}

function readResourceSpans(r: OtlpJsonReader, into: OtlpTraces): MalformedOtlpError | undefined {
  return readContainer(r, into, 'resourceSpans item', RESOURCE_SPANS, 'scopeSpans', readScopeSpans);
}

function readScopeSpans(r: OtlpJsonReader, into: OtlpTraces): MalformedOtlpError | undefined {
  return readContainer(r, into, 'scopeSpans item', SCOPE_SPANS, 'spans', readSpan);
}

/** An object whose one field of interest is a list. */
function readContainer(
  r: OtlpJsonReader,
  into: OtlpTraces,
  what: string,
  names: readonly Uint8Array[],
  list: string,
  item: ReadItem
): MalformedOtlpError | undefined {
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    return new MalformedOtlpError(`${what} must be an object`);
  }
  let part: OtlpTraces | MalformedOtlpError = newPart();
  if (openObject(r)) {
    do {
      if (member(r, names) === 0) part = readList(r, list, item);
      else skipValue(r);
    } while (nextMember(r));
  }
  if (part instanceof MalformedOtlpError) return part;
  merge(into, part);
  return undefined;
}
