/**
 * How both OTLP decoders (protobuf and JSON) report what is wrong with a body: one protocol, so
 * that the two encodings of one request always reach the same verdict.
 *
 * **A problem of the whole request** (bytes that are not protobuf or not JSON, JSON that is not an
 * OTLP trace request) is thrown as a {@link MalformedOtlpError} as soon as it is known to count (in
 * JSON a repeated field's last value wins, so json/request.ts holds one found in a list until that
 * list is kept), and caught only by the public functions (`checkOtlpProtobuf`, `decodeOtlpJson`,
 * ...), which return it as a `DecodeResult` error value: nothing escapes them as a throw. Anything
 * else thrown inside would be a decoder bug; they return it as an error value too, saying so, so
 * that no body can crash the receiver or stall the processor on a queue entry it cannot decode
 * (the entry is dead-lettered with that sentence).
 *
 * **A problem confined to one span** (an attribute value nested too deep, a field of the wrong
 * type, ...) is never thrown: it is a value. The reader that finds it writes its sentence into its
 * cursor's {@link SpanProblemSlot.problem} and returns a neutral value (null, '', '0', 0), so:
 * after any read returns, `problem` is the first problem of the value just read, or undefined.
 * Each caller looks at it right after the call and decides: the protobuf checks stop at the first
 * problem; the JSON readers go on to the end of the span (its syntax still decides whether the
 * request is readable at all) and keep one problem per field. The span reader then rejects the span
 * with the first problem in a fixed order of its fields, whatever their order on the wire, so both
 * encodings name the same one.
 *
 * Why values and not a throw caught at the span: JSON cannot stop at a problem (the rest of the
 * span must still be read, and a problem in an AnyValue field that another field overrides does not
 * count), and a value costs nothing on the receiver's check path, where a throw builds an Error and
 * its stack for every rejected span: a hostile body of 1,000 spans nested too deep took 13 ms to
 * check with a throw per span, 1.1 ms with values.
 */

/** Malformed bytes or not an OTLP trace request: the whole request is undecodable. */
export class MalformedOtlpError extends Error {
  readonly code = 'XRAY_OTLP_MALFORMED';
}

/** What a decoder's cursor carries besides its position: the problem of the value just read. */
export interface SpanProblemSlot {
  /** The first problem of the value just read, confined to its span; undefined when it is valid. */
  problem: string | undefined;
}
