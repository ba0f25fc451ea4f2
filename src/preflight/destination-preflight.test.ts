import { describe, expect, it } from 'vitest';
import { destinationPreflight } from './destination-preflight.js';

const s3 = (keys?: { accessKeyEnv: string; secretKeyEnv: string; sessionTokenEnv?: string }) =>
  ({
    kind: 's3',
    bucket: 'b',
    prefix: '',
    region: undefined,
    endpoint: undefined,
    profile: undefined,
    keys,
  }) as const;

describe('destinationPreflight', () => {
  it('names the first unset key variable, as upstream', () => {
    expect(
      destinationPreflight(s3({ accessKeyEnv: 'AWS_ACCESS_KEY_ID', secretKeyEnv: 'SK' }), { SK: 'x' }),
    ).toBe("env var 'AWS_ACCESS_KEY_ID' not set for S3 access key");
    expect(
      destinationPreflight(s3({ accessKeyEnv: 'AK', secretKeyEnv: 'SK', sessionTokenEnv: 'ST' }), {
        AK: 'a',
        SK: 'b',
      }),
    ).toBe("env var 'ST' not set for S3 session token");
  });

  it('passes set variables, the default chain and other destinations', () => {
    expect(
      destinationPreflight(s3({ accessKeyEnv: 'AK', secretKeyEnv: 'SK' }), { AK: 'a', SK: 'b' }),
    ).toBeUndefined();
    expect(destinationPreflight(s3(), {})).toBeUndefined();
    expect(destinationPreflight({ kind: 'local', path: '.' }, {})).toBeUndefined();
  });
});
