import { createHash } from 'node:crypto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { DEFAULT_INLINE_PAYLOAD_BYTES } from '@xray/otel';
import { ELIMINATED, KEPT, SCORED, XRay, type XRayStats, XRStepType } from '@xray/sdk';
import { AgedExporter } from './aged.js';
import { hashCanonical, Ledger, LedgerExporter } from './ledger.js';
import { bodyBytes, bodyText } from './payloads.js';

/** A deterministic item: the same label, run and index always give the same id and payload. */
export interface Item {
  id: string;
  run: number;
  index: number;
  score: number;
  text: string;
}

export interface LoadOptions {
  /** OTLP/HTTP traces URL of the receiver. */
  endpoint: string;
  /** Headers of every request (the ingest key). */
  headers: Record<string, string>;
  /** Names runs (`<label>-<n>`) and items (`<label>-r<n>-i<i>`). */
  label: string;
  /** Decisions to make in all (runs are added until reached). */
  decisions: number;
  /** Items per run (default 400); each run makes items + survivors decisions. */
  itemsPerRun?: number;
  /** Flush after each step as well as after each run: more, smaller export requests. */
  flushEachStep?: boolean;
  /** Pause after each run, to spread the load over time for faults to land in (default 0). */
  pauseMillis?: number;
  /** The SDK's exportTimeoutMillis (one request, retries included; default 10,000). */
  exportTimeoutMillis?: number;
  /** The SDK's flushTimeoutMillis (default 15,000). */
  flushTimeoutMillis?: number;
  /** Pass one in to watch progress while the load runs. */
  ledger?: Ledger;
  /**
   * Decision inputs of mixed sizes (`load/payloads.ts`): the item, some with a body of 1 KiB to
   * 5 MiB; those past the SDK's inline limit travel by reference and are uploaded. Default: the item.
   */
  mixedInputs?: boolean;
  /**
   * Makes the runs this long ago: every time in their spans (start, end, decisions) is moved back
   * by it on the way to the exporter ({@link AgedExporter}), so they are stored, and expire, under
   * that day. Not with `mixedInputs` (an uploaded input names the day it was uploaded). Default 0.
   */
  ageMillis?: number;
}

/** The inputs a load made that were past the SDK's inline limit (so it had to upload them). */
export interface ReferencedInputs {
  /** Distinct inputs (an item kept by the filter is the rank step's input too: the same bytes). */
  count: number;
  /** Decisions that carried one (two for a kept item: filter and rank). */
  decisions: number;
  /** Their JSON's bytes in all, and the largest's. */
  bytes: number;
  largest: number;
}

export interface LoadResult {
  ledger: Ledger;
  stats: XRayStats;
  runs: number;
  decisions: number;
  millis: number;
  /** Whether the final shutdown exported everything. */
  drained: boolean;
  referenced: ReferencedInputs;
}

/** Items at or above this score are kept by the filter step. */
const KEEP_SCORE = 30;

/** The items of run `run`: ids, scores and payloads derived from the label alone. */
export function makeItems(label: string, run: number, count: number): Item[] {
  return Array.from({ length: count }, (_, index) => {
    const h = createHash('sha256').update(`${label}/${run}/${index}`).digest('hex');
    return {
      id: `${label}-r${run}-i${index}`,
      run,
      index,
      score: parseInt(h.slice(0, 8), 16) % 100,
      text: `naïve ✓ ${h.slice(8, 40)}`,
    };
  });
}

/**
 * The load generator: pipeline runs through the real SDK (the `XRay` client, capture `full`, its
 * batching processor, the OTLP/HTTP protobuf exporter with its retries, its payload uploads to the
 * same receiver), each export request written into a {@link Ledger} with its outcome. A run is a
 * filter step (keeps score >= 30, with a reason) and a rank step over the survivors; every decision
 * carries its item (or, with `mixedInputs`, the item and a body) as input, whose hash the ledger is told.
 */
export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  if (o.ageMillis && o.mixedInputs) throw new Error('runLoad: ageMillis needs inline inputs (no mixedInputs)');
  const started = Date.now();
  const ledger = o.ledger ?? new Ledger();
  const exportTimeoutMillis = o.exportTimeoutMillis ?? 10_000;
  const exporter = new OTLPTraceExporter({ url: o.endpoint, headers: o.headers, timeoutMillis: exportTimeoutMillis });
  const recorded = new LedgerExporter(exporter, ledger);
  const xray = new XRay({
    // Payload uploads go to this endpoint's origin, with these headers (the ingest key).
    endpoint: o.endpoint,
    headers: o.headers,
    exporter: o.ageMillis ? new AgedExporter(recorded, o.ageMillis) : recorded,
    capture: 'full',
    serviceName: 'xray-reliability',
    exportTimeoutMillis,
    flushTimeoutMillis: o.flushTimeoutMillis ?? 15_000,
  });
  const perRun = o.itemsPerRun ?? 400;
  const referenced: ReferencedInputs = { count: 0, decisions: 0, bytes: 0, largest: 0 };
  let made = 0;
  let runs = 0;
  while (made < o.decisions) {
    const items = makeItems(o.label, runs, perRun);
    // Each input made once per run (a kept item is the same input twice) and its hash told to the ledger.
    const inputs = new Map<string, unknown>();
    for (const it of items) {
      const bytes = o.mixedInputs ? bodyBytes(o.label, it.run, it.index) : 0;
      const input = bytes === 0 ? it : { ...it, body: bodyText(it.id, bytes) };
      const json = JSON.stringify(input);
      ledger.expectInput(it.id, hashCanonical(json));
      const size = Buffer.byteLength(json);
      if (size > DEFAULT_INLINE_PAYLOAD_BYTES) {
        referenced.count++;
        referenced.decisions += it.score >= KEEP_SCORE ? 2 : 1;
        referenced.bytes += size;
        referenced.largest = Math.max(referenced.largest, size);
      }
      inputs.set(it.id, input);
    }
    const runId = await xray.startRun(`${o.label}-${runs}`, { run: runs, items: items.length });
    await xray.step(
      runId,
      XRStepType.FILTER,
      'filter',
      (input: Item[]) =>
        input.map((it) => ({
          itemId: it.id,
          outcome: it.score >= KEEP_SCORE ? KEPT : ELIMINATED,
          reason: it.score >= KEEP_SCORE ? 'passes' : `score ${it.score} below ${KEEP_SCORE}`,
          input: inputs.get(it.id),
        })),
      items
    );
    if (o.flushEachStep) await xray.flush();
    const kept = items.filter((it) => it.score >= KEEP_SCORE);
    await xray.step(
      runId,
      XRStepType.RANK,
      'rank',
      (input: Item[]) =>
        input.map((it) => ({
          itemId: it.id,
          outcome: SCORED,
          score: it.score / 100,
          reason: 'ranked',
          input: inputs.get(it.id),
        })),
      kept
    );
    await xray.endRun(
      runId,
      kept.map((it) => it.id)
    );
    await xray.flush();
    made += items.length + kept.length;
    runs++;
    if (o.pauseMillis) await new Promise((r) => setTimeout(r, o.pauseMillis));
  }
  const drained = await xray.shutdown();
  return { ledger, stats: xray.stats(), runs, decisions: made, millis: Date.now() - started, drained, referenced };
}
