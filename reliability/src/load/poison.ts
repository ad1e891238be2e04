import { randomBytes } from 'node:crypto';
import { QUEUE_FIELD_V1, QueueFields } from '@xray/core/ingest';
import * as C from '@xray/otel';

/**
 * Entries that make the processor fail, each for its own reason. `via`: written straight into the
 * stream (as a broken or old producer could), or accepted by the receiver from an OTLP/JSON body
 * (anyone with an ingest key can send it). `expect`: set aside at once (`decode`), after the
 * processor's PROCESSOR_MAX_ATTEMPTS failed writes (`storage`), or either (`any`).
 */
export interface Poison {
  name: string;
  via: 'stream' | 'receiver';
  expect: 'decode' | 'storage' | 'any';
  /** The XADD field-value list (via stream), or the OTLP/JSON body (via receiver). */
  payload(projectId: string): (string | Buffer)[] | string;
}

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const NOW_NANOS = () => `${Date.now()}000000`;

/** A version 1 message (JSON of decoded spans), as receivers before version 2 wrote them. */
function v1(projectId: string, spans: unknown[]): string[] {
  return [QUEUE_FIELD_V1, JSON.stringify({ v: 1, projectId, receivedAt: Date.now(), spans })];
}

function v1Span(overrides: Record<string, unknown>): Record<string, unknown> {
  const traceId = hex(16);
  return {
    traceId,
    spanId: hex(8),
    parentSpanId: '',
    name: 'poison',
    startTimeUnixNano: NOW_NANOS(),
    endTimeUnixNano: NOW_NANOS(),
    attributes: {
      [C.ATTR_XRAY_SPAN_KIND]: C.SpanKinds.RUN,
      [C.ATTR_XRAY_RUN_ID]: traceId,
      [C.ATTR_XRAY_PIPELINE_NAME]: 'poison',
    },
    events: [],
    status: { code: 0, message: '' },
    ...overrides,
  };
}

export const POISONS: readonly Poison[] = [
  { name: 'not-a-message', via: 'stream', expect: 'decode', payload: () => ['x', 'y'] },
  { name: 'v1-not-json', via: 'stream', expect: 'decode', payload: () => [QUEUE_FIELD_V1, '{"v":1,"projectId":'] },
  {
    name: 'unknown-version',
    via: 'stream',
    expect: 'decode',
    payload: (p) => [QueueFields.VERSION, '99', QueueFields.PROJECT_ID, p],
  },
  {
    name: 'undecodable-body',
    via: 'stream',
    expect: 'decode',
    payload: (p) => [
      QueueFields.VERSION,
      '2',
      QueueFields.PROJECT_ID,
      p,
      QueueFields.FORMAT,
      'protobuf',
      QueueFields.RECEIVED_AT,
      String(Date.now()),
      QueueFields.ACCEPTED_SPANS,
      '1',
      QueueFields.BODY,
      randomBytes(512),
    ],
  },
  {
    name: 'v1-unparseable-time',
    via: 'stream',
    expect: 'storage',
    payload: (p) => v1(p, [v1Span({ startTimeUnixNano: 'soon' })]),
  },
  // (A lone surrogate in a run id is no poison any more: the JSON decoder repairs it to U+FFFD and a
  // run id not of the run id's form is replaced by the trace id.)
  // (Decisions spanning more than 100 days are no poison any more either: the processor's inserts
  // may span any number of partitions, and rows already past their retention are dropped at insert.)
  // Last: if it stalls the processor, the others have been judged already.
  { name: 'v1-null-span', via: 'stream', expect: 'any', payload: (p) => v1(p, [null]) },
];
