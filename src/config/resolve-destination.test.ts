import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DestinationConfig } from './config-types.js';
import { loadConfig } from './load-config.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'rivet-dest-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function load(destination: string): DestinationConfig {
  const path = join(dir, 'rivet.yaml');
  writeFileSync(
    path,
    `source:\n  type: postgres\n  url_env: PG_URL\nexports:\n  - name: orders\n    table: public.orders\n    format: parquet\n    destination: ${destination}\n`,
  );
  return loadConfig(path, { params: new Map(), env: {} }).exports[0]!.destination;
}

function refusal(destination: string): string {
  try {
    load(destination);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the destination to be refused');
}

describe('S3 destination config', () => {
  it('normalises the prefix and keeps secrets as variable names', () => {
    expect(
      load(
        '{ type: s3, bucket: data, prefix: "/exports/{export}", region: eu-west-1, access_key_env: AK, secret_key_env: SK, session_token_env: ST }',
      ),
    ).toEqual({
      kind: 's3',
      bucket: 'data',
      prefix: 'exports/{export}/',
      region: 'eu-west-1',
      endpoint: undefined,
      profile: undefined,
      keys: { accessKeyEnv: 'AK', secretKeyEnv: 'SK', sessionTokenEnv: 'ST' },
    });
    expect(load('{ type: s3, bucket: data }')).toMatchObject({ prefix: '', keys: undefined });
    expect(load('{ type: s3, bucket: data, aws_profile: etl }')).toMatchObject({ profile: 'etl' });
  });

  it('refuses a max_file_size one S3 object cannot hold', () => {
    const path = join(dir, 'big.yaml');
    writeFileSync(
      path,
      'source:\n  type: postgres\n  url_env: PG_URL\nexports:\n  - name: o\n    table: public.o\n    format: csv\n    max_file_size: 100GB\n    destination: { type: s3, bucket: b }\n',
    );
    expect(() => loadConfig(path, { params: new Map(), env: {} })).toThrow(
      /exceeds what one S3 object can hold/,
    );
  });

  it('requires a bucket', () => {
    expect(refusal('{ type: s3, prefix: x/ }')).toContain("S3 destination requires 'bucket'");
  });

  it('requires both key variables or neither', () => {
    expect(refusal('{ type: s3, bucket: b, access_key_env: AK }')).toContain(
      'S3 requires both access_key_env and secret_key_env, or neither',
    );
    expect(refusal('{ type: s3, bucket: b, session_token_env: ST }')).toContain(
      'session_token_env needs access_key_env and secret_key_env',
    );
    expect(
      refusal('{ type: s3, bucket: b, access_key_env: AK, secret_key_env: SK, aws_profile: p }'),
    ).toContain('mutually exclusive');
  });

  it('sends credentials over plain http only to this machine', () => {
    expect(load('{ type: s3, bucket: b, endpoint: "http://127.0.0.1:9000" }')).toMatchObject({
      endpoint: 'http://127.0.0.1:9000',
    });
    expect(load('{ type: s3, bucket: b, endpoint: "https://minio.example.com" }')).toMatchObject({
      endpoint: 'https://minio.example.com',
    });
    expect(refusal('{ type: s3, bucket: b, endpoint: "http://10.0.0.5:9000" }')).toContain(
      "destination.endpoint 'http://10.0.0.5:9000' points at a non-loopback host",
    );
    expect(refusal('{ type: s3, bucket: b, endpoint: "ftp://x" }')).toContain('is not an http(s) URL');
  });

  it('refuses keys of other stores and anonymous S3', () => {
    expect(refusal('{ type: s3, bucket: b, credentials_file: /k.json }')).toContain(
      "'credentials_file' does not apply to a s3 destination",
    );
    expect(refusal('{ type: s3, bucket: b, allow_anonymous: true }')).toContain(
      'allow_anonymous is not supported for S3',
    );
  });
});

describe('GCS destination config', () => {
  it('takes a bucket, prefix, endpoint and an existing credentials file', () => {
    const key = join(dir, 'key.json');
    writeFileSync(key, '{}');
    expect(load(`{ type: gcs, bucket: data, prefix: raw, credentials_file: ${key} }`)).toEqual({
      kind: 'gcs',
      bucket: 'data',
      prefix: 'raw/',
      endpoint: undefined,
      credentialsFile: key,
      anonymous: false,
    });
  });

  it('refuses a missing credentials file, and anonymous with a credentials file', () => {
    expect(refusal('{ type: gcs, bucket: b, credentials_file: /nowhere/key.json }')).toContain(
      "credentials_file '/nowhere/key.json' does not exist",
    );
    expect(refusal('{ type: gcs, bucket: b, credentials_file: /k.json, allow_anonymous: true }')).toContain(
      'GCS allow_anonymous cannot be used together with credentials_file',
    );
    expect(refusal('{ type: gcs, bucket: b, region: us }')).toContain(
      "'region' does not apply to a gcs destination",
    );
  });

  it('keeps Google credentials away from custom endpoints that are not on this machine', () => {
    expect(load('{ type: gcs, bucket: b, endpoint: "http://127.0.0.1:4443" }')).toMatchObject({
      endpoint: 'http://127.0.0.1:4443',
    });
    expect(
      load('{ type: gcs, bucket: b, endpoint: "https://storage.europe-west3.rep.googleapis.com" }'),
    ).toMatchObject({
      endpoint: 'https://storage.europe-west3.rep.googleapis.com',
    });
    expect(refusal('{ type: gcs, bucket: b, endpoint: "http://storage.googleapis.com" }')).toContain(
      'Google credentials would be sent to it',
    );
    expect(refusal('{ type: gcs, bucket: b, endpoint: "https://gcs.example.com" }')).toContain(
      'points at a non-loopback host: Google credentials would be sent to it',
    );
    expect(
      load('{ type: gcs, bucket: b, endpoint: "https://gcs.example.com", allow_anonymous: true }'),
    ).toMatchObject({ anonymous: true });
    expect(refusal('{ type: gcs, bucket: b, allow_anonymous: true }')).toContain(
      'allow_anonymous on a GCS destination needs an `endpoint`',
    );
  });

  it('refuses two exports sharing one prefix', () => {
    const path = join(dir, 'two.yaml');
    const one = (name: string) =>
      `  - name: ${name}\n    table: public.${name}\n    format: csv\n    destination: { type: gcs, bucket: b, prefix: same/ }\n`;
    writeFileSync(path, `source:\n  type: postgres\n  url_env: PG_URL\nexports:\n${one('a')}${one('b')}`);
    expect(() => loadConfig(path, { params: new Map(), env: {} })).toThrow(
      /write to the same directory 'gs:\/\/b\/same\/'/,
    );
  });
});

describe('unsupported destinations', () => {
  it('names azure as not supported yet', () => {
    expect(refusal('{ type: azure, bucket: c, account_name: a }')).toContain(
      "destination type 'azure' is not supported by this version of Rivet yet (supported: local, s3, gcs, stdout)",
    );
  });
});
