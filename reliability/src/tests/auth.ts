import { randomBytes } from 'node:crypto';
import { CONTENT_TYPES, makeBodies } from '../load/bodies.js';
import { chunkedUpload } from '../load/oversize.js';
import { bearer } from '../env/keys.js';
import { type ReliabilityTest, Verdict } from '../suite.js';
import { probe } from './probe.js';

/** A refused upload may have pushed this much into socket buffers, no more: the body was not read. */
const MAX_UNAUTHENTICATED_SENT_MB = 8;
const EXPORT_SIZED_BYTES = 4 * 1024 * 1024;
const EXPORT_SIZED_TRIES = 5;

/**
 * Receiver and query API against no key, malformed and unknown keys, the other service's kind of
 * key, and the valid key: 401, 401, 401, 403, 200 on each side; export-sized (4 MiB) bodies with a
 * wrong key get their 401; and a 256 MiB upload without a key is refused before its body is read.
 */
export const auth: ReliabilityTest = {
  name: 'auth',
  timeoutSeconds: 60,
  async run(ctx) {
    const d = await ctx.deploy({ label: 'auth' });
    const [body] = await makeBodies('auth', 1, 10);
    const unknown = `xri_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    const cases: [string, Record<string, string>, number][] = [
      ['no key', {}, 401],
      ['malformed key', bearer('not-a-key'), 401],
      ['unknown key', bearer(unknown), 401],
      ['read key', d.readHeaders(), 403],
      ['ingest key', d.ingestHeaders(), 200],
    ];
    const wrong: string[] = [];
    const ingest: number[] = [];
    for (const [name, headers, expected] of cases) {
      const answer = await probe(d.tracesUrl, headers, body!);
      ingest.push(answer.status);
      if (answer.status !== expected) wrong.push(`receiver, ${name}: ${answer.status} (expected ${expected})`);
    }
    const queryCases: [string, Record<string, string>, number][] = [
      ['no key', {}, 401],
      ['unknown key', bearer(unknown.replace('xri_', 'xrr_')), 401],
      ['ingest key', d.ingestHeaders(), 403],
      ['read key', d.readHeaders(), 200],
    ];
    const read: number[] = [];
    for (const [name, headers, expected] of queryCases) {
      const status = (await fetch(`${d.queryUrl}/v1/runs`, { headers })).status;
      read.push(status);
      if (status !== expected) wrong.push(`query API, ${name}: ${status} (expected ${expected})`);
    }
    // Export-sized bodies (the SDK cuts requests at 4 MiB) with a wrong key: the client must get
    // its 401, not a connection reset that an OTLP exporter would retry.
    const big = Buffer.alloc(EXPORT_SIZED_BYTES, 1);
    const bigAnswers: (number | string)[] = [];
    for (let i = 0; i < EXPORT_SIZED_TRIES; i++) {
      bigAnswers.push(
        await fetch(d.tracesUrl, {
          method: 'POST',
          headers: { ...bearer(unknown), 'content-type': CONTENT_TYPES.protobuf },
          body: big,
        }).then(
          async (res) => (await res.arrayBuffer(), res.status),
          (err: Error) => String((err.cause as { code?: string } | undefined)?.code ?? err.message)
        )
      );
    }
    const big401 = bigAnswers.filter((a) => a === 401).length;
    // 256 MiB without a key: refused before the body is read (at most socket buffers get through).
    const unauthenticated = await chunkedUpload(
      d.tracesUrl,
      { 'content-type': CONTENT_TYPES.protobuf },
      256 * 1024 * 1024
    );
    const sentMb = unauthenticated.sentBytes / 1024 / 1024;
    const v = new Verdict().set({
      receiver: ingest.join('/'),
      query: read.join('/'),
      wrong_key_4mib_401s: `${big401}/${EXPORT_SIZED_TRIES}`,
      unauthenticated_upload: unauthenticated.status || 'closed',
      unauthenticated_sent_mb: sentMb,
    });
    ctx.log(`4 MiB bodies with a wrong key: ${bigAnswers.join(', ')}`);
    return v
      .require(wrong.length === 0, wrong.join('; '))
      .require(
        big401 === EXPORT_SIZED_TRIES,
        `4 MiB bodies with a wrong key got ${bigAnswers.filter((a) => a !== 401).join(', ')} instead of 401 (a reset is retried by OTLP exporters)`
      )
      .require(
        unauthenticated.status === 401 || unauthenticated.status === 0,
        `a 256 MiB upload without a key got ${unauthenticated.status}`
      )
      .require(
        sentMb <= MAX_UNAUTHENTICATED_SENT_MB,
        `the receiver took in ${sentMb.toFixed(1)} MB before refusing an unauthenticated request`
      )
      .result();
  },
};
