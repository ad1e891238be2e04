#!/usr/bin/env node
import { isDeepStrictEqual } from 'node:util';
import { pathToFileURL } from 'node:url';
import * as current from '@xray/core/otlp';
import type { OtlpFormat } from '@xray/core/otlp';
import { otlpBodies, recordStepSpans } from './step-bodies.js';
import { log, median, printTable } from './util.js';

// `npm run bench:decoder`: the OTLP decoder alone (checkOtlp, the receiver's cost per request, and
// decodeOtlp, the processor's), in process, against another build of it loaded in the same run:
// XRAY_BENCH_BASELINE_CORE names that build's entry module (a file exporting checkOtlp and
// decodeOtlp, such as core/dist/index.js of an older checkout). Samples of the two alternate, the
// first of each pair taking turns, and medians are compared, since these machines are shared and noisy.
const DECISIONS = 1000;
const SAMPLE_MS = Number(process.env.XRAY_BENCH_SAMPLE_MS ?? 400);
const REPS = Number(process.env.XRAY_BENCH_REPS ?? 7);
const GOAL = 0.95;
const BASELINE_ENV = 'XRAY_BENCH_BASELINE_CORE';

type Decoder = Pick<typeof current, 'checkOtlp' | 'decodeOtlp'>;

/** One step of DECISIONS decisions, recorded by the SDK and serialized as its OTLP exporters do. */
async function recordBodies(): Promise<Record<OtlpFormat, Uint8Array>> {
  return otlpBodies(await recordStepSpans(DECISIONS));
}

async function loadBaseline(): Promise<Decoder | undefined> {
  const path = process.env[BASELINE_ENV];
  if (path === undefined || path === '') return undefined;
  const module = (await import(pathToFileURL(path).href)) as Partial<Decoder>;
  if (typeof module.checkOtlp !== 'function' || typeof module.decodeOtlp !== 'function') {
    throw new Error(`${BASELINE_ENV}=${path} does not export checkOtlp and decodeOtlp`);
  }
  return { checkOtlp: module.checkOtlp, decodeOtlp: module.decodeOtlp };
}

/** What a decoder makes of a body, or why it refused it (which fails the benchmark). */
function decodeOrThrow(decoder: Decoder, fn: 'checkOtlp' | 'decodeOtlp', format: OtlpFormat, body: Uint8Array) {
  const result = decoder[fn](format, body);
  if (!result.ok) throw new Error(`${fn}(${format}) refused the benchmark body: ${result.error}`);
  return result.value;
}

/** Decisions per second of `fn` on `body`, over about SAMPLE_MS of repeated calls. */
function sample(decoder: Decoder, fn: 'checkOtlp' | 'decodeOtlp', format: OtlpFormat, body: Uint8Array): number {
  const call = decoder[fn];
  let calls = 0;
  let failed = 0;
  const started = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 10; i++) if (!call(format, body).ok) failed++;
    calls += 10;
    elapsed = performance.now() - started;
  } while (elapsed < SAMPLE_MS);
  if (failed > 0) throw new Error(`${fn}(${format}) refused the benchmark body ${failed} times`);
  return (calls * DECISIONS) / (elapsed / 1000);
}

const bodies = await recordBodies();
const baseline = await loadBaseline();
const figures = (['checkOtlp', 'decodeOtlp'] as const).flatMap((fn) =>
  (['protobuf', 'json'] as const).map((format) => ({ fn, format }))
);

process.stdout.write(
  `X-Ray OTLP decoder benchmark — node ${process.version}; ${DECISIONS} decisions per request from the SDK: protobuf ${bodies.protobuf.length} B, JSON ${bodies.json.length} B; ${SAMPLE_MS} ms per sample, median of ${REPS}, interleaved; ratio = median of the ratios of neighbouring samples\n` +
    `baseline: ${baseline === undefined ? 'none' : process.env[BASELINE_ENV]}\n`
);
if (baseline === undefined) {
  process.stdout.write(
    `\nNo baseline: set ${BASELINE_ENV} to the entry module of another build of the decoder, e.g.\n` +
      `  git worktree add /tmp/xray-before <commit> && (cd /tmp/xray-before && npm ci && npx tsc -b)\n` +
      `  ${BASELINE_ENV}=/tmp/xray-before/core/dist/index.js node bench/dist/decoder.js\n` +
      `(a build from before core was split by purpose exports the decoder from core/dist/index.js; a later one from core/dist/otlp/index.js).\n` +
      'Measuring this build alone.\n\n'
  );
}

// Both decoders must reach the same verdict and build the same spans from the same bytes.
const agree: boolean[] = [];
if (baseline !== undefined) {
  for (const { fn, format } of figures) {
    const body = bodies[format];
    agree.push(isDeepStrictEqual(decodeOrThrow(current, fn, format, body), decodeOrThrow(baseline, fn, format, body)));
  }
}
const decoded = current.decodeOtlp('protobuf', bodies.protobuf);
const decisions = decoded.ok ? decoded.value.spans.reduce((n, s) => n + s.events.length, 0) : 0;

log('warm-up ...');
for (const { fn, format } of figures) {
  sample(current, fn, format, bodies[format]);
  if (baseline !== undefined) sample(baseline, fn, format, bodies[format]);
}
const ours = figures.map((): number[] => []);
const theirs = figures.map((): number[] => []);
for (let rep = 0; rep < REPS; rep++) {
  log(`repetition ${rep + 1} of ${REPS} ...`);
  figures.forEach(({ fn, format }, i) => {
    const body = bodies[format];
    if (baseline === undefined) {
      ours[i]!.push(sample(current, fn, format, body));
    } else if ((rep + i) % 2 === 0) {
      ours[i]!.push(sample(current, fn, format, body));
      theirs[i]!.push(sample(baseline, fn, format, body));
    } else {
      theirs[i]!.push(sample(baseline, fn, format, body));
      ours[i]!.push(sample(current, fn, format, body));
    }
  });
}

process.stdout.write('\n');
printTable([
  ...figures.map(({ fn, format }, i) => {
    const value = median(ours[i]!);
    if (baseline === undefined) return { figure: `${fn}, ${format}, decisions/s`, value: value.toFixed(0) };
    // The ratio of each pair of neighbouring samples, then the median: drift in the machine's load cancels.
    const ratio = median(ours[i]!.map((x, rep) => x / theirs[i]![rep]!));
    return {
      figure: `${fn}, ${format}, decisions/s`,
      value: value.toFixed(0),
      baseline: median(theirs[i]!).toFixed(0),
      ratio,
      goal: `>= ${GOAL}x`,
      ok: ratio >= GOAL,
    };
  }),
  {
    figure: 'decisions decoded per request',
    value: String(decisions),
    goal: String(DECISIONS),
    ok: decisions === DECISIONS,
  },
  ...(baseline === undefined
    ? []
    : [
        {
          figure: 'same verdicts and spans as the baseline',
          value: agree.every(Boolean) ? 'yes' : 'NO',
          goal: 'yes',
          ok: agree.every(Boolean),
        },
      ]),
]);
