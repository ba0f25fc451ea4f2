/**
 * `rivet check` preflight on both engines, against fixtures built to trigger each rule:
 * an indexed and an unindexed cursor, dense and sparse chunk columns, NULL chunk keys,
 * more parallel workers than free connections, a wide table and a table with no key.
 * Asserts verdicts, codes and exit classes, and that check writes nothing.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, mysqlAvailable } from '../support/my-test-db.js';
import { createTestSchema, PG_URL, postgresAvailable } from '../support/pg-test-db.js';
import { runCli, tempDir } from '../support/run-cli.js';

const ROWS = 120_000;
const WIDE = Array.from({ length: 40 }, (_, i) => `c${i}`);

const engines = [
  {
    name: 'postgres',
    available: await postgresAvailable(),
    async setup() {
      const db = await createTestSchema('rivet_pre');
      const t = (name: string) => `${db.name}.${name}`;
      await db.query(`
        CREATE TABLE ${t('events')} (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL, touched_at timestamptz,
          sparse_id bigint, maybe int, note text);
        INSERT INTO ${t('events')} SELECT i, now() - i * interval '1 second', now() - i * interval '1 second', i * 1000,
          CASE WHEN i % 10 = 0 THEN NULL ELSE i END, md5(i::text) FROM generate_series(1, ${ROWS}) i;
        CREATE INDEX ON ${t('events')} (updated_at);
        CREATE TABLE ${t('wide')} (id int PRIMARY KEY, ${WIDE.map((c) => `${c} text`).join(', ')});
        INSERT INTO ${t('wide')} SELECT i, ${WIDE.map(() => `repeat(md5(i::text), 4)`).join(', ')} FROM generate_series(1, 200) i;
        CREATE TABLE ${t('nokey')} (a int, b text);
        INSERT INTO ${t('nokey')} SELECT i, md5(i::text) FROM generate_series(1, 500) i;
        ANALYZE ${t('events')}; ANALYZE ${t('wide')}; ANALYZE ${t('nokey')};`);
      return { url: PG_URL, t, drop: () => db.drop() };
    },
  },
  {
    name: 'mysql',
    available: await mysqlAvailable(),
    async setup() {
      const db = await createTestDatabase('rivet_pre');
      const t = (name: string) => `${db.name}.${name}`;
      await db.query(`
        CREATE TABLE events (id bigint PRIMARY KEY, updated_at datetime(6) NOT NULL, touched_at datetime(6),
          sparse_id bigint, maybe int, note varchar(64), KEY by_updated (updated_at));
        INSERT INTO events SELECT seq, now(6) - interval seq second, now(6) - interval seq second, seq * 1000,
          IF(seq % 10 = 0, NULL, seq), md5(seq) FROM seq_1_to_${ROWS};
        CREATE TABLE wide (id int PRIMARY KEY, ${WIDE.map((c) => `${c} text`).join(', ')});
        INSERT INTO wide SELECT seq, ${WIDE.map(() => 'repeat(md5(seq), 4)').join(', ')} FROM seq_1_to_200;
        CREATE TABLE nokey (a int, b text);
        INSERT INTO nokey SELECT seq, md5(seq) FROM seq_1_to_500;
        ANALYZE TABLE events, wide, nokey;`);
      return { url: db.url, t, drop: () => db.drop() };
    },
  },
] as const;

interface CheckLine {
  export: string;
  verdict: string;
  read_index: string | null;
  avg_row_bytes: number | null;
  recommended_parallel: number;
  diagnostics: { code: string; severity: string; message: string }[];
  columns: unknown[];
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`rivet check (${engine.name})`, () => {
    let fx: Awaited<ReturnType<(typeof engines)[number]['setup']>>;
    let dir: ReturnType<typeof tempDir>;

    beforeAll(async () => {
      fx = await engine.setup();
      dir = tempDir();
    }, 120_000);

    afterAll(async () => {
      await fx?.drop();
      dir?.remove();
    });

    const config = (name: string, exports: string) => {
      const path = join(dir.path, `${name}.yaml`);
      writeFileSync(path, `source:\n  type: ${engine.name}\n  url_env: SOURCE_URL\nexports:\n${exports}`);
      return path;
    };
    const check = (path: string, ...flags: string[]) =>
      runCli(['check', '-c', path, ...flags], { cwd: dir.path, env: { SOURCE_URL: fx.url } });
    const exportYaml = (name: string, table: string, extra = '') =>
      `  - name: ${name}\n    table: ${fx.t(table)}\n    format: parquet\n${extra}    destination: { type: local, path: ./out/${name} }\n`;
    const codes = (line: CheckLine) => line.diagnostics.map((d) => d.code);

    it('judges cursors, chunk columns, connections and width, with stable codes, and writes nothing', () => {
      const path = config(
        'advice',
        [
          exportYaml('inc_indexed', 'events', '    mode: incremental\n    cursor_column: updated_at\n'),
          exportYaml('inc_unindexed', 'events', '    mode: incremental\n    cursor_column: touched_at\n'),
          exportYaml(
            'chunk_dense',
            'events',
            '    mode: chunked\n    chunk_column: id\n    chunk_size: 20000\n    chunk_checkpoint: true\n',
          ),
          exportYaml(
            'chunk_sparse',
            'events',
            '    mode: chunked\n    chunk_column: sparse_id\n    chunk_size: 10000000\n',
          ),
          exportYaml(
            'chunk_crowded',
            'events',
            '    mode: chunked\n    chunk_column: id\n    chunk_size: 20000\n    chunk_checkpoint: true\n    parallel: 5000\n',
          ),
          exportYaml('wide', 'wide'),
        ].join(''),
      );
      const cli = check(path, '--json', '--sample', '100');
      expect(cli.code, cli.stderr).toBe(0);
      const lines = cli.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as CheckLine);
      const by = Object.fromEntries(lines.map((l) => [l.export, l]));
      expect(by.inc_indexed).toMatchObject({ verdict: 'EFFICIENT' });
      expect(by.inc_indexed!.read_index).not.toBeNull();
      expect(codes(by.inc_indexed!)).not.toContain('RIVET_CHECK_NO_INDEX');
      expect(by.inc_unindexed).toMatchObject({ verdict: 'DEGRADED', read_index: null });
      expect(by.inc_unindexed!.diagnostics).toContainEqual(
        expect.objectContaining({ code: 'RIVET_CHECK_NO_INDEX', severity: 'high' }),
      );
      expect(by.chunk_dense).toMatchObject({ verdict: 'ACCEPTABLE' });
      expect(codes(by.chunk_dense!)).not.toContain('RIVET_CHECK_SPARSE_RANGE');
      expect(codes(by.chunk_dense!)).not.toContain('RIVET_CHECK_MISSING_CHECKPOINT');
      expect(codes(by.chunk_sparse!)).toEqual(
        expect.arrayContaining([
          'RIVET_CHECK_SPARSE_RANGE',
          'RIVET_CHECK_NO_INDEX',
          'RIVET_CHECK_MISSING_CHECKPOINT',
        ]),
      );
      expect(by.chunk_crowded!.diagnostics).toContainEqual(
        expect.objectContaining({ code: 'RIVET_CHECK_CONNECTIONS', severity: 'high' }),
      );
      expect(by.wide!.avg_row_bytes).toBeGreaterThan(40 * 128);
      expect(by.wide!.columns).toHaveLength(41);
      // Read-only: no output folder, no state file.
      expect(existsSync(join(dir.path, 'out'))).toBe(false);
      expect(readdirSync(dir.path).filter((f) => f.startsWith('.rivet'))).toEqual([]);
    });

    it('rejects what `rivet run` would refuse (NULL chunk keys; MySQL: no key) with exit 1', () => {
      const path = config(
        'rejected',
        [
          exportYaml(
            'chunk_nulls',
            'events',
            '    mode: chunked\n    chunk_column: maybe\n    chunk_size: 50000\n',
          ),
          exportYaml('nokey', 'nokey'),
        ].join(''),
      );
      const cli = check(path);
      expect(cli.code).toBe(1);
      expect(cli.stdout).toContain('RIVET_PLAN_CHUNK_NULL_KEYS');
      expect(cli.stdout).toContain('REJECTED');
      expect(cli.stderr).toContain('would be refused by `rivet run`');
      if (engine.name === 'mysql') expect(cli.stdout).toContain('RIVET_SOURCE_NO_KEY');
      else expect(cli.stdout).toMatch(/Export: nokey\n {2}mode {8}full\n {2}strategy {4}scan/);
    });

    it('prints the source once, each export, and the closing line', () => {
      const path = config(
        'text',
        exportYaml('inc_indexed', 'events', '    mode: incremental\n    cursor_column: updated_at\n'),
      );
      const cli = check(path);
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stdout).toMatch(/^Source: (PostgreSQL|MariaDB|MySQL) \S+.* — primary, TLS off/);
      expect(cli.stdout).toContain('  verdict     EFFICIENT');
      expect(cli.stdout).toContain('Verdicts are advice and never block a run. Next: rivet run -c');
    });
  });
}
