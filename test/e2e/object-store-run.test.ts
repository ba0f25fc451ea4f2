/**
 * `rivet run` and `rivet doctor` as a user runs them, writing to S3 (s3rver on
 * loopback) and GCS (a loopback server speaking the resumable-upload protocol): parts
 * larger than three upload parts, read back by DuckDB and compared value by value with
 * PostgreSQL; manifest keys relative to the prefix, sizes and MD5s matching the stored
 * objects, `_SUCCESS` last; a SIGKILL mid-upload and a failing store leave no object
 * under a final key and no `_SUCCESS`.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { xxh3 } from '@node-rs/xxhash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckQuery, sqlString } from '../support/duckdb.js';
import { type FakeGcs, startFakeGcs } from '../support/fake-gcs-server.js';
import { createTestSchema, PG_URL, postgresAvailable, type TestSchema } from '../support/pg-test-db.js';
import { runCliAsync, startCli, tempDir } from '../support/run-cli.js';
import { type S3TestServer, startS3 } from '../support/s3-test-server.js';

const available = await postgresAvailable();
const ROWS = 250_000;
const BUCKET = 'rivet-e2e';

describe.skipIf(!available)('rivet run to object stores', () => {
  let db: TestSchema;
  let s3: S3TestServer;
  let gcs: FakeGcs;
  let source: Record<string, unknown>[];
  const env = () => ({ PG_URL, RIVET_AK: 'S3RVER', RIVET_SK: 'S3RVER' });

  beforeAll(async () => {
    db = await createTestSchema('rivet_obj');
    await db.query(`CREATE TABLE events (id bigint PRIMARY KEY, k int, amount numeric(12,2), at timestamptz, payload text);
      INSERT INTO events SELECT i, i % 97, (i * 7 % 100000) / 100.0,
        timestamptz '2024-01-01 00:00:00+00' + i * interval '1 second',
        CASE WHEN i % 11 = 0 THEN NULL ELSE md5(i::text) || md5((i + 1)::text) || md5((i + 2)::text) END
      FROM generate_series(1, ${ROWS}) i;`);
    source = (
      await db.query(
        `SELECT id::text AS id, k::text AS k, amount::text AS amount, payload FROM events ORDER BY events.id`,
      )
    ).rows as Record<string, unknown>[];
    s3 = await startS3([BUCKET]);
    gcs = await startFakeGcs([BUCKET]);
  });

  afterAll(async () => {
    await s3?.close();
    await gcs?.close();
    await db?.drop();
  });

  const s3Destination = (prefix: string) =>
    `{ type: s3, bucket: ${BUCKET}, prefix: ${prefix}, endpoint: "${s3.endpoint}", access_key_env: RIVET_AK, secret_key_env: RIVET_SK }`;
  const gcsDestination = (prefix: string) =>
    `{ type: gcs, bucket: ${BUCKET}, prefix: ${prefix}, endpoint: "${gcs.endpoint}" }`;
  const config = (format: string, destination: string) =>
    `source:\n  type: postgres\n  url_env: PG_URL\nexports:\n  - name: events\n    table: ${db.name}.events\n    format: ${format}\n    destination: ${destination}\n`;

  const s3Object = async (key: string) => {
    const answer = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await answer.Body!.transformToByteArray());
  };

  /** Reads back every part DuckDB-side and compares each row with PostgreSQL's. */
  async function compareWithSource(files: string[], format: string): Promise<void> {
    const list = `[${files.map(sqlString).join(', ')}]`;
    const reader =
      format === 'csv' ? `read_csv(${list}, header = true, all_varchar = true)` : `read_parquet(${list})`;
    const rows = await duckQuery(
      `SELECT id::VARCHAR AS id, k::VARCHAR AS k, amount::VARCHAR AS amount, payload FROM ${reader} ORDER BY id::BIGINT`,
    );
    expect(rows.length).toBe(ROWS);
    for (let i = 0; i < ROWS; i += 1) {
      const a = rows[i]!;
      const b = source[i]!;
      if (
        a.id !== b.id ||
        a.k !== b.k ||
        Number(a.amount) !== Number(b.amount) ||
        (a.payload ?? null) !== b.payload
      ) {
        expect({ row: i, read: a }).toEqual({ row: i, read: b });
      }
    }
  }

  /** The manifest lists prefix-relative keys whose stored size and MD5 match; `_SUCCESS` vouches for it. */
  async function checkMarkers(
    read: (key: string) => Promise<Buffer>,
    prefix: string,
    uri: string,
  ): Promise<string[]> {
    const manifestBytes = await read(`${prefix}manifest.json`);
    const manifest = JSON.parse(manifestBytes.toString('utf8'));
    expect(manifest.status).toBe('success');
    expect(manifest.destination.uri).toBe(uri);
    expect(manifest.row_count).toBe(ROWS);
    const success = (await read(`${prefix}_SUCCESS`)).toString('utf8');
    expect(success).toBe(`xxh3:${xxh3.xxh64(manifestBytes).toString(16).padStart(16, '0')}\n`);
    const dir = tempDir();
    const files: string[] = [];
    for (const part of manifest.parts) {
      expect(part.path.startsWith(prefix)).toBe(false);
      expect(part.path).not.toContain('/');
      const bytes = await read(`${prefix}${part.path}`);
      expect(bytes.length).toBe(part.size_bytes);
      expect(createHash('md5').update(bytes).digest('base64')).toBe(part.content_md5);
      const file = join(dir.path, part.path);
      writeFileSync(file, bytes);
      files.push(file);
    }
    return files;
  }

  it('exports CSV to S3 in more than three upload parts, read back exactly', async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'rivet.yaml'), config('csv', s3Destination('exports/events/')));
      const before = s3.requests.length;
      const cli = await runCliAsync(['run', '-c', 'rivet.yaml'], { cwd: dir.path, env: env() });
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stderr).not.toContain('NodeVersionSupportWarning');
      const uploads = s3.requests
        .slice(before)
        .filter((r) => r.method === 'PUT' && r.url.includes('partNumber='));
      expect(uploads.length).toBeGreaterThan(3);
      expect(uploads.every((u) => u.crc32?.matches === true)).toBe(true);
      const files = await checkMarkers(s3Object, 'exports/events/', `s3://${BUCKET}/exports/events/`);
      await compareWithSource(files, 'csv');
      // Order on the wire: every part completed, then the manifests, then _SUCCESS.
      const seen = s3.requests.slice(before);
      const at = (test: (r: (typeof seen)[number]) => boolean) => seen.findLastIndex(test);
      const lastComplete = at((r) => r.method === 'POST' && r.url.includes('uploadId='));
      const manifest = at((r) => r.method === 'PUT' && r.url.split('?')[0]!.endsWith('/manifest.json'));
      const success = at((r) => r.method === 'PUT' && r.url.split('?')[0]!.endsWith('/_SUCCESS'));
      expect(lastComplete).toBeGreaterThan(-1);
      expect(manifest).toBeGreaterThan(lastComplete);
      expect(success).toBeGreaterThan(manifest);
    } finally {
      dir.remove();
    }
  });

  it('exports Parquet to S3, read back exactly by DuckDB', async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'rivet.yaml'), config('parquet', s3Destination('"pq/{export}"')));
      const cli = await runCliAsync(['run', '-c', 'rivet.yaml'], { cwd: dir.path, env: env() });
      expect(cli.code, cli.stderr).toBe(0);
      const files = await checkMarkers(s3Object, 'pq/events/', `s3://${BUCKET}/pq/events/`);
      await compareWithSource(files, 'parquet');
    } finally {
      dir.remove();
    }
  });

  it('a chunked run with two workers, killed after two chunks, resumes to an exact set on S3', async () => {
    const dir = tempDir();
    try {
      const chunked = config('csv', s3Destination('chunked/')).replace(
        '    format: csv\n',
        '    format: csv\n    mode: chunked\n    chunk_column: id\n    chunk_size: 50000\n    parallel: 2\n    chunk_checkpoint: true\n',
      );
      writeFileSync(join(dir.path, 'rivet.yaml'), chunked);
      const child = startCli(['run', '-c', 'rivet.yaml'], { cwd: dir.path, env: env() });
      const exited = new Promise((r) => child.once('exit', r));
      let partPuts = 0;
      s3.faults.onRequest = (r) => {
        if (r.method === 'PUT' && r.url.split('?')[0]!.endsWith('.csv') && ++partPuts === 3)
          child.kill('SIGKILL');
      };
      await exited;
      s3.faults.onRequest = undefined;
      expect(child.signalCode).toBe('SIGKILL');
      expect(await s3.keys(BUCKET, 'chunked/')).not.toContain('_SUCCESS');

      const before = s3.requests.length;
      const resumed = await runCliAsync(['run', '-c', 'rivet.yaml', '--resume'], {
        cwd: dir.path,
        env: env(),
      });
      expect(resumed.code, resumed.stderr).toBe(0);
      // The resume wrote only the chunks that were not done: at least one was checkpointed before the kill.
      const rewritten = s3.requests
        .slice(before)
        .filter((r) => r.method === 'PUT' && r.url.split('?')[0]!.endsWith('.csv')).length;
      expect(rewritten).toBeLessThan(5);
      const files = await checkMarkers(s3Object, 'chunked/', `s3://${BUCKET}/chunked/`);
      expect(files.length).toBe(5);
      await compareWithSource(files, 'csv');
      // Besides the manifest's parts, at most the two parts in flight at the kill remain (orphans no manifest lists).
      const manifest = JSON.parse((await s3Object('chunked/manifest.json')).toString('utf8'));
      const listed = new Set<string>(manifest.parts.map((p: { path: string }) => p.path));
      const stored = (await s3.keys(BUCKET, 'chunked/')).filter((k) => k.endsWith('.csv'));
      for (const path of listed) expect(stored).toContain(path);
      expect(stored.filter((k) => !listed.has(k)).length).toBeLessThanOrEqual(2);
    } finally {
      s3.faults.onRequest = undefined;
      dir.remove();
    }
  });

  it('a SIGKILL mid-upload leaves no object under a final key and no _SUCCESS', async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'rivet.yaml'), config('csv', s3Destination('killed/')));
      const child = startCli(['run', '-c', 'rivet.yaml'], { cwd: dir.path, env: env() });
      const exited = new Promise((r) => child.once('exit', r));
      s3.faults.onRequest = (r) => {
        if (r.method === 'PUT' && r.url.includes('partNumber=2')) child.kill('SIGKILL');
      };
      await exited;
      s3.faults.onRequest = undefined;
      expect(child.signalCode).toBe('SIGKILL');
      expect(await s3.keys(BUCKET, 'killed/')).toEqual([]);
    } finally {
      s3.faults.onRequest = undefined;
      dir.remove();
    }
  });

  it('a store failing every part aborts the upload: no part, no markers', async () => {
    const dir = tempDir();
    try {
      writeFileSync(
        join(dir.path, 'rivet.yaml'),
        `${config('csv', s3Destination('failing/'))}    tuning: { max_retries: 0 }\n`,
      );
      const before = s3.requests.length;
      s3.faults.fail = { match: (m, url) => m === 'PUT' && url.includes('partNumber='), times: 1_000 };
      const cli = await runCliAsync(['run', '-c', 'rivet.yaml'], { cwd: dir.path, env: env() });
      s3.faults.fail = undefined;
      expect(cli.code).toBe(2);
      expect(cli.stderr).toContain('RIVET_DEST_THROTTLED');
      expect(cli.stderr).toContain(`s3://${BUCKET}/failing/`);
      const seen = s3.requests.slice(before);
      expect(seen.some((r) => r.method === 'DELETE' && r.url.includes('uploadId='))).toBe(true);
      // No part was committed, so there is no manifest to write either.
      expect(await s3.keys(BUCKET, 'failing/')).toEqual([]);
    } finally {
      s3.faults.fail = undefined;
      dir.remove();
    }
  });

  it('exports Parquet to GCS through resumable sessions, read back exactly by DuckDB', async () => {
    const dir = tempDir();
    try {
      writeFileSync(join(dir.path, 'rivet.yaml'), config('parquet', gcsDestination('gcs/events/')));
      const cli = await runCliAsync(['run', '-c', 'rivet.yaml'], { cwd: dir.path, env: env() });
      expect(cli.code, cli.stderr).toBe(0);
      const bucket = gcs.buckets.get(BUCKET)!;
      const read = async (key: string) => {
        const found = bucket.get(key);
        if (found === undefined) throw new Error(`no object ${key}`);
        return found.bytes;
      };
      const files = await checkMarkers(read, 'gcs/events/', `gs://${BUCKET}/gcs/events/`);
      await compareWithSource(files, 'parquet');
      expect(gcs.openSessions()).toBe(0);
    } finally {
      dir.remove();
    }
  });

  it('check names an unset key variable as a failed destination preflight (upstream d03)', async () => {
    const dir = tempDir();
    try {
      writeFileSync(
        join(dir.path, 'rivet.yaml'),
        config(
          'csv',
          `{ type: s3, bucket: ${BUCKET}, prefix: d03/, endpoint: "${s3.endpoint}", access_key_env: AWS_ACCESS_KEY_ID, secret_key_env: AWS_SECRET_ACCESS_KEY }`,
        ),
      );
      const cli = await runCliAsync(['check', '-c', 'rivet.yaml'], { cwd: dir.path, env: { PG_URL } });
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain("export 'events': destination preflight failed");
      expect(cli.stderr).toContain('AWS_ACCESS_KEY_ID');
    } finally {
      dir.remove();
    }
  });

  it('doctor probes S3 and GCS, and names the bucket that is missing', async () => {
    const dir = tempDir();
    try {
      const two = (a: string, b: string) =>
        `source:\n  type: postgres\n  url_env: PG_URL\nexports:\n  - name: a\n    table: ${db.name}.events\n    format: csv\n    destination: ${a}\n  - name: b\n    table: ${db.name}.events\n    format: csv\n    destination: ${b}\n`;
      writeFileSync(join(dir.path, 'ok.yaml'), two(s3Destination('probe/'), gcsDestination('probe/')));
      const ok = await runCliAsync(['doctor', '-c', 'ok.yaml'], { cwd: dir.path, env: env() });
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stdout).toContain(`[OK]  Destination S3(${BUCKET}/probe/)`);
      expect(ok.stdout).toContain(`[OK]  Destination GCS(${BUCKET}/probe/)`);
      expect(ok.stdout).toContain('keys from $RIVET_AK');
      expect(await s3.keys(BUCKET, 'probe/')).toEqual([]);
      expect([...gcs.buckets.get(BUCKET)!.keys()].filter((k) => k.startsWith('probe/'))).toEqual([]);

      writeFileSync(
        join(dir.path, 'bad.yaml'),
        two(
          s3Destination('probe/').replace(BUCKET, 'missing-bucket'),
          gcsDestination('probe/').replace(BUCKET, 'missing-bucket'),
        ),
      );
      const bad = await runCliAsync(['doctor', '-c', 'bad.yaml'], { cwd: dir.path, env: env() });
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain('RIVET_DEST_BUCKET_NOT_FOUND');
      expect(bad.stdout).toContain('s3://missing-bucket/probe/');
      expect(bad.stdout).toContain('gs://missing-bucket/probe/');
      expect(bad.stdout + bad.stderr).not.toContain('S3RVER');

      // No keys named and none in the environment: the default chain finds nothing.
      writeFileSync(
        join(dir.path, 'nokeys.yaml'),
        two(
          `{ type: s3, bucket: ${BUCKET}, prefix: probe/, endpoint: "${s3.endpoint}" }`,
          gcsDestination('probe/'),
        ),
      );
      const nokeys = await runCliAsync(['doctor', '-c', 'nokeys.yaml'], {
        cwd: dir.path,
        env: { PG_URL, HOME: dir.path, AWS_EC2_METADATA_DISABLED: 'true' },
      });
      expect(nokeys.code).toBe(1);
      expect(nokeys.stdout).toContain('RIVET_DEST_CREDENTIALS');
      expect(nokeys.stdout).toContain(`s3://${BUCKET}/probe/`);
    } finally {
      dir.remove();
    }
  });
});
