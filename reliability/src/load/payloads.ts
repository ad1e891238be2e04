import { createHash } from 'node:crypto';
import { prng } from '../util.js';

/**
 * Decision inputs of mixed sizes, derived from the load's label, run and item index alone (the same
 * three always give the same bytes, so the ledger knows each input's hash): most are the bare item,
 * some carry a body of 1-8 KiB (inline; the processor stores those from 2 KiB by content), some
 * 20-100 KiB (past the SDK's 16 KiB inline limit: uploaded, the span carries a reference), and one
 * item of every {@link LARGE_EVERY_RUNS}th run 1-5 MiB.
 */
export const PAYLOAD_SIZES = {
  SMALL: { share: 0.1, min: 1024, max: 8 * 1024 },
  MEDIUM: { share: 0.025, min: 20 * 1024, max: 100 * 1024 },
  LARGE: { min: 1024 * 1024, max: 5 * 1024 * 1024 },
} as const;
export const LARGE_EVERY_RUNS = 8;

// Words of a pseudo-text: compressible as real text is, with multi-byte characters among them.
const WORDS = (
  'the of and to in is was for on that with as by at from it an be this which or are have had not but ' +
  'ranked filtered kept eliminated score reason candidate item step run pipeline naïve café résumé ✓ 東京 ' +
  'über façade 42 7 1999 0.5 3.14 null true false'
).split(' ');

/** The body size (UTF-8 bytes, before JSON escaping) of an item's input; 0 for a bare item. */
export function bodyBytes(label: string, run: number, index: number): number {
  const h = digest(`${label}/${run}/${index}/size`);
  const pick = h.readUInt32BE(0) / 2 ** 32;
  const within = (range: { min: number; max: number }) => range.min + (h.readUInt32BE(4) % (range.max - range.min));
  const largeRun = run % LARGE_EVERY_RUNS === LARGE_EVERY_RUNS - 1;
  if (largeRun && index === digest(`${label}/${run}/large`).readUInt8(0) % 4) return within(PAYLOAD_SIZES.LARGE);
  if (pick < PAYLOAD_SIZES.MEDIUM.share) return within(PAYLOAD_SIZES.MEDIUM);
  if (pick < PAYLOAD_SIZES.MEDIUM.share + PAYLOAD_SIZES.SMALL.share) return within(PAYLOAD_SIZES.SMALL);
  return 0;
}

/** Deterministic pseudo-text of about `bytes` UTF-8 bytes (never more), seeded by `seed`. */
export function bodyText(seed: string, bytes: number): string {
  const next = prng(digest(seed).readUInt32BE(0));
  const parts: string[] = [];
  let size = 0;
  for (;;) {
    const word = WORDS[Math.floor(next() * WORDS.length)]!;
    const wordBytes = Buffer.byteLength(word) + 1;
    if (size + wordBytes > bytes) break;
    parts.push(word);
    size += wordBytes;
  }
  return parts.join(' ');
}

const digest = (text: string) => createHash('sha256').update(text).digest();
