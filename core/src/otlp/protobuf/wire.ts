/**
 * A minimal protobuf wire-format reader over a Uint8Array: just what the OTLP trace decoder needs.
 * Hand-written rather than generated so the decoder builds only X-Ray's model (no intermediate
 * objects) and so every read is bounds-checked against hostile input. Malformed or truncated bytes
 * throw a MalformedOtlpError (../problems.ts).
 */
import { MalformedOtlpError, type SpanProblemSlot } from '../problems.js';

// Protobuf wire types.
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const TWO_32 = 4294967296;
const TEN_10 = 1e10;

export class ProtoReader implements SpanProblemSlot {
  /** Read position. Callers may move it past a range they have inspected. */
  pos = 0;
  problem: string | undefined = undefined;
  /** Low and high 32 bits of the last {@link varint64}, unsigned. */
  lo = 0;
  hi = 0;
  readonly #view: DataView;
  readonly #node: Buffer;
  // fixed64String's cache: hi * 2^32 split at 10 decimal digits, for the last `hi` seen.
  #cachedHi = -1;
  #hiUpper = 0;
  #hiLower = 0;

  constructor(readonly buf: Uint8Array) {
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.#node = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  #byte(): number {
    if (this.pos >= this.buf.length) throw new MalformedOtlpError('truncated varint');
    return this.buf[this.pos++]!;
  }

  /** A varint into {@link lo}/{@link hi} (up to 10 bytes, as int64 and uint64 use). */
  varint64(): void {
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let i = 0; i < 4; i++) {
      b = this.#byte();
      lo |= (b & 0x7f) << (i * 7);
      if (b < 0x80) return this.#set(lo, 0);
    }
    b = this.#byte(); // bits 28-34 straddle the two halves
    lo |= (b & 0x7f) << 28;
    hi = (b & 0x7f) >> 4;
    if (b < 0x80) return this.#set(lo, hi);
    for (let i = 0; i < 5; i++) {
      b = this.#byte();
      hi |= (b & 0x7f) << (i * 7 + 3);
      if (b < 0x80) return this.#set(lo, hi);
    }
    throw new MalformedOtlpError('varint longer than 10 bytes');
  }

  #set(lo: number, hi: number): void {
    this.lo = lo >>> 0;
    this.hi = hi >>> 0;
  }

  /** A varint's low 32 bits, unsigned: tags, lengths, enums, bools. */
  uint32(): number {
    const b = this.buf[this.pos];
    if (b !== undefined && b < 0x80) {
      this.pos++;
      return b;
    }
    this.varint64();
    return this.lo;
  }

  /** The current field is an int64: a number when it is a safe integer, else its decimal string. */
  int64(): number | string {
    this.varint64();
    const { lo, hi } = this;
    if (hi < 0x200000) return hi * TWO_32 + lo; // below 2^53
    if (hi === 0xffffffff) return lo - TWO_32; // small negative
    const big = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
    const n = Number(big);
    return Number.isSafeInteger(n) && BigInt(n) === big ? n : big.toString();
  }

  /** Moves past a fixed-size field of `size` bytes and returns where it started. */
  fixed(size: number): number {
    const start = this.pos;
    if (start + size > this.buf.length) throw new MalformedOtlpError('truncated fixed-size field');
    this.pos = start + size;
    return start;
  }

  /**
   * The little-endian uint64 at `at` as an exact decimal string (nanosecond timestamps exceed 2^53).
   * Timestamps in one request share their high 32 bits (they change every 4.3 s), so hi * 2^32 is
   * converted with BigInt once and cached as two halves; adding `lo` is then exact double arithmetic.
   */
  fixed64String(at: number): string {
    const lo = this.#view.getUint32(at, true);
    const hi = this.#view.getUint32(at + 4, true);
    if (hi < 0x200000) return String(hi * TWO_32 + lo);
    if (hi !== this.#cachedHi) {
      const base = BigInt(hi) << 32n;
      this.#cachedHi = hi;
      this.#hiUpper = Number(base / 10_000_000_000n); // < 2^64 / 10^10, exact
      this.#hiLower = Number(base % 10_000_000_000n);
    }
    const low = this.#hiLower + lo; // < 10^10 + 2^32, exact
    const carry = low >= TEN_10 ? 1 : 0;
    return String(this.#hiUpper + carry) + String(low - carry * TEN_10).padStart(10, '0');
  }

  double(): number {
    return this.#view.getFloat64(this.fixed(8), true);
  }

  /** Reads a length prefix and returns where the delimited field ends; it must fit in `limit`. */
  delimited(limit: number): number {
    const b = this.buf[this.pos];
    if (b !== undefined && b < 0x80) {
      // One-byte length: most keys, values and small messages.
      const end = this.pos + 1 + b;
      if (end > limit) throw new MalformedOtlpError('length-delimited field overruns its message');
      this.pos++;
      return end;
    }
    this.varint64();
    // A length of 2^32 or more cannot fit any body; taking only its low bits would misread it.
    if (this.hi !== 0) throw new MalformedOtlpError('length-delimited field longer than 4 GiB');
    const end = this.pos + this.lo;
    if (end > limit) throw new MalformedOtlpError('length-delimited field overruns its message');
    return end;
  }

  /** UTF-8 text of [pos, end); the reader moves to `end`. Invalid sequences become U+FFFD. */
  string(end: number): string {
    const start = this.pos;
    this.pos = end;
    // Node's native slice beats TextDecoder (no subarray) and a JS loop (no cons strings), even for short keys.
    return this.#node.toString('utf8', start, end);
  }

  /** Lowercase hex of the bytes [start, end). */
  hex(start: number, end: number): string {
    let s = '';
    for (let i = start; i < end; i++) s += HEX[this.buf[i]!];
    return s;
  }

  /** Base64 of [pos, end); the reader moves to `end`. */
  base64(end: number): string {
    const start = this.pos;
    this.pos = end;
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + start, end - start).toString('base64');
  }

  /** True when the bytes [start, end) equal `bytes`. */
  equals(start: number, end: number, bytes: Uint8Array): boolean {
    if (end - start !== bytes.length) return false;
    for (let i = 0; i < bytes.length; i++) if (this.buf[start + i] !== bytes[i]) return false;
    return true;
  }

  /** Skips the value of a field whose tag was just read; `limit` bounds length-delimited values. */
  skip(tag: number, limit: number): void {
    switch (tag & 7) {
      case VARINT:
        if (this.buf[this.pos]! < 0x80)
          this.pos++; // one byte (an absent byte is caught by varint64)
        else this.varint64();
        return;
      case I64:
        this.fixed(8);
        return;
      case LEN:
        this.pos = this.delimited(limit);
        return;
      case I32:
        this.fixed(4);
        return;
      default:
        // Groups (3, 4) are deprecated and absent from OTLP; 6 and 7 do not exist.
        throw new MalformedOtlpError(`unsupported wire type ${tag & 7}`);
    }
  }

  /** Reads a tag, rejecting field number 0 (always malformed). */
  tag(): number {
    const tag = this.uint32();
    if (tag >>> 3 === 0) throw new MalformedOtlpError('field number 0');
    return tag;
  }

  /** Checks that a message's fields ended exactly at its boundary. */
  expectEnd(end: number): void {
    if (this.pos !== end) throw new MalformedOtlpError('field overruns its message');
  }
}
