import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

// One OTLP/protobuf request body made by the SDK (a run span and a step span with its decisions),
// used as a template: each request the load generator sends is a copy with its own trace id, span
// ids and span times written over the template's bytes. Every one of those fields has a fixed
// width in protobuf (ids are raw bytes or hex strings, times are fixed64), so a patched copy is a
// valid request without encoding anything per request. No heavy imports here: the load generator
// process loads this file.

/** Where the template's per-request fields sit, as byte offsets into the body. */
export interface TemplateOffsets {
  /** The trace id (= run id): 16 raw bytes in each span, 32 hex characters in attributes. */
  traceRaw: number[];
  traceHex: number[];
  /** The step span's id: 8 raw bytes, 16 hex characters (`xray.step.id`). */
  stepRaw: number[];
  stepHex: number[];
  /** The run span's id: 8 raw bytes (its own id and the step's parent id), maybe hex. */
  runSpanRaw: number[];
  runSpanHex: number[];
  /** Start and end of both spans: fixed64 nanoseconds, little-endian. */
  times: number[];
}

export interface BodyTemplate {
  body: Buffer;
  offsets: TemplateOffsets;
  /** Decisions, steps and runs one request carries. */
  decisions: number;
  steps: number;
  runs: number;
}

/** What the template's spans say, to locate the fields. */
export interface TemplateSpans {
  traceId: string;
  stepSpanId: string;
  runSpanId: string;
  /** Start and end of both spans, nanoseconds. */
  times: bigint[];
}

/** Finds every per-request field of `spans` in `body`. Throws if one is missing. */
export function locate(body: Buffer, spans: TemplateSpans): TemplateOffsets {
  const all = (needle: Buffer, what: string, required = true): number[] => {
    const out: number[] = [];
    for (let at = body.indexOf(needle); at >= 0; at = body.indexOf(needle, at + needle.length)) out.push(at);
    if (required && out.length === 0) throw new Error(`template: ${what} not found in the body`);
    return out;
  };
  const time = (ns: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(ns);
    return b;
  };
  return {
    traceRaw: all(Buffer.from(spans.traceId, 'hex'), 'raw trace id'),
    traceHex: all(Buffer.from(spans.traceId, 'latin1'), 'run id attribute'),
    stepRaw: all(Buffer.from(spans.stepSpanId, 'hex'), 'raw step span id'),
    stepHex: all(Buffer.from(spans.stepSpanId, 'latin1'), 'step id attribute'),
    runSpanRaw: all(Buffer.from(spans.runSpanId, 'hex'), 'raw run span id'),
    runSpanHex: all(Buffer.from(spans.runSpanId, 'latin1'), 'run span id', false),
    times: [...new Set(spans.times)].flatMap((ns) => all(time(ns), `span time ${ns}`)),
  };
}

/**
 * The ids of request `seq` of run `tag`. Hex ids start with the tag's 8 hex characters, so one
 * run's rows are found by a prefix of each table's sort key (`run_id`, `step_id`).
 */
export function requestIds(tag: number, seq: number): { trace: Buffer; step: Buffer; runSpan: Buffer } {
  const trace = Buffer.alloc(16);
  trace.writeUInt32BE(tag >>> 0, 0);
  trace.writeUInt32BE(seq >>> 0, 4);
  trace.writeUInt32BE(0x5ca1ab1e, 8);
  trace.writeUInt32BE(0x0b5e55ed, 12);
  const step = Buffer.alloc(8);
  step.writeUInt32BE(tag >>> 0, 0);
  step.writeUInt32BE(seq & 0x7fffffff, 4);
  const runSpan = Buffer.alloc(8);
  runSpan.writeUInt32BE(tag >>> 0, 0);
  runSpan.writeUInt32BE(((seq & 0x7fffffff) | 0x80000000) >>> 0, 4);
  return { trace, step, runSpan };
}

/** The 8 hex characters every id of run `tag` starts with. */
export function tagPrefix(tag: number): string {
  return (tag >>> 0).toString(16).padStart(8, '0');
}

/** A copy of the template for request `seq` of run `tag`, both spans starting and ending at `nowMs`. */
export function patchBody(t: BodyTemplate, tag: number, seq: number, nowMs: number): Buffer {
  const out = Buffer.allocUnsafe(t.body.length);
  t.body.copy(out);
  const { trace, step, runSpan } = requestIds(tag, seq);
  const o = t.offsets;
  const put = (value: Buffer, at: number[]) => {
    for (const i of at) value.copy(out, i);
  };
  put(trace, o.traceRaw);
  put(Buffer.from(trace.toString('hex'), 'latin1'), o.traceHex);
  put(step, o.stepRaw);
  put(Buffer.from(step.toString('hex'), 'latin1'), o.stepHex);
  put(runSpan, o.runSpanRaw);
  put(Buffer.from(runSpan.toString('hex'), 'latin1'), o.runSpanHex);
  const ns = BigInt(nowMs) * 1_000_000n;
  for (const i of o.times) out.writeBigUInt64LE(ns, i);
  return out;
}

/** Writes the template to `dir` (body.bin, template.json) for the load generator. */
export function saveTemplate(dir: string, t: BodyTemplate): void {
  writeFileSync(join(dir, 'body.bin'), t.body);
  writeFileSync(
    join(dir, 'template.json'),
    JSON.stringify({ offsets: t.offsets, decisions: t.decisions, steps: t.steps, runs: t.runs })
  );
}

export function loadTemplate(dir: string): BodyTemplate {
  const meta = JSON.parse(readFileSync(join(dir, 'template.json'), 'utf8')) as Omit<BodyTemplate, 'body'>;
  return { ...meta, body: readFileSync(join(dir, 'body.bin')) };
}
