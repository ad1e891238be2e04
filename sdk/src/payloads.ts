import { createHash } from 'node:crypto';
import type { Attributes } from '@opentelemetry/api';
import { PAYLOAD_REF_ATTRIBUTES, formatPayloadRef, payloadDay, type PayloadAttribute } from '@xray/otel';
import { JsonArrayBuilder, createSerializer, fits, truncated, type Serializer } from './serialize.js';
import type { XRayStats } from './types.js';
import type { Offer } from './uploader.js';
import type { Warn } from './warn.js';

/** Where payloads too large for a span go: the uploader. */
export interface PayloadSink {
  offer(day: string, sha256: string, body: Buffer): Offer;
}

/** The two payload thresholds. */
export interface PayloadLimits {
  /** The cap: JSON longer than this is recorded as a truncation marker. */
  maxPayloadBytes: number;
  /** JSON up to this rides inline in its attribute; longer, it is uploaded and referenced. */
  inlinePayloadBytes: number;
}

/**
 * Puts payloads (inputs, outputs, metadata) on spans and events, whole up to the cap: JSON of at
 * most `inlinePayloadBytes` as the attribute itself; longer JSON as its bytes, hashed (SHA-256),
 * handed to the uploader, and the `*_ref` attribute (`<day>/<sha256>/<bytes>`) in its place; past
 * `maxPayloadBytes`, or when the upload queue has no room, a truncation marker. A value is held
 * once: its JSON string becomes one Buffer, and only the Buffer waits for upload.
 */
export class PayloadWriter {
  readonly #limits: PayloadLimits;
  readonly #serialize: Serializer;
  readonly #stats: XRayStats;
  readonly #sink: PayloadSink;
  readonly #warn: Warn;
  #seenFailures: number;

  constructor(limits: PayloadLimits, stats: XRayStats, sink: PayloadSink, warn: Warn) {
    this.#limits = limits;
    this.#serialize = createSerializer(limits.maxPayloadBytes, stats, limits.inlinePayloadBytes);
    this.#stats = stats;
    this.#sink = sink;
    this.#warn = warn;
    this.#seenFailures = stats.serializationFailures;
  }

  /**
   * Records `value` (nothing when undefined or not serialisable, as JSON) under `attribute` or its
   * reference; returns the JSON it recorded, for a caller that needs the same JSON again.
   */
  set(target: Attributes, attribute: PayloadAttribute, value: unknown): string | undefined {
    if (value === undefined) return undefined;
    const json = this.#serialize(value);
    if (json !== undefined) this.setJson(target, attribute, json);
    return json;
  }

  /** A JSON array built as its elements come (a step's output), bounded like any payload. */
  array(): JsonArrayBuilder {
    return new JsonArrayBuilder(this.#limits.maxPayloadBytes, this.#limits.inlinePayloadBytes, this.#stats);
  }

  /** Records JSON already bounded by the cap (a serializer's or an array builder's output). */
  setJson(target: Attributes, attribute: PayloadAttribute, json: string): void {
    this.#warnOnFailures();
    const inline = this.#limits.inlinePayloadBytes;
    if (fits(json, inline)) {
      target[attribute] = json;
      return;
    }
    const body = Buffer.from(json, 'utf8');
    const sha256 = createHash('sha256').update(body).digest('hex');
    const day = payloadDay(Date.now());
    const offer = this.#sink.offer(day, sha256, body);
    if (offer === 'queued' || offer === 'known') {
      target[PAYLOAD_REF_ATTRIBUTES[attribute]] = formatPayloadRef({ day, sha256, bytes: body.length });
      return;
    }
    this.#stats.droppedPayloads++;
    if (offer === 'queue_full') {
      this.#warn(
        'payload_queue_full',
        'no room to hold a large payload for upload (receiver slow or unreachable); recorded as a truncation marker'
      );
    }
    target[attribute] = truncated(json, inline, body.length, offer);
  }

  #warnOnFailures(): void {
    if (this.#stats.serializationFailures === this.#seenFailures) return;
    this.#seenFailures = this.#stats.serializationFailures;
    this.#warn(
      'serialization',
      'a value could not be serialised as plain JSON (cycle, BigInt or throwing getter); recorded safely instead'
    );
  }
}
