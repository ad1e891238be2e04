/**
 * OTLP/JSON span events. As in a span, each field is read into its slot as it comes and problems
 * are judged at the end in the event's field order; the first is the span's (../problems.ts).
 */
import type { Attributes, XEvent } from '../../model/span.js';
import { newAttributes } from '../attributes.js';
import { readAttributeList } from './any-value.js';
import { isNull, member, nextItem, nextMember, openArray, openObject } from './cursor.js';
import { EVENT } from './fields.js';
import { skipValue } from './lexer.js';
import type { OtlpJsonReader } from './reader.js';
import { readStringField, readTimestamp } from './scalars.js';

/** A span's events (built only when building); their first problem in `r.problem`. */
export function readEvents(r: OtlpJsonReader): XEvent[] {
  r.problem = undefined;
  const events: XEvent[] = [];
  if (isNull(r)) return events;
  if (r.b[r.pos] !== 0x5b) {
    skipValue(r);
    r.problem = 'events must be an array';
    return events;
  }
  let problem: string | undefined;
  if (openArray(r)) {
    do {
      const event = readEvent(r);
      problem ??= r.problem;
      if (event !== undefined) events.push(event);
    } while (nextItem(r));
  }
  r.problem = problem;
  return events;
}

/** An event (built only when building); its first problem in `r.problem`. */
function readEvent(r: OtlpJsonReader): XEvent | undefined {
  if (r.b[r.pos] !== 0x7b) {
    skipValue(r);
    r.problem = 'event must be an object';
    return undefined;
  }
  const build = r.build;
  let time = '0',
    name = '',
    attributes: Attributes | undefined;
  let timeProblem: string | undefined, nameProblem: string | undefined, attributesProblem: string | undefined;
  if (openObject(r)) {
    do {
      switch (member(r, EVENT)) {
        case 0:
          time = readTimestamp(r, 'timeUnixNano', build);
          timeProblem = r.problem;
          break;
        case 1:
          name = readStringField(r, 'event name', build);
          nameProblem = r.problem;
          break;
        case 2: {
          attributes = build ? newAttributes() : undefined;
          readAttributeList(r, 0, attributes, undefined, 'attributes');
          attributesProblem = r.problem;
          break;
        }
        default:
          skipValue(r);
      }
    } while (nextMember(r));
  }
  r.problem = timeProblem ?? nameProblem ?? attributesProblem;
  return build ? { timeUnixNano: time, name, attributes: attributes ?? newAttributes() } : undefined;
}
