/**
 * One OTLP/JSON span. Its fields are read in the order they come, each into its slot (a repeated
 * field replaces the slot); problems are judged at the end, in the order the fields are listed in
 * the span's definition, so the first problem named is the same whatever the order on the wire,
 * and the same as the protobuf decoder names.
 */
import { ATTR_XRAY_SPAN_KIND } from '@xray/otel';
import type { AttrValue, Attributes, XEvent, XSpan } from '../../model/span.js';
import { newAttributes, setAttribute } from '../attributes.js';
import { MalformedOtlpError } from '../problems.js';
import { rejectionReason, type OtlpTraces } from '../verdict.js';
import { readAnyValue, readAttributeList, type KindTracker } from './any-value.js';
import { isNull, member, nextMember, openObject } from './cursor.js';
import { readEvents } from './event.js';
import { SPAN, STATUS } from './fields.js';
import { skipValue } from './lexer.js';
import type { OtlpJsonReader } from './reader.js';
import { readHexId, readInteger, readStringField, readTimestamp } from './scalars.js';

/**
 * Reads one span into `into`: counted as ignored, rejected or accepted (and built when building).
 * Returns a request-level problem rather than throwing it: the caller's list may not be kept.
 */
export function readSpan(r: OtlpJsonReader, into: OtlpTraces): MalformedOtlpError | undefined {
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    return new MalformedOtlpError('span must be an object');
  }
  const build = r.build;
  let traceId = '',
    spanId = '',
    parentSpanId = '',
    name = '',
    start = '0',
    end = '0';
  let nameProblem: string | undefined, startProblem: string | undefined, endProblem: string | undefined;
  let status: XSpan['status'] | undefined, statusProblem: string | undefined;
  let attributes: Attributes | undefined,
    attributesProblem: string | undefined,
    attributesNotAList = false;
  let events: XEvent[] = [],
    eventsProblem: string | undefined;
  const kind: KindTracker = { at: -1 };
  if (openObject(r)) {
    do {
      switch (member(r, SPAN)) {
        case 0:
          traceId = readHexId(r);
          break;
        case 1:
          spanId = readHexId(r);
          break;
        case 2:
          parentSpanId = readHexId(r);
          break;
        case 3:
          name = readStringField(r, 'span name', build);
          nameProblem = r.problem;
          break;
        case 4:
          start = readTimestamp(r, 'startTimeUnixNano', true);
          startProblem = r.problem;
          break;
        case 5:
          end = readTimestamp(r, 'endTimeUnixNano', build);
          endProblem = r.problem;
          break;
        case 6:
          status = readStatus(r);
          statusProblem = r.problem;
          break;
        case 7: {
          kind.at = -1;
          attributes = build ? newAttributes() : undefined;
          attributesNotAList = readAttributeList(r, 0, attributes, kind, 'attributes');
          attributesProblem = r.problem;
          break;
        }
        case 8:
          events = readEvents(r);
          eventsProblem = r.problem;
          break;
        default:
          skipValue(r);
      }
    } while (nextMember(r));
  }
  r.problem = undefined;
  // `attributes` that is not a list: the request is not OTLP, whatever the span.
  if (attributesNotAList) return new MalformedOtlpError(attributesProblem);
  if (kind.at === -1) {
    into.ignoredSpans++;
    return undefined;
  }
  let reason = nameProblem ?? startProblem ?? endProblem ?? statusProblem ?? attributesProblem ?? eventsProblem;
  const span: XSpan = {
    traceId,
    spanId,
    parentSpanId,
    name,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: newAttributes(),
    events: [],
    status: status ?? { code: 0, message: '' },
  };
  if (reason === undefined) {
    setAttribute(span.attributes, ATTR_XRAY_SPAN_KIND, kindValue(r, kind.at));
    reason = rejectionReason(span);
  }
  if (reason !== undefined) {
    into.rejected.push({ traceId, spanId, reason });
    return undefined;
  }
  into.acceptedSpans++;
  if (build) {
    span.attributes = attributes ?? newAttributes();
    span.events = events;
    into.spans.push(span);
  }
  return undefined;
}

/** The value of the span's (last) kind attribute, read again there; it was checked already. */
function kindValue(r: OtlpJsonReader, at: number): AttrValue {
  if (at < 0) return null;
  const [pos, build] = [r.pos, r.build];
  r.pos = at;
  r.build = true;
  const value = readAnyValue(r, 1);
  r.pos = pos;
  r.build = build;
  return value;
}

function readStatus(r: OtlpJsonReader): XSpan['status'] | undefined {
  r.problem = undefined;
  if (isNull(r)) return undefined;
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    r.problem = 'span status must be an object';
    return undefined;
  }
  const status = { code: 0, message: '' };
  let codeProblem: string | undefined, messageProblem: string | undefined;
  if (openObject(r)) {
    do {
      switch (member(r, STATUS)) {
        case 0:
          status.code = readInteger(r, 'status code');
          codeProblem = r.problem;
          break;
        case 1:
          status.message = readStringField(r, 'status message', true);
          messageProblem = r.problem;
          break;
        default:
          skipValue(r);
      }
    } while (nextMember(r));
  }
  r.problem = codeProblem ?? messageProblem;
  return status;
}
