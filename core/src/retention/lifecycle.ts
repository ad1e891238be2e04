/**
 * The object store's own expiry, as a second line behind the janitor's deletes: one lifecycle rule
 * per project on the bucket (S3 and MinIO have them; s3rver does not).
 */
import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { payloadsPrefix } from './days.js';

/** The ids of the rules X-Ray owns start with this; other rules on the bucket are kept as they are. */
export const LIFECYCLE_RULE_PREFIX = 'xray-retention-';
/** The most rules a bucket's lifecycle configuration may hold (S3's limit). */
export const MAX_LIFECYCLE_RULES = 1000;

/**
 * Sets one rule per project: objects under `<project>/payloads/` expire `days + 1` days after they
 * were written (S3 counts from an object's creation, rounded up to midnight UTC), so the store
 * removes them even should no janitor run. Rules of projects no longer listed are removed; rules
 * not X-Ray's are kept. Nothing is written when the rules are already so.
 *
 * Best effort: false when the store has no lifecycle support (NotImplemented, as s3rver answers);
 * the janitor's own deletes then do the work. Throws for anything else (e.g. access denied).
 */
export async function setLifecycleRules(
  s3: S3Client,
  bucket: string,
  projects: readonly { id: string; days: number }[]
): Promise<boolean> {
  let existing: LifecycleRule[];
  try {
    existing = (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  } catch (err) {
    if (unsupported(err)) return false;
    if ((err as { name?: string }).name !== 'NoSuchLifecycleConfiguration') throw err;
    existing = [];
  }
  const others = existing.filter((rule) => !rule.ID?.startsWith(LIFECYCLE_RULE_PREFIX));
  const ours: LifecycleRule[] = [...projects]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((p) => ({
      ID: `${LIFECYCLE_RULE_PREFIX}${p.id}`,
      Status: 'Enabled',
      Filter: { Prefix: payloadsPrefix(p.id) },
      Expiration: { Days: p.days + 1 },
    }));
  if (others.length + ours.length > MAX_LIFECYCLE_RULES)
    throw new Error(
      `Bucket ${bucket} can hold ${MAX_LIFECYCLE_RULES} lifecycle rules and ${projects.length} projects need one each (besides ${others.length} other rules); the janitor deletes expired objects itself meanwhile.`
    );
  const current = existing.filter((rule) => rule.ID?.startsWith(LIFECYCLE_RULE_PREFIX)).map(summary);
  if (current.sort().join('\n') === ours.map(summary).sort().join('\n')) return true;
  const rules = [...others, ...ours];
  try {
    // A configuration holds at least one rule: none left means none at all.
    if (rules.length === 0) await s3.send(new DeleteBucketLifecycleCommand({ Bucket: bucket }));
    else
      await s3.send(
        new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules } })
      );
  } catch (err) {
    if (unsupported(err)) return false;
    throw err;
  }
  return true;
}

function summary(rule: LifecycleRule): string {
  return `${rule.ID}|${rule.Status}|${rule.Filter?.Prefix}|${rule.Expiration?.Days}`;
}

/** True for the answers of a store without lifecycle support. */
function unsupported(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e.name === 'NotImplemented' ||
    e.name === 'MethodNotAllowed' ||
    e.$metadata?.httpStatusCode === 501 ||
    e.$metadata?.httpStatusCode === 405
  );
}
