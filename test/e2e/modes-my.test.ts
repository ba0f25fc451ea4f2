/**
 * The extraction modes end to end on the real MariaDB, through the built CLI:
 * incremental cursors on DATETIME(6) and TIMESTAMP(6) (strict `>`, coalesce,
 * cursor_lag), chunked ranges / counts / days / keys with checkpoints, parallel workers
 * and `--resume`, the plan refusals (NULL keys, sparse keys), time windows and a key-less
 * query. Every file is read back by DuckDB from the parts the manifest lists.
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
import { createTestDatabase, mysqlAvailable, type TestDatabase } from '../support/my-test-db.js';

const available = await mysqlAvailable();

describe.skipIf(!available)('extraction modes on MariaDB', () => {
  let db: TestDatabase;
  let source: string;
  const projects: Project[] = [];

  const project = (exports: string) => {
    const p = new Project(source, exports);
    projects.push(p);
    return p;
  };
  /** One value, as the server prints it (the test session is UTC). */
  const scalar = async (sql: string): Promise<string> => {
    const rows = await db.query<Record<string, unknown>[]>(sql);
    return String(Object.values(rows[0]!)[0]);
  };

  beforeAll(async () => {
    db = await createTestDatabase('rivet_modes_my');
    source = `source:\n  type: mysql\n  url: ${db.url}\n`;
    await db.query(`
      CREATE TABLE events (id BIGINT PRIMARY KEY, updated_at DATETIME(6) NOT NULL, note VARCHAR(20), KEY (updated_at));
      INSERT INTO events SELECT seq, '2024-03-01 10:00:00.000001' + INTERVAL seq MINUTE + INTERVAL seq * 123 MICROSECOND, CONCAT('n', seq)
        FROM seq_1_to_3000;
      CREATE TABLE stamps (id INT PRIMARY KEY, ts TIMESTAMP(6) NOT NULL, KEY (ts));
      SET SESSION time_zone = '+05:00';
      INSERT INTO stamps SELECT seq, '2024-07-01 03:00:00.000001' + INTERVAL seq SECOND + INTERVAL seq MICROSECOND FROM seq_1_to_500;
      SET SESSION time_zone = '+00:00';
      CREATE TABLE coalesced (id BIGINT PRIMARY KEY, updated_at DATETIME(6) NULL, created_at DATETIME(6) NOT NULL);
      INSERT INTO coalesced SELECT seq, IF(seq % 4 = 0, NULL, '2024-01-01' + INTERVAL seq MINUTE), '2023-01-01' + INTERVAL seq MINUTE
        FROM seq_1_to_2000;
      CREATE TABLE lagged (id BIGINT PRIMARY KEY, updated_at DATETIME(6) NOT NULL, KEY (updated_at));
      INSERT INTO lagged SELECT seq, NOW(6) - INTERVAL 1 DAY + INTERVAL seq SECOND FROM seq_1_to_1000;
      INSERT INTO lagged SELECT seq, NOW(6) - INTERVAL 10 MINUTE FROM seq_1001_to_1010;
      CREATE TABLE counters (id BIGINT PRIMARY KEY, version INT NOT NULL);
      INSERT INTO counters SELECT seq, seq FROM seq_1_to_100;
      CREATE TABLE items (id BIGINT PRIMARY KEY, d DATE NOT NULL, t DATETIME(6) NOT NULL, k INT NULL, v VARCHAR(40),
        KEY (d), KEY (k));
      INSERT INTO items SELECT seq, '2024-01-01' + INTERVAL (seq % 60) DAY, '2024-01-01' + INTERVAL (seq * 30) MINUTE,
          IF(seq % 250 = 0, NULL, seq % 97), MD5(seq)
        FROM seq_1_to_3000;
      CREATE TABLE gappy (id BIGINT PRIMARY KEY, v INT);
      INSERT INTO gappy SELECT seq * 7 + (seq % 5) * 1000, seq FROM seq_1_to_2000;
      CREATE TABLE coded (code VARCHAR(40) PRIMARY KEY, v INT);
      INSERT INTO coded SELECT CONCAT('c-', MD5(seq)), seq FROM seq_1_to_2000;
      CREATE TABLE sparse (id BIGINT PRIMARY KEY, v INT);
      INSERT INTO sparse SELECT seq * 1000000, seq FROM seq_0_to_9;
      INSERT INTO sparse VALUES (1, -1);
      ANALYZE TABLE sparse;
      CREATE TABLE qsrc (id BIGINT PRIMARY KEY, updated_at DATETIME(6) NOT NULL);
      INSERT INTO qsrc SELECT seq, '2024-05-01' + INTERVAL seq SECOND FROM seq_1_to_1000;
      CREATE TABLE tw (id BIGINT PRIMARY KEY, at DATETIME(6) NOT NULL, epoch BIGINT NOT NULL, KEY (at));
      CREATE TABLE scores (id BIGINT PRIMARY KEY, score DOUBLE NOT NULL, KEY (score));
      INSERT INTO scores SELECT seq, seq / 7 FROM seq_1_to_1000;
      CREATE TABLE zeroed (id INT PRIMARY KEY, d DATE NULL);
      INSERT INTO zeroed SELECT seq, '2024-01-01' + INTERVAL seq DAY FROM seq_1_to_100;
      SET SESSION sql_mode = '';
      INSERT INTO zeroed VALUES (1000, '0000-00-00');
      SET SESSION sql_mode = DEFAULT;
    `);
  });

  afterAll(async () => {
    for (const p of projects) p.remove();
    await db?.drop();
  });

  describe('incremental on a DATETIME(6) cursor', () => {
    let p: Project;
    let firstCursor: string;

    it('the first run exports every row and stores the max cursor exactly as the server prints it', async () => {
      p = project(
        exportYaml({
          name: 'events',
          table: 'events',
          mode: 'incremental',
          cursor_column: 'updated_at',
          format: 'parquet',
          destination: '{ type: local, path: ./out }',
        }),
      );
      p.runOk();
      expect(await p.ids('out')).toEqual(idRange(1, 3000));
      firstCursor = await scalar('SELECT CAST(MAX(updated_at) AS CHAR) FROM events');
      expect(firstCursor).toBe('2024-03-03 12:00:00.369001');
      expect(p.cursor('events')).toMatchObject({
        cursor_column: 'updated_at',
        last_cursor_value: firstCursor,
      });
      const [row] = await duckQuery(
        `SELECT strftime(max(updated_at), '%Y-%m-%d %H:%M:%S.%f') AS v FROM ${p.manifestReader('out')}`,
      );
      expect(row!.v).toBe(firstCursor);
    });

    it('a second run with nothing new is skipped: no part, manifest.json byte-identical', () => {
      const before = p.manifestBytes('out');
      const files = p.files('out');
      expect(p.runOk()).toContain("status:     skipped (no new rows since cursor 'updated_at')");
      expect(p.files('out')).toEqual(files);
      expect(p.manifestBytes('out').equals(before)).toBe(true);
      expect(p.cursor('events')?.last_cursor_value).toBe(firstCursor);
    });

    it('strict `>`: exports exactly the new and updated rows; a row committed late with cursor == stored cursor is lost (the tie cursor_lag exists for)', async () => {
      await db.query(`
        INSERT INTO events SELECT seq, TIMESTAMP'${firstCursor}' + INTERVAL (seq - 3000) * 1000001 MICROSECOND, 'new'
          FROM seq_3001_to_3010;
        UPDATE events SET updated_at = '2024-03-03 13:00:00.000007' WHERE id = 5;
        INSERT INTO events VALUES (3011, '${firstCursor}', 'tie');
      `);
      const parts = p.parts('out');
      p.runOk();
      const added = p.parts('out').filter((f) => !parts.includes(f));
      expect(added).toHaveLength(1);
      expect(p.manifest('out').parts.map((x) => x.path)).toEqual(added);
      expect(await p.ids('out', 'id', added)).toEqual(['5', ...idRange(3001, 3010)]);
      expect(p.cursor('events')?.last_cursor_value).toBe('2024-03-03 13:00:00.000007');
      expect(await scalar('SELECT CAST(MAX(updated_at) AS CHAR) FROM events')).toBe(
        '2024-03-03 13:00:00.000007',
      );
    });

    it('state reset forgets the cursor: the next run exports everything again (the tie row included)', async () => {
      p.reset('events');
      expect(p.cursor('events')).toBeUndefined();
      p.runOk();
      expect(await p.ids('out')).toEqual(idRange(1, 3011));
    });
  });

  it('incremental on TIMESTAMP(6): written under +05:00, the cursor is the UTC instant, exact to the microsecond', async () => {
    const p = project(
      exportYaml({
        name: 'stamps',
        table: 'stamps',
        mode: 'incremental',
        cursor_column: 'ts',
        format: 'parquet',
        destination: '{ type: local, path: ./out }',
      }),
    );
    p.runOk();
    expect(await p.ids('out')).toEqual(idRange(1, 500));
    // 03:00 at +05:00 is 22:00 UTC the day before; row 500 is 500 s and 500 µs later.
    expect(p.cursor('stamps')?.last_cursor_value).toBe('2024-06-30 22:08:20.000501');
    const [row] = await duckQuery(`SELECT max(epoch_us(ts))::VARCHAR AS us FROM ${p.manifestReader('out')}`);
    expect(row!.us).toBe(String(Date.UTC(2024, 5, 30, 22, 8, 20) * 1000 + 501));
    await db.query(`SET SESSION time_zone = '+05:00';
      INSERT INTO stamps VALUES (501, '2024-07-01 03:08:20.000501'), (502, '2024-07-01 03:08:20.000502');
      SET SESSION time_zone = '+00:00';`);
    p.runOk();
    expect(await p.ids('out')).toEqual(['502']);
    expect(p.cursor('stamps')?.last_cursor_value).toBe('2024-06-30 22:08:20.000502');
  });

  it('coalesce: rows with a NULL updated_at are ordered by created_at', async () => {
    const p = project(
      exportYaml({
        name: 'co',
        table: 'coalesced',
        mode: 'incremental',
        cursor_column: 'updated_at',
        incremental_cursor_mode: 'coalesce',
        cursor_fallback_column: 'created_at',
        format: 'csv',
        destination: '{ type: local, path: ./out }',
      }),
    );
    p.runOk();
    expect(await p.ids('out')).toEqual(idRange(1, 2000));
    const cursor = p.cursor('co')!;
    expect(cursor.cursor_column).toBe('coalesce(updated_at,created_at)');
    expect(cursor.last_cursor_value).toBe(
      await scalar('SELECT CAST(MAX(COALESCE(updated_at, created_at)) AS CHAR) FROM coalesced'),
    );
    await db.query(`INSERT INTO coalesced VALUES
      (2001, NULL, '2025-01-01 00:00:00'), (2002, NULL, '2022-01-01 00:00:00'),
      (2003, '2025-02-01 00:00:00', '2020-01-01 00:00:00')`);
    p.runOk();
    expect(await p.ids('out')).toEqual(['2001', '2003']);
    expect(p.cursor('co')?.last_cursor_value).toBe('2025-02-01 00:00:00.000000');
  });

  it('an indexed cursor whose values cannot bound a keyset page (DOUBLE) is read by walking the key', async () => {
    const p = project(
      exportYaml({
        name: 'scores',
        table: 'scores',
        mode: 'incremental',
        cursor_column: 'score',
        format: 'parquet',
        tuning: '{ batch_size: 100 }',
        destination: '{ type: local, path: ./out }',
      }),
    );
    expect(p.runOk()).toContain("column 'score' (double) cannot order keyset pages");
    expect(await p.ids('out')).toEqual(idRange(1, 1000));
    await db.query('INSERT INTO scores VALUES (1001, 1000), (1002, 1)');
    p.runOk();
    expect(await p.ids('out')).toEqual(['1001']);
  });

  it('cursor_lag: 1h leaves the last hour for a later run; the stored cursor is at most now − 1h', async () => {
    const p = project(
      exportYaml({
        name: 'lag',
        table: 'lagged',
        mode: 'incremental',
        cursor_column: 'updated_at',
        cursor_lag: '1h',
        format: 'parquet',
        destination: '{ type: local, path: ./out }',
      }),
    );
    p.runOk();
    expect(await p.ids('out')).toEqual(idRange(1, 1000));
    const cursor = p.cursor('lag')!.last_cursor_value;
    expect(cursor).toBe(await scalar('SELECT CAST(MAX(updated_at) AS CHAR) FROM lagged WHERE id <= 1000'));
    expect(await scalar(`SELECT TIMESTAMP'${cursor}' <= UTC_TIMESTAMP(6) - INTERVAL 1 HOUR`)).toBe('1');
    await db.query('UPDATE lagged SET updated_at = NOW(6) - INTERVAL 61 MINUTE WHERE id > 1000');
    p.runOk();
    expect(await p.ids('out')).toEqual(idRange(1001, 1010));
  });

  it('cursor_lag on an integer cursor fails planning (RIVET_PLAN_CHUNK_COLUMN naming cursor_lag), writing nothing', () => {
    const p = project(
      exportYaml({
        name: 'ctr',
        table: 'counters',
        mode: 'incremental',
        cursor_column: 'version',
        cursor_lag: '30s',
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

    const expectExactlyOnce = async (
      p: Project,
      rows: number,
      ext: 'parquet' | 'csv' = 'parquet',
      key = 'id',
    ) => {
      expect(await p.counts('out', key)).toMatchObject({ rows, distinct: rows });
      expect(p.manifest('out').row_count).toBe(rows);
      const parts = p.manifest('out').parts;
      for (const part of parts) expect(part.path).toMatch(chunkPartPattern('ch', ext));
      expect(parts.map((part) => part.part_id)).toEqual(parts.map((_, i) => i));
    };

    it('chunk_column + chunk_size, parallel: 2, checkpoints: every row once, every chunk done', async () => {
      const p = chunked({
        table: 'items',
        chunk_column: 'id',
        chunk_size: 400,
        parallel: 2,
        chunk_checkpoint: true,
      });
      expect(p.runOk()).toContain('chunked range(id, 400) ×2');
      await expectExactlyOnce(p, 3000);
      expect(p.parts('out')).toHaveLength(8);
      const chunks = p.chunks('ch');
      expect(chunks.status).toBe('completed');
      expect(chunks.tasks).toHaveLength(8);
      expect(chunks.tasks.every((t) => t.status === 'done')).toBe(true);
      expect(chunks.tasks.reduce((n, t) => n + t.rows_written, 0)).toBe(3000);
    });

    it('chunk_count: 3 cuts three equal ranges', async () => {
      const p = chunked({ table: 'items', chunk_column: 'id', chunk_count: 3 }, 'csv');
      expect(p.runOk()).toContain('chunked count(id, 3)');
      await expectExactlyOnce(p, 3000, 'csv');
      expect(p.manifest('out').parts.map((x) => x.rows)).toEqual([1000, 1000, 1000]);
    });

    it('chunk_by_days on an indexed DATE column: half-open day windows, paged on (d, id)', async () => {
      const p = chunked({ table: 'items', chunk_column: 'd', chunk_by_days: 7, parallel: 2 });
      const stderr = p.runOk();
      expect(stderr).not.toContain('has no index of its own');
      await expectExactlyOnce(p, 3000);
      expect(p.manifest('out').part_count).toBe(9);
      const [row] = await duckQuery(
        `SELECT count(DISTINCT filename)::INT AS parts FROM ${p.manifestReader('out')} WHERE d IN ('2024-01-07', '2024-01-08')`,
      );
      expect(row!.parts).toBe(2);
    });

    it('an IGNORED index on the chunk column is not forced: pages walk the key, with the warning', async () => {
      await db.query(
        'CREATE TABLE ign (id BIGINT PRIMARY KEY, d DATE NOT NULL, KEY ix_d (d) IGNORED); INSERT INTO ign SELECT id, d FROM items',
      );
      const p = chunked({ table: 'ign', chunk_column: 'd', chunk_by_days: 30 });
      expect(p.runOk()).toContain("column 'd' has no index of its own");
      const [row] = await duckQuery(`SELECT count(*)::INT AS n FROM ${p.manifestReader('out')}`);
      expect(row!.n).toBe(3000);
    });

    it('chunk_by_days on an unindexed DATETIME(6) column: a row exactly at a window’s midnight lands in that window only', async () => {
      const p = chunked({ table: 'items', chunk_column: 't', chunk_by_days: 7, chunk_checkpoint: true });
      expect(p.runOk()).toContain("column 't' has no index of its own");
      await expectExactlyOnce(p, 3000);
      const tasks = p.chunks('ch').tasks;
      expect(tasks.map((t) => t.lower)).toEqual(
        Array.from({ length: 9 }, (_, i) =>
          new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10),
        ),
      );
      const boundary = await duckQuery(
        `SELECT id::INT AS id, strftime(t, '%Y-%m-%d') AS day, filename FROM ${p.manifestReader('out')}
          WHERE epoch_us(t) % 86400000000 = 0 ORDER BY id`,
      );
      const lowers = new Set(tasks.map((t) => t.lower));
      const atWindowStart = boundary.filter((r) => lowers.has(String(r.day)));
      expect(atWindowStart.length).toBe(8);
      for (const r of atWindowStart) {
        expect(tasks[chunkIndexOf(basename(String(r.filename)))]!.lower, `row ${r.id}`).toBe(r.day);
      }
    });

    it('chunk_by_key on an integer key with gaps: chunks of chunk_size rows', async () => {
      const p = chunked({ table: 'gappy', chunk_by_key: 'id', chunk_size: 300, parallel: 2 });
      p.runOk();
      await expectExactlyOnce(p, 2000);
      const rows = p.manifest('out').parts.map((x) => x.rows);
      expect(rows.sort((a, b) => b - a)).toEqual([300, 300, 300, 300, 300, 300, 200]);
    });

    it('chunk_by_key on a VARCHAR primary key', async () => {
      const p = chunked({ table: 'coded', chunk_by_key: 'code', chunk_size: 500 }, 'csv');
      p.runOk();
      await expectExactlyOnce(p, 2000, 'csv', 'code');
      expect(p.manifest('out').parts.map((x) => x.rows)).toEqual([500, 500, 500, 500]);
    });

    it('the table: shortcut without a strategy auto-resolves to the primary key, with a warning', async () => {
      const p = chunked({ table: 'items', chunk_size: 1000 });
      expect(p.runOk()).toContain("auto-resolved to 'id'");
      await expectExactlyOnce(p, 3000);
    });

    it('the table: shortcut on a VARCHAR primary key resolves to keyset chunks, and says so', async () => {
      const p = chunked({ table: 'coded', chunk_size: 700 }, 'csv');
      const stderr = p.runOk();
      expect(stderr).toContain("auto-resolved to 'code' from the single-column key on coded (not an integer");
      expect(stderr).toContain('chunked key(code, 700)');
      await expectExactlyOnce(p, 2000, 'csv', 'code');
    });

    it('chunk_by_days refuses a zero date (0000-00-00) as the first day instead of leaving its rows out', () => {
      const p = chunked({ table: 'zeroed', chunk_column: 'd', chunk_by_days: 30 });
      const result = p.runFails('RIVET_PLAN_CHUNK_COLUMN');
      expect(result.stderr).toContain("chunk_column 'd' holds '0000-00-00', which no day window can hold");
      expect(p.files('out')).toEqual([]);
    });

    it('NULL chunk keys are refused by default (nothing written), or exported as their own chunk', async () => {
      const refused = chunked({ table: 'items', chunk_column: 'k', chunk_size: 20 });
      expect(refused.runFails('RIVET_PLAN_CHUNK_NULL_KEYS').stderr).toContain('chunk_null_keys: own_chunk');
      expect(refused.files('out')).toEqual([]);

      const own = chunked({
        table: 'items',
        chunk_column: 'k',
        chunk_size: 20,
        chunk_null_keys: 'own_chunk',
      });
      own.runOk();
      await expectExactlyOnce(own, 3000);
      const manifest = own.manifest('out');
      const last = Math.max(...manifest.parts.map((x) => chunkIndexOf(x.path)));
      const nullPart = manifest.parts.find((x) => chunkIndexOf(x.path) === last)!;
      expect(await own.ids('out', 'k', [nullPart.path])).toEqual(Array(12).fill(null));
    });

    it('sparse keys (huge span, few rows) are refused, pointing at chunk_by_key', () => {
      const p = chunked({ table: 'sparse', chunk_column: 'id', chunk_size: 1000 });
      expect(p.runFails('RIVET_PLAN_SPARSE_CHUNKS').stderr).toContain('chunk_by_key: id');
      expect(p.files('out')).toEqual([]);
    });

    it('resume: a killed checkpointed run must be resumed, with the same plan, and resumes exactly once', async () => {
      const fields = {
        table: 'items',
        chunk_column: 'id',
        chunk_size: 300,
        parallel: 2,
        chunk_checkpoint: true,
      };
      const config = (size: number) =>
        exportYaml({
          name: 'ch',
          ...fields,
          chunk_size: size,
          mode: 'chunked',
          format: 'parquet',
          destination: '{ type: local, path: ./out }',
        });
      const p = chunked(fields);
      const killed = p.run([], { RIVET_TEST_KILL_AT: 'after_chunk_commit:2' });
      expect(killed.code, killed.stderr).toBeNull();
      const left = p.chunks('ch');
      expect(left.status).toBe('in_progress');
      expect(left.tasks.filter((t) => t.status === 'done').length).toBeGreaterThanOrEqual(2);
      expect(p.files('out')).not.toContain('_SUCCESS');

      p.runFails('RIVET_CHUNK_RUN_IN_PROGRESS');
      p.write(source, config(250));
      p.runFails('RIVET_RESUME_PLAN_CHANGED', ['--resume']);
      p.write(source, config(300));
      p.runOk(['--resume']);
      await expectExactlyOnce(p, 3000);
      expect(p.manifest('out').run_id).toBe(left.run_id);
      expect(p.files('out')).toContain('_SUCCESS');
      expect(p.chunks('ch').tasks.every((t) => t.status === 'done')).toBe(true);
      p.runFails('RIVET_RESUME_NOTHING', ['--resume']);
    });
  });

  it('time_window: DATETIME(6) from UTC midnight of now − days_window on, and an epoch-seconds column', async () => {
    const cut = cutoffMs(2);
    await db.query(`INSERT INTO tw VALUES
      (1, '${utcText(cut - 4 * 86_400_000)}', ${cut / 1000 - 4 * 86_400}),
      (2, '${utcText(cut - 1000)}.999999', ${cut / 1000 - 1}),
      (3, '${utcText(cut)}', ${cut / 1000}),
      (4, '${utcText(cut + 3_600_000)}', ${cut / 1000 + 3600}),
      (5, UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE, UNIX_TIMESTAMP() - 60)`);
    const p = project(
      [
        exportYaml({
          name: 'tw_ts',
          table: 'tw',
          mode: 'time_window',
          time_column: 'at',
          days_window: 2,
          format: 'parquet',
          destination: '{ type: local, path: ./out/ts }',
        }),
        exportYaml({
          name: 'tw_unix',
          table: 'tw',
          mode: 'time_window',
          time_column: 'epoch',
          time_column_type: 'unix',
          days_window: 2,
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

  it('time_window refuses a column of the other kind instead of comparing a number with a date text', () => {
    const p = project(
      [
        exportYaml({
          name: 'tw_ts',
          table: 'tw',
          mode: 'time_window',
          time_column: 'epoch',
          days_window: 2,
          format: 'csv',
          destination: '{ type: local, path: ./out/ts }',
        }),
        exportYaml({
          name: 'tw_unix',
          table: 'tw',
          mode: 'time_window',
          time_column: 'at',
          time_column_type: 'unix',
          days_window: 2,
          format: 'csv',
          destination: '{ type: local, path: ./out/unix }',
        }),
      ].join(''),
    );
    const result = p.runFails('RIVET_PLAN_CHUNK_COLUMN');
    expect(result.stderr).toContain("time_window needs a DATE or TIMESTAMP column, but 'epoch' is bigint");
    expect(result.stderr).toContain(
      "time_column_type: unix needs an integer column of epoch seconds, but 'at' is datetime",
    );
    expect(p.files('out')).toEqual([]);
  });

  it('a query has no key: refused (RIVET_SOURCE_NO_KEY) unless allow_unbounded_read, then incremental works', async () => {
    const fields = {
      name: 'q',
      query: '"SELECT id, updated_at FROM qsrc WHERE id % 2 = 0"',
      mode: 'incremental',
      cursor_column: 'updated_at',
      format: 'parquet',
      destination: '{ type: local, path: ./out }',
    };
    const p = project(exportYaml(fields));
    expect(p.runFails('RIVET_SOURCE_NO_KEY').stderr).toContain('allow_unbounded_read: true');
    expect(p.parts('out')).toEqual([]);
    expect(p.cursor('q')).toBeUndefined();

    p.write(source, exportYaml({ ...fields, allow_unbounded_read: true }));
    expect(p.runOk()).toContain('incremental(updated_at) scan');
    expect(await p.counts('out')).toMatchObject({ rows: 500, distinct: 500 });
    expect(p.cursor('q')?.last_cursor_value).toBe('2024-05-01 00:16:40.000000');
    expect(p.runOk()).toContain('skipped (no new rows since cursor');
    await db.query(`INSERT INTO qsrc VALUES (1001, '2024-06-01 00:00:00'), (1002, '2024-06-01 00:00:01')`);
    p.runOk();
    expect(await p.ids('out')).toEqual(['1002']);
  });
});
