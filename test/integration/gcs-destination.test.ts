/**
 * The GCS destination through the real client library (@google-cloud/storage) against
 * a loopback server implementing the resumable-upload protocol steps it uses (no GCS
 * emulator installs from npm or Debian): the Destination contract, chunked sessions,
 * CRC32C validation, create-only parts, retries and error classes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDestinationContract } from '../../src/destination/destination.contract.js';
import { GcsDestination } from '../../src/destination/gcs/gcs-destination.js';
import { GCS_CHUNK_BYTES } from '../../src/destination/gcs/gcs-part-sink.js';
import { crc32c, type FakeGcs, startFakeGcs } from '../support/fake-gcs-server.js';

let server: FakeGcs;
let prefixes = 0;

beforeAll(async () => {
  server = await startFakeGcs(['rivet-test', 'acme-bucket']);
});
afterAll(async () => {
  await server?.close();
});

function destination(prefix = `run-${prefixes++}/`, bucket = 'rivet-test'): GcsDestination {
  return new GcsDestination({
    kind: 'gcs',
    bucket,
    prefix,
    endpoint: server.endpoint,
    credentialsFile: undefined,
    anonymous: false,
  });
}

const keysUnder = (prefix: string) =>
  [...server.buckets.get('rivet-test')!.keys()]
    .filter((k) => k.startsWith(prefix))
    .map((k) => k.slice(prefix.length))
    .sort();

describeDestinationContract('GcsDestination (resumable-protocol server)', async () => {
  const prefix = `contract-${prefixes++}/`;
  const sessionsBefore = server.openSessions();
  return {
    destination: destination(prefix),
    visibleKeys: async () => keysUnder(prefix),
    // An unfinalized session holds bytes too: count them as stored.
    allKeys: async () => [
      ...keysUnder(prefix),
      ...Array.from({ length: server.openSessions() - sessionsBefore }, (_, i) => `<session ${i}>`),
    ],
    cleanup: async () => undefined,
  };
});

describe('GcsDestination uploads', () => {
  it('checks the CRC32C reference values', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('sends a large part in acknowledged chunks, visible only at the end', async () => {
    const d = destination();
    const data = randomBytes(2 * GCS_CHUNK_BYTES + 777);
    const before = server.requests.length;
    const sink = await d.open('big.bin');
    for (let at = 0; at < data.length; at += 1_000_000) await sink.write(data.subarray(at, at + 1_000_000));
    expect(await d.stat('big.bin')).toBeUndefined();
    await sink.commit();
    expect(Buffer.compare(Buffer.from((await d.readObject('big.bin'))!), data)).toBe(0);
    const puts = server.requests.slice(before).filter((r) => r.startsWith('PUT /upload/session/'));
    expect(puts.length).toBeGreaterThanOrEqual(3);
  });

  it('retries a chunk the server fails with 503', async () => {
    const d = destination();
    const data = randomBytes(GCS_CHUNK_BYTES + 10);
    server.faults.chunkFailures = 1;
    const sink = await d.open('retried.bin');
    await sink.write(data);
    await sink.commit();
    expect(server.faults.chunkFailures).toBe(0);
    expect(Buffer.compare(Buffer.from((await d.readObject('retried.bin'))!), data)).toBe(0);
  });

  it('fails on a CRC32C mismatch and leaves no object', async () => {
    const d = destination();
    server.faults.wrongCrc32c = true;
    try {
      const sink = await d.open('corrupt.bin');
      await sink.write(randomBytes(1000));
      await expect(sink.commit()).rejects.toMatchObject({ code: 'RIVET_DEST_INTEGRITY', retryable: true });
    } finally {
      server.faults.wrongCrc32c = false;
    }
    expect(await d.stat('corrupt.bin')).toBeUndefined();
  });

  it('cancels the session of an aborted part', async () => {
    const d = destination();
    const before = server.openSessions();
    const sink = await d.open('aborted.bin');
    await sink.write(randomBytes(GCS_CHUNK_BYTES + 1));
    await sink.abort();
    expect(await d.stat('aborted.bin')).toBeUndefined();
    expect(server.openSessions()).toBe(before);
  });
});

describe('GcsDestination errors', () => {
  it('tells a missing object from a missing bucket, whatever the bucket is called', async () => {
    const d = destination('x/', 'acme-bucket');
    expect(await d.stat('missing.bin')).toBeUndefined();
    expect(await d.readObject('missing.bin')).toBeUndefined();
  });

  it('keeps retrying chunks after a marker was written, and calls a lasting 503 transient', async () => {
    const d = destination();
    await d.putObject('manifest.json', Buffer.from('{}'));
    server.faults.chunkFailures = 1;
    const sink = await d.open('after-marker.bin');
    await sink.write(randomBytes(GCS_CHUNK_BYTES + 3));
    await sink.commit();
    expect(server.faults.chunkFailures).toBe(0);

    server.faults.chunkFailures = 1_000;
    try {
      const failing = await d.open('always-503.bin');
      await failing.write(randomBytes(10));
      const error = await failing.commit().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'RIVET_DEST_SERVER', retryable: true });
      expect((error as Error).message).not.toMatch(/upload\/session\/\d+\?/);
    } finally {
      server.faults.chunkFailures = 0;
    }
  }, 120_000);

  it('names the bucket for a missing bucket', async () => {
    const d = destination('x/', 'no-such-bucket');
    const error = await d.putObject('m.json', Buffer.from('{}')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RIVET_DEST_BUCKET_NOT_FOUND', retryable: false });
    expect((error as Error).message).toContain('gs://no-such-bucket/x/');
  });

  it('classifies access denied as permanent', async () => {
    const d = destination();
    server.faults.forbidden = true;
    try {
      const error = await d.putObject('m.json', Buffer.from('{}')).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'RIVET_DEST_ACCESS_DENIED', retryable: false });
    } finally {
      server.faults.forbidden = false;
    }
  });

  it('refuses a key file when STORAGE_EMULATOR_HOST would send its token to another host', () => {
    const saved = process.env.STORAGE_EMULATOR_HOST;
    process.env.STORAGE_EMULATOR_HOST = 'https://gcs.example.com';
    try {
      const open = (credentialsFile: string | undefined) =>
        new GcsDestination({
          kind: 'gcs',
          bucket: 'b',
          prefix: 'p/',
          endpoint: undefined,
          credentialsFile,
          anonymous: false,
        });
      expect(() => open('/secrets/key.json')).toThrow(
        /STORAGE_EMULATOR_HOST points at 'https:\/\/gcs.example.com'/,
      );
      expect(() => open(undefined)).not.toThrow();
      process.env.STORAGE_EMULATOR_HOST = '127.0.0.1:4443';
      expect(() => open('/secrets/key.json')).not.toThrow();
    } finally {
      if (saved === undefined) delete process.env.STORAGE_EMULATOR_HOST;
      else process.env.STORAGE_EMULATOR_HOST = saved;
    }
  });

  it('classifies an unreachable endpoint as transient', async () => {
    const d = new GcsDestination({
      kind: 'gcs',
      bucket: 'rivet-test',
      prefix: '',
      endpoint: 'http://127.0.0.1:9',
      credentialsFile: undefined,
      anonymous: false,
    });
    const error = await d.putObject('m.json', Buffer.from('{}')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RIVET_DEST_UNREACHABLE', retryable: true });
  });
});
