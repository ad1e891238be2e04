import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { setLifecycleRules } from './lifecycle.js';

/** A bucket's lifecycle configuration in memory, as S3 keeps it; `supported: false` answers as s3rver does. */
function fakeS3(rules: LifecycleRule[] | undefined, supported = true) {
  const state = { rules, writes: 0 };
  const s3 = {
    send(command: unknown) {
      if (!supported)
        return Promise.reject(
          Object.assign(new Error('not implemented'), { name: 'NotImplemented', $metadata: { httpStatusCode: 501 } })
        );
      if (command instanceof GetBucketLifecycleConfigurationCommand)
        return state.rules
          ? Promise.resolve({ Rules: state.rules })
          : Promise.reject(Object.assign(new Error('none'), { name: 'NoSuchLifecycleConfiguration' }));
      state.writes++;
      if (command instanceof PutBucketLifecycleConfigurationCommand)
        state.rules = command.input.LifecycleConfiguration!.Rules;
      else if (command instanceof DeleteBucketLifecycleCommand) state.rules = undefined;
      return Promise.resolve({});
    },
  };
  return { s3: s3 as unknown as S3Client, state };
}

const operatorRule: LifecycleRule = {
  ID: 'tmp',
  Status: 'Enabled',
  Filter: { Prefix: 'tmp/' },
  Expiration: { Days: 1 },
};

describe('setLifecycleRules', () => {
  it('sets one rule per project, a day past its retention, and keeps rules that are not X-Ray’s', async () => {
    const { s3, state } = fakeS3([operatorRule]);
    expect(
      await setLifecycleRules(s3, 'b', [
        { id: 'shop', days: 30 },
        { id: 'ads', days: 7 },
      ])
    ).toBe(true);
    expect(state.rules).toEqual([
      operatorRule,
      { ID: 'xray-retention-ads', Status: 'Enabled', Filter: { Prefix: 'ads/payloads/' }, Expiration: { Days: 8 } },
      { ID: 'xray-retention-shop', Status: 'Enabled', Filter: { Prefix: 'shop/payloads/' }, Expiration: { Days: 31 } },
    ]);
  });

  it('writes nothing when the rules are already so, and removes the rule of a project that is gone', async () => {
    const { s3, state } = fakeS3(undefined);
    await setLifecycleRules(s3, 'b', [{ id: 'shop', days: 30 }]);
    await setLifecycleRules(s3, 'b', [{ id: 'shop', days: 30 }]);
    expect(state.writes).toBe(1);
    await setLifecycleRules(s3, 'b', []);
    expect(state).toEqual({ rules: undefined, writes: 2 });
  });

  it('answers false where the store has no lifecycle support', async () => {
    expect(await setLifecycleRules(fakeS3(undefined, false).s3, 'b', [{ id: 'shop', days: 30 }])).toBe(false);
  });
});
