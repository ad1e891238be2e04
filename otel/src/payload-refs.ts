// Payload references: how a payload too large for a span travels beside it, content-addressed.
import * as A from './conventions.generated.js';

/** A payload's reference: the UTC day it was captured, the SHA-256 of its JSON, and that JSON's size. */
export interface PayloadRef {
  /** `YYYY-MM-DD`, UTC: payloads are stored, deduplicated and expired per project and day. */
  day: string;
  /** Lowercase hex SHA-256 of the payload's JSON (UTF-8). */
  sha256: string;
  /** Size of that JSON in bytes. */
  bytes: number;
}

const REF_RE = /^(\d{4})-(\d{2})-(\d{2})\/([0-9a-f]{64})\/(0|[1-9]\d{0,15})$/;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const SHA256_RE = /^[0-9a-f]{64}$/;

/** The value of a `*_ref` attribute: `<YYYY-MM-DD>/<sha256 hex>/<bytes>`. */
export function formatPayloadRef(ref: PayloadRef): string {
  return `${ref.day}/${ref.sha256}/${ref.bytes}`;
}

/** A `*_ref` attribute's value as a reference, or `undefined` when it is not one (wrong form, impossible day). */
export function parsePayloadRef(value: unknown): PayloadRef | undefined {
  if (typeof value !== 'string') return undefined;
  const m = REF_RE.exec(value);
  if (!m) return undefined;
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  const bytes = Number(m[5]);
  if (!isPayloadDay(day) || !Number.isSafeInteger(bytes)) return undefined;
  return { day, sha256: m[4]!, bytes };
}

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isPayloadDay(day: string): boolean {
  if (!DAY_RE.test(day)) return false;
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
}

/** True for a lowercase hex SHA-256. */
export function isSha256(value: string): boolean {
  return SHA256_RE.test(value);
}

/** The UTC day of a time in milliseconds, as a reference carries it. */
export function payloadDay(epochMillis: number): string {
  return new Date(epochMillis).toISOString().slice(0, 10);
}

/** Each payload attribute and the attribute that carries its reference instead. */
export const PAYLOAD_REF_ATTRIBUTES = {
  [A.ATTR_XRAY_RUN_INPUT]: A.ATTR_XRAY_RUN_INPUT_REF,
  [A.ATTR_XRAY_RUN_OUTPUT]: A.ATTR_XRAY_RUN_OUTPUT_REF,
  [A.ATTR_XRAY_STEP_INPUT]: A.ATTR_XRAY_STEP_INPUT_REF,
  [A.ATTR_XRAY_STEP_OUTPUT]: A.ATTR_XRAY_STEP_OUTPUT_REF,
  [A.ATTR_XRAY_DECISION_INPUT]: A.ATTR_XRAY_DECISION_INPUT_REF,
  [A.ATTR_XRAY_DECISION_OUTPUT]: A.ATTR_XRAY_DECISION_OUTPUT_REF,
  [A.ATTR_XRAY_DECISION_METADATA]: A.ATTR_XRAY_DECISION_METADATA_REF,
} as const;
export type PayloadAttribute = keyof typeof PAYLOAD_REF_ATTRIBUTES;
