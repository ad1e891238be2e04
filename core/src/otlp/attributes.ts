/**
 * Building attribute values the same way from both encodings, so that the spans decoded from the
 * protobuf and the JSON of one request are equal.
 */
import type { AttrValue, Attributes } from '../model/span.js';

/**
 * A double attribute. Non-finite values become the strings OTLP/JSON uses for them ('NaN',
 * 'Infinity', '-Infinity'), since payloads are stored as JSON and JSON has no such numbers.
 */
export function doubleValue(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}

/** A fresh attribute map. */
export function newAttributes(): Attributes {
  return {};
}

/**
 * Sets an attribute. `__proto__` is defined as an own property: plain assignment would replace
 * the object's prototype and silently drop the attribute.
 */
export function setAttribute(attrs: { [key: string]: AttrValue }, key: string, value: AttrValue): void {
  if (key === '__proto__') {
    Object.defineProperty(attrs, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attrs[key] = value;
  }
}
