/**
 * One OTLP/protobuf Span: found, checked and (when accepted and asked for) built.
 *
 * First pass: note where each field is without building anything, and which attribute (the last
 * one) is `xray.span.kind`. Only X-Ray spans are then checked; other spans cost a scan. The check
 * walks every nested message without building it and reaches exactly the problems building
 * would; only an accepted span is built, when `spans` is given.
 */
import type { XSpan } from '../../model/span.js';
import { newAttributes } from '../attributes.js';
import { rejectionReason, type OtlpVerdict } from '../verdict.js';
import { checkKeyValue, hasKindKey, readKeyValue } from './any-value.js';
import { checkEvent, readEvent } from './event.js';
import type { ProtoReader } from './wire.js';

const T_SPAN_TRACE_ID = (1 << 3) | 2;
const T_SPAN_SPAN_ID = (2 << 3) | 2;
const T_SPAN_PARENT_ID = (4 << 3) | 2;
const T_SPAN_NAME = (5 << 3) | 2;
const T_SPAN_START = (7 << 3) | 1;
const T_SPAN_END = (8 << 3) | 1;
const T_SPAN_ATTRIBUTE = (9 << 3) | 2;
const T_SPAN_EVENT = (11 << 3) | 2;
const T_SPAN_STATUS = (15 << 3) | 2;
const T_STATUS_MESSAGE = (2 << 3) | 2;
const T_STATUS_CODE = (3 << 3) | 0;

/** Reads the Span ending at `end` into the verdict `out`, and into `spans` when given and accepted. */
export function readSpan(r: ProtoReader, end: number, out: OtlpVerdict, spans: XSpan[] | undefined): void {
  let traceId = -1,
    traceIdEnd = -1,
    spanId = -1,
    spanIdEnd = -1,
    parentId = -1,
    parentIdEnd = -1;
  let name = -1,
    nameEnd = -1,
    start = -1,
    finish = -1,
    status = -1,
    statusEnd = -1;
  const attributes: number[] = []; // [start, end, start, end, ...]
  const events: number[] = [];
  let kindAt = -1; // index in `attributes` of the last xray.span.kind attribute
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case T_SPAN_TRACE_ID:
        traceIdEnd = r.delimited(end);
        traceId = r.pos;
        r.pos = traceIdEnd;
        break;
      case T_SPAN_SPAN_ID:
        spanIdEnd = r.delimited(end);
        spanId = r.pos;
        r.pos = spanIdEnd;
        break;
      case T_SPAN_PARENT_ID:
        parentIdEnd = r.delimited(end);
        parentId = r.pos;
        r.pos = parentIdEnd;
        break;
      case T_SPAN_NAME:
        nameEnd = r.delimited(end);
        name = r.pos;
        r.pos = nameEnd;
        break;
      case T_SPAN_START:
        start = r.fixed(8);
        break;
      case T_SPAN_END:
        finish = r.fixed(8);
        break;
      case T_SPAN_STATUS:
        statusEnd = r.delimited(end);
        status = r.pos;
        r.pos = statusEnd;
        break;
      case T_SPAN_ATTRIBUTE:
      case T_SPAN_EVENT: {
        const fieldEnd = r.delimited(end);
        if (tag === T_SPAN_EVENT) events.push(r.pos, fieldEnd);
        else {
          if (hasKindKey(r, fieldEnd)) kindAt = attributes.length;
          attributes.push(r.pos, fieldEnd);
        }
        r.pos = fieldEnd;
        break;
      }
      default:
        r.skip(tag, end);
    }
  }
  r.expectEnd(end);
  if (kindAt < 0) {
    out.ignoredSpans++;
    return;
  }
  // What rejectionReason() looks at: ids, start time and the kind; the rest is checked below.
  const header: XSpan = {
    traceId: traceId < 0 ? '' : r.hex(traceId, traceIdEnd),
    spanId: spanId < 0 ? '' : r.hex(spanId, spanIdEnd),
    parentSpanId: parentId < 0 ? '' : r.hex(parentId, parentIdEnd),
    name: '',
    startTimeUnixNano: start < 0 ? '0' : r.fixed64String(start),
    endTimeUnixNano: '0',
    attributes: newAttributes(),
    events: [],
    status: { code: 0, message: '' },
  };
  // The order of building (name, attributes, events, status), so the first problem is the same;
  // each check stops at the first problem, and so does this span (../problems.ts).
  for (let i = 0; i < attributes.length && r.problem === undefined; i += 2) {
    checkKeyValue(r, attributes[i]!, attributes[i + 1]!, 0);
  }
  for (let i = 0; i < events.length && r.problem === undefined; i += 2) checkEvent(r, events[i]!, events[i + 1]!);
  if (status >= 0 && r.problem === undefined) checkStatus(r, status, statusEnd);
  if (r.problem === undefined) readKeyValue(r, attributes[kindAt]!, attributes[kindAt + 1]!, header.attributes, 0);
  const reason = r.problem ?? rejectionReason(header);
  r.problem = undefined;
  r.pos = end;
  if (reason !== undefined) {
    out.rejected.push({ traceId: header.traceId, spanId: header.spanId, reason });
    return;
  }
  out.acceptedSpans++;
  if (spans === undefined) return;
  // Checked above: building cannot fail from here.
  const span = header;
  span.attributes = newAttributes();
  if (finish >= 0) span.endTimeUnixNano = r.fixed64String(finish);
  if (name >= 0) {
    r.pos = name;
    span.name = r.string(nameEnd);
  }
  for (let i = 0; i < attributes.length; i += 2) {
    readKeyValue(r, attributes[i]!, attributes[i + 1]!, span.attributes, 0);
  }
  for (let i = 0; i < events.length; i += 2) span.events.push(readEvent(r, events[i]!, events[i + 1]!));
  if (status >= 0) readStatus(r, status, statusEnd, span.status);
  r.pos = end;
  spans.push(span);
}

/** Checks the Status in [start, end): its fields are all scalars or strings; see {@link readStatus}. */
function checkStatus(r: ProtoReader, start: number, end: number): void {
  r.pos = start;
  while (r.pos < end) r.skip(r.tag(), end);
  r.expectEnd(end);
}

function readStatus(r: ProtoReader, start: number, end: number, status: XSpan['status']): void {
  r.pos = start;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === T_STATUS_MESSAGE) status.message = r.string(r.delimited(end));
    else if (tag === T_STATUS_CODE) status.code = r.uint32() | 0;
    else r.skip(tag, end);
  }
  r.expectEnd(end);
}
