/** `xray payload`: one payload value of a decision, run or step, whole: printed, or saved to a file. */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DecisionDetail, Payload, PayloadInfo, PayloadInfos } from '@xray/core/api';
import { ApiError, type ApiClient } from './api-client.js';
import { type Output, UsageError } from './keys.js';
import type { Style } from './table.js';

/** Whose payload: a decision (by event id), a run or a step. */
export type PayloadOwner = { kind: 'decision' | 'run' | 'step'; id: string };

type Field = keyof PayloadInfos;
/** The payload fields each kind of record has; the first is the default. */
const FIELDS: Record<PayloadOwner['kind'], readonly Field[]> = {
  decision: ['input', 'output', 'metadata'],
  run: ['input', 'output'],
  step: ['input', 'output'],
};

const sizeText = (bytes: number) => `${bytes.toLocaleString('en-US')} bytes`;
const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** The value's bytes: its JSON in hand (inline, whole) or the stored bytes streamed (by reference). */
type Source = { text: string } | { download: string };

/** Which bytes to take for `field`, or why there are none (an {@link ApiError}). */
function sourceOf(record: DecisionDetail | Payload, field: Field, what: string): { info: PayloadInfo; source: Source } {
  const infos = record.payloads;
  if (!infos) throw new ApiError(`The record of ${what} is not in storage, so it has no payload to give.`);
  const info = infos[field];
  if (!info) {
    const has = Object.keys(infos);
    throw new ApiError(`${what} has no ${field}${has.length ? ` (it has ${has.join(', ')})` : ''}.`);
  }
  const of = `The ${field} of ${what}`;
  if (info.state === 'missing')
    throw new ApiError(
      `${of} is not in storage (${sizeText(info.bytes)}, sha256 ${info.sha256 ?? '?'}). ${info.message}`
    );
  if (info.state === 'expired' || info.state === 'deleted') throw new ApiError(`${of} is gone: ${info.message}`);
  if (info.state === 'truncated')
    throw new ApiError(
      `${of} was cut by the SDK (${sizeText(info.bytes)} before the cut): only a preview exists. ${info.message}`
    );
  const value = (record as Record<string, unknown>)[field];
  if (info.state === 'partial' || value === undefined) {
    if (!info.download) throw new ApiError(`${of} is not in the answer and has no download path.`);
    return { info, source: { download: info.download } };
  }
  const text = JSON.stringify(value);
  // A value re-serialised differently from the stored bytes (say, 1.0 became 1): take the stored bytes.
  if (info.sha256 && info.download && sha256Of(Buffer.from(text)) !== info.sha256)
    return { info, source: { download: info.download } };
  return { info, source: { text } };
}

/** Streams `chunks` to `file` (through `file.part`, renamed once whole); the bytes written and their SHA-256. */
async function save(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  file: string
): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const part = `${file}.part`;
  async function* counted() {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.length;
      yield chunk;
    }
  }
  try {
    await pipeline(Readable.from(counted()), createWriteStream(part));
    await rename(part, file);
  } catch (err) {
    await rm(part, { force: true });
    if (err instanceof ApiError) throw err;
    throw new ApiError(`cannot save to ${file}: ${(err as Error).message}`);
  }
  return { bytes, sha256: hash.digest('hex') };
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Prints or saves one payload value whole; missing and truncated values are errors that say why. */
export async function payloadCommand(
  api: ApiClient,
  owner: PayloadOwner,
  o: { field?: string; out?: string },
  style: Style
): Promise<Output> {
  const fields = FIELDS[owner.kind];
  const field = (o.field ?? fields[0]!) as Field;
  if (!fields.includes(field))
    throw new UsageError(`--field must be ${fields.join(', ').replace(/, (\w+)$/, ' or $1')} for a ${owner.kind}.`);
  const id = encodeURIComponent(owner.id);
  const path =
    owner.kind === 'decision'
      ? `/v1/decisions/${id}`
      : owner.kind === 'run'
        ? `/v1/runs/${id}/payload`
        : `/v1/steps/${id}/payload`;
  const what = `${owner.kind} ${owner.id}`;
  const { info, source } = sourceOf(await api.get<DecisionDetail | Payload>(path), field, what);
  const download = 'download' in source ? await api.download(source.download) : undefined;
  const chunks = download ? download.body : [Buffer.from((source as { text: string }).text)];

  if (o.out === undefined) {
    const parts: Buffer[] = [];
    for await (const chunk of chunks) parts.push(Buffer.from(chunk));
    const text = Buffer.concat(parts).toString('utf8');
    return { text, json: parseOrText(text) };
  }
  const saved = await save(chunks, o.out);
  const expected = download?.sha256 ?? ('download' in source ? info.sha256 : undefined);
  if (expected && expected !== saved.sha256) {
    await rm(o.out, { force: true });
    throw new ApiError(`The ${field} of ${what} arrived damaged (sha256 ${saved.sha256}, not ${expected}); try again.`);
  }
  return {
    json: { field, state: info.state, bytes: saved.bytes, sha256: saved.sha256, file: o.out },
    text: `Saved the ${field} of ${what} to ${style.bold(o.out)}: ${sizeText(saved.bytes)}, sha256 ${saved.sha256}.`,
  };
}
