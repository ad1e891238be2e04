/**
 * OTLP/protobuf span events (trace/v1/trace.proto, Span.Event), checked without building and built,
 * side by side as in any-value.ts: the check reaches the same problems as the reader.
 */
import type { XEvent } from '../../model/span.js';
import { newAttributes } from '../attributes.js';
import { MalformedOtlpError } from '../problems.js';
import { checkKeyValue, readKeyValue } from './any-value.js';
import type { ProtoReader } from './wire.js';

const T_EVENT_TIME = (1 << 3) | 1;
const T_EVENT_NAME = (2 << 3) | 2;
const T_EVENT_ATTRIBUTE = (3 << 3) | 2;

/** Checks the Event in [start, end); see {@link readEvent}. */
export function checkEvent(r: ProtoReader, start: number, end: number): void {
  const b = r.buf;
  let pos = start;
  while (pos < end) {
    const tag = b[pos]!;
    if (tag === T_EVENT_ATTRIBUTE || tag === T_EVENT_NAME) {
      const n = b[pos + 1]!;
      let valueStart: number, valueEnd: number;
      if (n < 0x80) {
        valueStart = pos + 2;
        valueEnd = valueStart + n;
        if (valueEnd > end) throw new MalformedOtlpError('length-delimited field overruns its message');
      } else {
        r.pos = pos + 1;
        valueEnd = r.delimited(end);
        valueStart = r.pos;
      }
      if (tag === T_EVENT_ATTRIBUTE) {
        checkKeyValue(r, valueStart, valueEnd, 0);
        if (r.problem !== undefined) return;
      }
      pos = valueEnd;
    } else if (tag === T_EVENT_TIME) {
      pos += 9; // fixed64; past the end is caught below, as reading it would be
    } else {
      r.pos = pos;
      r.skip(r.tag(), end);
      pos = r.pos;
    }
  }
  if (pos !== end) throw new MalformedOtlpError('field overruns its message');
}

/** Reads the Event in [start, end). */
export function readEvent(r: ProtoReader, start: number, end: number): XEvent {
  const event: XEvent = { timeUnixNano: '0', name: '', attributes: newAttributes() };
  r.pos = start;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === T_EVENT_TIME) event.timeUnixNano = r.fixed64String(r.fixed(8));
    else if (tag === T_EVENT_NAME) event.name = r.string(r.delimited(end));
    else if (tag === T_EVENT_ATTRIBUTE) {
      const kvEnd = r.delimited(end);
      readKeyValue(r, r.pos, kvEnd, event.attributes, 0);
    } else r.skip(tag, end);
  }
  r.expectEnd(end);
  return event;
}
