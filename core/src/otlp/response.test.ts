import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { rejectionMessage } from './verdict.js';
import { ProtoReader } from './protobuf/wire.js';
import { RpcCodes, encodeExportResponse, encodeStatus } from './response.js';

function bytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? new TextEncoder().encode(body) : body;
}

describe('export responses, as the OpenTelemetry JS exporter reads them', () => {
  it('is an empty message on full success', () => {
    expect(encodeExportResponse('protobuf')).toEqual(new Uint8Array(0));
    expect(encodeExportResponse('json', { rejectedSpans: 0, errorMessage: '' })).toBe('{}');
    expect(ProtobufTraceSerializer.deserializeResponse(bytes(encodeExportResponse('protobuf')))).toEqual({});
  });

  it('carries partial success in protobuf', () => {
    const body = encodeExportResponse('protobuf', { rejectedSpans: 300, errorMessage: 'span 1: bad id' });
    expect(ProtobufTraceSerializer.deserializeResponse(bytes(body))).toEqual({
      partialSuccess: { rejectedSpans: 300, errorMessage: 'span 1: bad id' },
    });
  });

  it('carries partial success in JSON, with the int64 as a string', () => {
    const body = encodeExportResponse('json', { rejectedSpans: 2, errorMessage: 'é' });
    expect(body).toBe('{"partialSuccess":{"rejectedSpans":"2","errorMessage":"é"}}');
    expect(JsonTraceSerializer.deserializeResponse(bytes(body))).toEqual({
      partialSuccess: { rejectedSpans: '2', errorMessage: 'é' },
    });
  });
});

describe('error bodies (google.rpc.Status)', () => {
  it('encodes code and message in protobuf', () => {
    const r = new ProtoReader(bytes(encodeStatus('protobuf', RpcCodes.UNAVAILABLE, 'retry later')));
    expect(r.tag()).toBe(0x08);
    expect(r.uint32()).toBe(14);
    expect(r.tag()).toBe(0x12);
    expect(r.string(r.delimited(r.buf.length))).toBe('retry later');
    r.expectEnd(r.buf.length);
  });

  it('encodes code and message in JSON', () => {
    expect(JSON.parse(encodeStatus('json', RpcCodes.INVALID_ARGUMENT, 'bad') as string)).toEqual({
      code: 3,
      message: 'bad',
    });
  });
});

describe('rejectionMessage', () => {
  it('names the first problem and how many more there are', () => {
    const r = (spanId: string) => ({ traceId: 't', spanId, reason: 'span id must be 16 hex characters' });
    expect(rejectionMessage([])).toBe('');
    expect(rejectionMessage([r('ab')])).toBe('1 X-Ray span rejected; span ab: span id must be 16 hex characters');
    expect(rejectionMessage([r(''), r('b'), r('c')])).toBe(
      '3 X-Ray spans rejected; span (no id): span id must be 16 hex characters (and 2 more)'
    );
  });
});
