/**
 * The extraction modes end to end on the real PostgreSQL, through the built CLI:
 * incremental cursors (strict `>`, coalesce, cursor_lag), chunked ranges / counts /
 * days / keys with checkpoints, parallel workers and `--resume`, the plan refusals
 * (NULL keys, sparse keys), the export lock, time windows and a query export. Every
 * file is read back by DuckDB from the parts the manifest lists; state through the CLI.
 */
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckQuery } from '../support/duckdb.js';
import {
  chunkIndexOf,
  chunkPartPattern,
  cutoffMs,
  exportYaml,
  idRange,
  Project,
  utcText,
} from '../support/modes-kit.js';
import { createTestSchema, PG_URL, postgresAvailable, type TestSchema } from '../support/pg-test-db.js';

const available = await postgresAvailable();
const SOURCE = `source:\n  type: postgres\n  url: ${PG_URL}\n`;

describe.skipIf(!available)('extraction modes on PostgreSQL', () => {
  let db: TestSchema;
  const projects: Project[] = [];

  const project = (exports: string) => {
    const p = new Project(SOURCE, exports);
    projects.push(p);
    return p;
  };
  /** One value, as PostgreSQL prints it in a UTC session. */
  const scalar = async (sql: string): Promise<string> => {
    const result = await db.query(sql);
    return String(Object.values(result.rows[0] as Record<string, unknown>)[0]);
  };
  const table = (name: string) => `${db.name}.${name}`;

  beforeAll(async () => {
    db = await createTestSchema('rivet_modes_pg');
    // Literals without an offset are read in this zone, far from UTC: the cursor must still be UTC.
    await db.query(`SET TimeZone = 'Asia/Kolkata'`);
    await db.query(`
      CREATE TABLE events (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL, note text);
      CREATE INDEX ON events (updated_at);
      INSERT INTO events SELECT i, '2024-03-01 10:00:00.000001'::timestamp + i * interval '1 minute 0.000123 s', 'n' || i
        FROM generate_series(1, 3000) i;
      CREATE TABLE coalesced (id bigint PRIMARY KEY, updated_at timestamptz, created_at timestamptz NOT NULL);
      INSERT INTO coalesced SELECT i,
          CASE WHEN i % 4 = 0 THEN NULL ELSE '2024-01-01 00:00:00+00'::timestamptz + i * interval '1 minute' END,
          '2023-01-01 00:00:00+00'::timestamptz + i * interval '1 minute'
        FROM generate_series(1, 2000) i;
      CREATE TABLE lagged (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL);
      INSERT INTO lagged SELECT i, now() - interval '1 day' + i * interval '1 second' FROM generate_series(1, 1000) i;
      INSERT INTO lagged SELECT i, now() - interval '10 minutes' FROM generate_series(1001, 1010) i;
      CREATE TABLE counters (id bigint PRIMARY KEY, version int NOT NULL);
      INSERT INTO counters SELECT i, i FROM generate_series(1, 100) i;
      CREATE TABLE items (id bigint PRIMARY KEY, d date NOT NULL, t timestamptz NOT NULL, k int, v text);
      INSERT INTO items SELECT i, date '2024-01-01' + (i % 60),
          '2024-01-01 00:00:00+00'::timestamptz + i * interval '30 minutes',
          CASE WHEN i % 250 = 0 THEN NULL ELSE i % 97 END, md5(i::text)
        FROM generate_series(1, 3000) i;
      CREATE TABLE gappy (id bigint PRIMARY KEY, v int);
      INSERT INTO gappy SELECT i * 7 + (i % 5) * 1000, i FROM generate_series(1, 2000) i;
      CREATE TABLE coded (code text PRIMARY KEY, v int);
      INSERT INTO coded SELECT 'c-' || md5(i::text), i FROM generate_series(1, 2000) i;
      CREATE TABLE sparse (id bigint PRIMARY KEY, v int);
      INSERT INTO sparse SELECT i * 1000000, i FROM generate_series(0, 9) i;
      INSERT INTO sparse VALUES (1, -1);
      ANALYZE sparse;
      CREATE TABLE empty (id bigint PRIMARY KEY);
      CREATE TABLE slow (id bigint PRIMARY KEY, v text);
      INSERT INTO slow SELECT i, md5(i::text) FROM generate_series(1, 300) i;
      CREATE TABLE qsrc (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL);
      INSERT INTO qsrc SELECT i, '2024-05-01 00:00:00+00'::timestamptz + i * interval '1 second' FROM generate_series(1, 1000) i;
      CREATE TABLE tw (id bigint PRIMARY KEY, at timestamptz NOT NULL, epoch bigint NOT NULL);
    `);
    await db.query(`SET TimeZone = 'UTC'`);
  });

  afterAll(async () => {
    for (const p of projects) p.remove();
    await db?.drop();
  });

  describe('incremental on a timestamptz cursor with microseconds', () => {
    let p: Project;
    let firstCursor: string;

    it('the first run exports every row and stores the max cursor exactly as PostgreSQL prints it (UTC)', async () => {
      p = project(
        exportYaml({
          name: 'events',
          table: table('events'),
          mode: 'incremental',
          cursor_column: 'updated_at',
          format: 'parquet',
          destination: '{ type: local, path: ./out }',
        }),
      );
      p.runOk();
      expect(await p.ids('out')).toEqual(idRange(1, 3000));
      firstCursor = await scalar('SELECT max(updated_at)::text FROM events');
      // 10:00 in Asia/Kolkata is 04:30 UTC; 3000 steps of 1 min 0.000123 s later:
      expect(firstCursor).toBe('2024-03-03 06:30:00.369001+00');
      expect(p.cursor('events')).toMatchObject({
        cursor_column: 'updated_at',
        last_cursor_value: firstCursor,
      });
      // The microseconds survive the file too: DuckDB reads the same instant.
      const [row] = await duckQuery(
        `SELECT max(epoch_us(updated_at))::VARCHAR AS us FROM ${p.manifestReader('out')}`,
      );
      expect(row!.us).toBe(
        await scalar(`SELECT (extract(epoch FROM max(updated_at)) * 1000000)::bigint FROM events`),
      );
    });

    it('a second run with nothing new is skipped: no part, manifest.json byte-identical', () => {
      const before = p.manifestBytes('out');
      const files = p.files('out');
      const stderr = p.runOk();
      expect(stderr).toContain("status:     skipped (no new rows since cursor 'updated_at')");
      expect(p.files('out')).toEqual(files);
      expect(p.manifestBytes('out').equals(before)).toBe(true);
      expect(p.cursor('events')?.last_cursor_value).toBe(firstCursor);
    });

    it('strict `>`: exports exactly the new and updated rows; a row committed late with cursor == stored cursor is lost (the tie cursor_lag exists for)', async () => {
      await db.query(`
        INSERT INTO events SELECT i, '${firstCursor}'::timestamptz + (i - 3000) * interval '1.000001 s', 'new'
          FROM generate_series(3001, 3010) i;
        UPDATE events SET updated_at = '2024-03-03 09:00:00.000007+00' WHERE id = 5;
        INSERT INTO events VALUES (3011, '${firstCursor}', 'tie');
      `);
      const parts = p.parts('out');
      p.runOk();
      const added = p.parts('out').filter((f) => !parts.includes(f));
      expect(added).toHaveLength(1);
      expect(p.manifest('out').parts.map((x) => x.path)).toEqual(added);
      expect(await p.ids('out', 'id', added)).toEqual(['5', ...idRange(3001, 3010)]);
      const high = await scalar('SELECT max(updated_at)::text FROM events');
      expect(high).toBe('2024-03-03 09:00:00.000007+00');
      expect(p.cursor('events')?.last_cursor_value).toBe(high);
    });

    it('state reset forgets the cursor: the next run exports everything again (the tie row included)', async () => {
      p.reset('events');
      expect(p.cursor('events')).toBeUndefined();
      p.runOk();
      expect(await p.ids('out')).toEqual(idRange(1, 3011));
    });
  });

  it('coalesce: rows with a NULL updated_at are ordered by created_at', async () => {
    const p = project(
      exportYaml({
        name: 'co',
        table: table('coalesced'),
        mode: 'incremental',
        cursor_column: 'updated_at',
        incremental_cursor_mode: 'coalesce',
        cursor_fallback_column: 'created_at',
        format: 'parquet',
        destination: '{ type: local, path: ./out }',
      }),
    );
    p.runOk();
    expect(await p.ids('out')).toEqual(idRange(1, 2000));
    const cursor = p.cursor('co')!;
    expect(cursor.cursor_column).toBe('coalesce(updated_at,created_at)');
    expect(cursor.last_cursor_value).toBe(
      await scalar('SELECT max(coalesce(updated_at, created_at))::text FROM coalesced'),
    );
    // 2001: no updated_at, created_at past the cursor → exported; 2002: created_at old → not.
    await db.query(`INSERT INTO coalesced VALUES
      (2001, NULL, '2025-01-01 00:00:00+00'), (2002, NULL, '2022-01-01 00:00:00+00'),
      (2003, '2025-02-01 00:00:00+00', '2020-01-01 00:00:00+00')`);
    p.runOk();
    expect(await p.ids('out')).toEqual(['2001', '2003']);
    expect(p.cursor('co')?.last_cursor_value).toBe('2025-02-01 00:00:00+00');
  });

  it('cursor_lag: 1h leaves the last hour for a later run; the stored cursor is at most now() − 1h', async () => {
    const p = project(
      exportYaml({
        name: 'lag',
        table: table('lagged'),
        mode: 'incremental',
        cursor_column: 'updated_at',
        cursor_lag: '1h',
        format: 'csv',
        destination: '{ type: local, path: ./out }',
      }),
    );
    p.runOk();
    expect(await p.ids('out')).toEqual(idRange(1, 1000));
    const cursor = p.cursor('lag')!.last_cursor_value;
    expect(cursor).toBe(await scalar('SELECT max(updated_at)::text FROM lagged WHERE id <= 1000'));
    expect(await scalar(`SELECT '${cursor}'::timestamptz <= now() - interval '1 hour'`)).toBe('t');
    await db.query(`UPDATE lagged SET updated_at = now() - interval '61 minutes' WHERE id > 1000`);
    p.runOk();
    expect(await p.ids('out')).toEqual(idRange(1001, 1010));
  });

  it('cursor_lag on an integer cursor fails planning (RIVET_PLAN_CHUNK_COLUMN naming cursor_lag), writing nothing', () => {
    const p = project(
      exportYaml({
        name: 'ctr',
        table: table('counters'),
        mode: 'incremental',
        cursor_column: 'version',
        cursor_lag: '5m',
        format: 'parquet',
        destination: '{ type: local, path: ./out }',
      }),
    );
    const result = p.runFails('RIVET_PLAN_CHUNK_COLUMN');
    expect(result.stderr).toMatch(/cursor_lag needs a TIMESTAMP cursor, but 'version' is/);
    expect(p.files('out')).toEqual([]);
    expect(p.cursor('ctr')).toBeUndefined();
  });

  describe('chunked', () => {
    const chunked = (
      fields: Record<string, string | number | boolean>,
      format: 'parquet' | 'csv' = 'parquet',
    ) =>
      project(
        exportYaml({
          name: 'ch',
          ...fields,
          mode: 'chunked',
          format,
          destination: '{ type: local, path: ./out }',
        }),
      );

    /** Every source row exactly once across the manifest's parts, each named as a chunk part. */
    const expectExactlyOnce = async (p: Project, rows: number, ext: 'parquet' | 'csv' = 'parquet') => {
      expect(await p.counts('out')).toMatchObject({ rows, distinct: rows });
      expect(p.manifest('out').row_count).toBe(rows);
      const parts = p.manifest('out').parts;
      for (const part of parts) expect(part.path).toMatch(chunkPartPattern('ch', ext));
      // Each chunk part is part 0 of its chunk, but the manifest numbers its parts 0…n−1.
      expect(parts.map((part) => part.part_id)).toEqual(parts.map((_, i) => i));
    };

    it('chunk_column + chunk_size, parallel: 2, checkpoints: every row once, every chunk done', async () => {
      const p = chunked({
        table: table('items'),
        chunk_column: 'id',
        chunk_size: 400,
        parallel: 2,
        chunk_checkpoint: true,
      });
      const stderr = p.runOk();
      expect(stderr).toContain('chunked range(id, 400) ×2');
      await expectExactlyOnce(p, 3000);
      expect(p.parts('out')).toHaveLength(8);
      const chunks = p.chunks('ch');
      expect(chunks.status).toBe('completed');
      expect(chunks.tasks).toHaveLength(8);
      expect(chunks.tasks.every((t) => t.status === 'done')).toBe(true);
      expect(chunks.tasks.reduce((n, t) => n + t.rows_written, 0)).toBe(3000);
      expect(chunks.tasks.map((t) => [t.lower, t.upper])[7]).toEqual(['2801', '3000']);
    });

    it('chunk_count: 3 cuts three equal ranges', async () => {
      const p = chunked({ table: table('items'), chunk_column: 'id', chunk_count: 3 }, 'csv');
      expect(p.runOk()).toContain('chunked count(id, 3)');
      await expectExactlyOnce(p, 3000, 'csv');
      expect(p.manifest('out').parts.map((x) => x.rows)).toEqual([1000, 1000, 1000]);
    });

    it('chunk_by_days on a DATE column: half-open day windows', async () => {
      const p = chunked({ table: table('items'), chunk_column: 'd', chunk_by_days: 7, parallel: 2 });
      p.runOk();
      await expectExactlyOnce(p, 3000);
      // 60 distinct dates from 2024-01-01: 9 windows of 7 days.
      expect(p.manifest('out').part_count).toBe(9);
      const [row] = await duckQuery(
        `SELECT count(DISTINCT filename)::INT AS parts FROM ${p.manifestReader('out')} WHERE d IN ('2024-01-07', '2024-01-08')`,
      );
      expect(row!.parts).toBe(2);
    });

    it('chunk_by_days on a timestamptz column: a row exactly at a window’s midnight lands in that window only', async () => {
      const p = chunked({
        table: table('items'),
        chunk_column: 't',
        chunk_by_days: 7,
        chunk_checkpoint: true,
      });
      p.runOk();
      await expectExactlyOnce(p, 3000);
      const tasks = p.chunks('ch').tasks;
      expect(tasks.map((t) => t.lower)).toEqual(
        Array.from({ length: 9 }, (_, i) =>
          new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10),
        ),
      );
      // Rows at exactly 00:00 UTC of a window's first day (every 48th row is at midnight).
      const boundary = await duckQuery(
        `SELECT id::INT AS id, strftime(make_timestamp(epoch_us(t)), '%Y-%m-%d') AS day, filename FROM ${p.manifestReader('out')}
          WHERE epoch_us(t) % 86400000000 = 0 ORDER BY id`,
      );
      const lowers = new Set(tasks.map((t) => t.lower));
      const atWindowStart = boundary.filter((r) => lowers.has(String(r.day)));
      expect(atWindowStart.length).toBe(8);
      for (const r of atWindowStart) {
        const task = tasks[chunkIndexOf(basename(String(r.filename)))]!;
        expect(task.lower, `row ${r.id}`).toBe(r.day);
      }
    });

    it('chunk_by_key on an integer key with gaps: chunks of chunk_size rows', async () => {
      const p = chunked({ table: table('gappy'), chunk_by_key: 'id', chunk_size: 300, parallel: 2 });
      p.runOk();
      await expectExactlyOnce(p, 2000);
      const rows = p.manifest('out').parts.map((x) => x.rows);
      expect(rows.sort((a, b) => b - a)).toEqual([300, 300, 300, 300, 300, 300, 200]);
    });

    it('chunk_by_key on a text primary key', async () => {
      const p = chunked({ table: table('coded'), chunk_by_key: 'code', chunk_size: 500 }, 'csv');
      p.runOk();
      expect(await p.counts('out', 'code')).toEqual({ rows: 2000, distinct: 2000, nulls: 0 });
      expect(p.manifest('out').parts.map((x) => x.rows)).toEqual([500, 500, 500, 500]);
    });

    it('the table: shortcut without a strategy auto-resolves to the primary key, with a warning', async () => {
      const p = chunked({ table: table('items'), chunk_size: 1000 });
      const stderr = p.runOk();
      expect(stderr).toContain("auto-resolved to 'id'");
      await expectExactlyOnce(p, 3000);
    });

    it('NULL chunk keys are refused by default (nothing written), or exported as their own chunk', async () => {
      const refused = chunked({ table: table('items'), chunk_column: 'k', chunk_size: 20 });
      const result = refused.runFails('RIVET_PLAN_CHUNK_NULL_KEYS');
      expect(result.stderr).toContain('chunk_null_keys: own_chunk');
      expect(refused.files('out')).toEqual([]);

      const own = chunked({
        table: table('items'),
        chunk_column: 'k',
        chunk_size: 20,
        chunk_null_keys: 'own_chunk',
      });
      own.runOk();
      await expectExactlyOnce(own, 3000);
      const manifest = own.manifest('out');
      // The NULL chunk comes after every range chunk.
      const last = Math.max(...manifest.parts.map((x) => chunkIndexOf(x.path)));
      const nullPart = manifest.parts.find((x) => chunkIndexOf(x.path) === last)!;
      expect(await own.ids('out', 'k', [nullPart.path])).toEqual(Array(12).fill(null));
      expect(await own.ids('out', 'k')).toHaveLength(3000);
    });

    it('an empty checkpointed run with skip_empty is skipped and completed, so the next run is not blocked', () => {
      const p = chunked({
        table: table('empty'),
        chunk_column: 'id',
        chunk_checkpoint: true,
        skip_empty: true,
      });
      expect(p.runOk()).toContain('status:     skipped');
      expect(p.chunks('ch').status).toBe('completed');
      expect(p.runOk()).toContain('status:     skipped');
      expect(p.parts('out')).toEqual([]);
    });

    it('sparse keys (huge span, few rows) are refused, pointing at chunk_by_key', () => {
      const p = chunked({ table: table('sparse'), chunk_column: 'id', chunk_size: 1000 });
      const result = p.runFails('RIVET_PLAN_SPARSE_CHUNKS');
      expect(result.stderr).toContain('chunk_by_key: id');
      expect(p.files('out')).toEqual([]);
    });

    it('resume: a killed checkpointed run must be resumed, with the same plan, and resumes exactly once', async () => {
      const fields = {
        table: table('items'),
        chunk_column: 'id',
        chunk_size: 300,
        parallel: 2,
        chunk_checkpoint: true,
      };
      const p = chunked(fields);
      const killed = p.run([], { RIVET_TEST_KILL_AT: 'after_chunk_commit:2' });
      expect(killed.code, killed.stderr).toBeNull();
      const left = p.chunks('ch');
      expect(left.status).toBe('in_progress');
      expect(left.tasks.filter((t) => t.status === 'done').length).toBeGreaterThanOrEqual(2);
      expect(p.files('out')).not.toContain('_SUCCESS');

      p.runFails('RIVET_CHUNK_RUN_IN_PROGRESS');
      const changed = exportYaml({
        name: 'ch',
        ...fields,
        chunk_size: 250,
        mode: 'chunked',
        format: 'parquet',
        destination: '{ type: local, path: ./out }',
      });
      p.write(SOURCE, changed);
      p.runFails('RIVET_RESUME_PLAN_CHANGED', ['--resume']);

      p.write(
        SOURCE,
        exportYaml({
          name: 'ch',
          ...fields,
          mode: 'chunked',
          format: 'parquet',
          destination: '{ type: local, path: ./out }',
        }),
      );
      p.runOk(['--resume']);
      await expectExactlyOnce(p, 3000);
      expect(p.manifest('out').run_id).toBe(left.run_id);
      expect(p.files('out')).toContain('_SUCCESS');
      const done = p.chunks('ch');
      expect(done.status).toBe('completed');
      expect(done.tasks.every((t) => t.status === 'done')).toBe(true);

      p.runFails('RIVET_RESUME_NOTHING', ['--resume']);
    });
  });

  it('export lock: a second run of a running export is refused; --force takes over with a warning', async () => {
    const fields = {
      name: 'slow',
      table: table('slow'),
      format: 'csv',
      destination: '{ type: local, path: ./out }',
    };
    const p = project(exportYaml({ ...fields, tuning: '{ throttle_ms: 200, batch_size: 10 }' }));
    const first = p.start();
    const exited = new Promise((resolve) => first.on('exit', resolve));
    try {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && !p.files('out').some((f) => f.endsWith('.tmp'))) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(p.files('out').some((f) => f.endsWith('.tmp'))).toBe(true);
      const locked = p.runFails('RIVET_EXPORT_LOCKED');
      expect(locked.stderr).toContain(`pid ${first.pid}`);
      // The taking-over run need not be slow itself.
      p.write(SOURCE, exportYaml(fields));
      const forced = p.runOk(['--force']);
      expect(forced).toContain('--force: taking over the lock of run slow_');
      expect(await p.counts('out')).toMatchObject({ rows: 300, distinct: 300 });
    } finally {
      first.kill('SIGKILL');
      await exited;
    }
  });

  describe('time_window', () => {
    it('timestamp: rows from UTC midnight of now − days_window on, older rows left out', async () => {
      const cut = cutoffMs(3);
      await db.query(`TRUNCATE tw; INSERT INTO tw VALUES
        (1, '${utcText(cut - 5 * 86_400_000)}+00', ${cut / 1000 - 5 * 86_400}),
        (2, '${utcText(cut - 1000)}.999999+00', ${cut / 1000 - 1}),
        (3, '${utcText(cut)}+00', ${cut / 1000}),
        (4, '${utcText(cut + 3_600_000)}+00', ${cut / 1000 + 3600}),
        (5, now() - interval '1 minute', extract(epoch FROM now())::bigint - 60)`);
      const p = project(
        [
          exportYaml({
            name: 'tw_ts',
            table: table('tw'),
            mode: 'time_window',
            time_column: 'at',
            days_window: 3,
            format: 'parquet',
            destination: '{ type: local, path: ./out/ts }',
          }),
          exportYaml({
            name: 'tw_unix',
            table: table('tw'),
            mode: 'time_window',
            time_column: 'epoch',
            time_column_type: 'unix',
            days_window: 3,
            format: 'csv',
            destination: '{ type: local, path: ./out/unix }',
          }),
        ].join(''),
      );
      const stderr = p.runOk();
      expect(stderr).toContain(`time_window(at >= ${utcText(cut)})`);
      expect(stderr).toContain(`time_window(epoch >= ${cut / 1000})`);
      expect(await p.ids('out/ts')).toEqual(['3', '4', '5']);
      expect(await p.ids('out/unix')).toEqual(['3', '4', '5']);
    });
  });

  it('a query export in incremental mode reads only the new window (cursor scan path)', async () => {
    const p = project(
      exportYaml({
        name: 'q',
        query: `"SELECT id, updated_at FROM ${table('qsrc')} WHERE id % 2 = 0"`,
        mode: 'incremental',
        cursor_column: 'updated_at',
        format: 'parquet',
        destination: '{ type: local, path: ./out }',
      }),
    );
    expect(p.runOk()).toContain('incremental(updated_at) scan');
    expect(await p.counts('out')).toMatchObject({ rows: 500, distinct: 500 });
    expect(p.cursor('q')?.last_cursor_value).toBe('2024-05-01 00:16:40+00');
    expect(p.runOk()).toContain('skipped (no new rows since cursor');
    await db.query(
      `INSERT INTO qsrc VALUES (1001, '2024-06-01 00:00:00+00'), (1002, '2024-06-01 00:00:01+00')`,
    );
    p.runOk();
    expect(await p.ids('out')).toEqual(['1002']);
  });
});
