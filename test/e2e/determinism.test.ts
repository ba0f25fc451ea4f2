/**
 * Equal input gives byte-equal Parquet: a full export run twice, and every chunk of a
 * chunked export whether it was read by one worker or two (the page sizes of a read
 * differ then, since a worker carries them from chunk to chunk). Content hashes of
 * re-extracted parts therefore deduplicate.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../src/contracts/manifest.js';
import { createTestSchema, PG_URL, postgresAvailable, type TestSchema } from '../support/pg-test-db.js';
import { runCli, tempDir } from '../support/run-cli.js';

const available = await postgresAvailable();

describe.skipIf(!available)('deterministic Parquet bytes', () => {
  let db: TestSchema;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    db = await createTestSchema('rivet_det');
    await db.query(`CREATE TABLE items (id bigint PRIMARY KEY, name text, price numeric(12,2), at timestamptz);
      INSERT INTO items SELECT i, repeat('n', 200 + (i * 7) % 97) || i, i * 1.25, '2024-01-01'::timestamptz + i * interval '1 minute'
        FROM generate_series(1, 30000) i;`);
    dir = tempDir();
  });

  afterAll(async () => {
    await db?.drop();
    dir?.remove();
  });

  const run = (name: string, body: string): Manifest => {
    const config = join(dir.path, `${name}.yaml`);
    writeFileSync(
      config,
      `source:\n  type: postgres\n  url_env: PG_URL\nexports:\n  - name: ${name}\n    table: ${db.name}.items\n    format: parquet\n${body}    destination: { type: local, path: ./${name} }\n`,
    );
    const cli = runCli(['run', '-c', config], { cwd: dir.path, env: { PG_URL } });
    expect(cli.code, cli.stderr).toBe(0);
    return JSON.parse(readFileSync(join(dir.path, name, 'manifest.json'), 'utf8')) as Manifest;
  };

  /** Chunk index (from the part name) → content fingerprint. */
  const byChunk = (manifest: Manifest) =>
    Object.fromEntries(
      manifest.parts.map((p) => [/_chunk(\d+)_/.exec(p.path)![1], p.content_fingerprint] as const),
    );

  it('a full export run twice writes the same bytes', () => {
    const first = run('full_a', '');
    const second = run('full_b', '');
    expect(first.parts).toHaveLength(1);
    expect(second.parts[0]!.content_fingerprint).toBe(first.parts[0]!.content_fingerprint);
    expect(second.schema_fingerprint).toBe(first.schema_fingerprint);
  });

  it('every chunk has the same bytes read by one worker or by two', () => {
    // ~1 MB row groups of ~250-byte rows: several groups per chunk, so the group size — taken
    // from a part's first batch — shows in the bytes.
    const chunked = (parallel: number) =>
      `    mode: chunked\n    chunk_column: id\n    chunk_size: 5000\n    parallel: ${parallel}\n    parquet: { target_row_group_mb: 1 }\n`;
    const one = byChunk(run('chunks_one', chunked(1)));
    const two = byChunk(run('chunks_two', chunked(2)));
    expect(Object.keys(one)).toHaveLength(6);
    expect(two).toEqual(one);
  });
});
