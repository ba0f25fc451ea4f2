/**
 * `rivet init` → `rivet check` → `rivet run` on both engines: the generated config picks
 * full, incremental and chunked modes from the catalog, overrides a bare numeric, leaves
 * temporary-looking tables out with a comment, names the env var rather than the URL,
 * and runs as generated — every exported row is read back by DuckDB.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckQuery, sqlString } from '../support/duckdb.js';
import { createTestDatabase, mysqlAvailable } from '../support/my-test-db.js';
import { createTestSchema, PG_URL, postgresAvailable } from '../support/pg-test-db.js';
import { runCli, tempDir } from '../support/run-cli.js';

const BIG = 120_000;

const engines = [
  {
    name: 'postgres',
    available: await postgresAvailable(),
    async setup() {
      const db = await createTestSchema('rivet_init');
      const s = db.name;
      await db.query(`
        CREATE TABLE ${s}.customers (id int PRIMARY KEY, name text, balance numeric);
        INSERT INTO ${s}.customers SELECT i, 'c' || i, i * 1.5 FROM generate_series(1, 300) i;
        CREATE TABLE ${s}.orders (id bigint PRIMARY KEY, updated_at timestamptz NOT NULL, total numeric(12,2));
        INSERT INTO ${s}.orders SELECT i, now() - i * interval '1 second', i FROM generate_series(1, ${BIG}) i;
        CREATE INDEX ON ${s}.orders (updated_at);
        CREATE TABLE ${s}.events (id bigint PRIMARY KEY, kind text);
        INSERT INTO ${s}.events SELECT i * 3, 'k' || (i % 7) FROM generate_series(1, ${BIG}) i;
        CREATE TABLE ${s}.tags (tag text, n int);
        INSERT INTO ${s}.tags SELECT 't' || i, i FROM generate_series(1, 50) i;
        CREATE TABLE ${s}.tmp_import (x int);
        ANALYZE ${s}.customers; ANALYZE ${s}.orders; ANALYZE ${s}.events; ANALYZE ${s}.tags;`);
      return { url: PG_URL, schema: s, drop: () => db.drop() };
    },
  },
  {
    name: 'mysql',
    available: await mysqlAvailable(),
    async setup() {
      const db = await createTestDatabase('rivet_init');
      await db.query(`
        CREATE TABLE customers (id int PRIMARY KEY, name text, balance decimal(12,2));
        INSERT INTO customers SELECT seq, concat('c', seq), seq * 1.5 FROM seq_1_to_300;
        CREATE TABLE orders (id bigint PRIMARY KEY, updated_at datetime(6) NOT NULL, total decimal(12,2), KEY (updated_at));
        INSERT INTO orders SELECT seq, now(6) - interval seq second, seq FROM seq_1_to_${BIG};
        CREATE TABLE events (id bigint PRIMARY KEY, kind varchar(8));
        INSERT INTO events SELECT seq * 3, concat('k', seq % 7) FROM seq_1_to_${BIG};
        CREATE TABLE tags (tag varchar(8), n int);
        INSERT INTO tags SELECT concat('t', seq), seq FROM seq_1_to_50;
        CREATE TABLE tmp_import (x int);
        ANALYZE TABLE customers, orders, events, tags;`);
      return { url: db.url, schema: db.name, drop: () => db.drop() };
    },
  },
] as const;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`rivet init (${engine.name})`, () => {
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

    const cli = (...args: string[]) => runCli(args, { cwd: dir.path, env: { SOURCE_URL: fx.url } });

    it('writes a config that check accepts and run executes as generated', async () => {
      const init = cli('init', '--source-env', 'SOURCE_URL', '--schema', fx.schema, '-o', 'rivet.yaml');
      expect(init.code, init.stderr).toBe(0);
      const yaml = readFileSync(join(dir.path, 'rivet.yaml'), 'utf8');
      expect(yaml).toContain('url_env: SOURCE_URL');
      expect(yaml).not.toContain(fx.url);
      expect(yaml).toMatch(
        /- name: orders\n.*\n {4}# mode incremental: .*updated_at.*\n {4}mode: incremental\n {4}cursor_column: updated_at/,
      );
      expect(yaml).toMatch(
        /- name: events\n.*\n {4}# mode chunked: .*\n {4}mode: chunked\n {4}chunk_column: id\n {4}chunk_size: 100000\n {4}chunk_checkpoint: true/,
      );
      expect(yaml).toMatch(/- name: customers\n.*\n {4}# mode full: ≤ 100,000 rows/);
      expect(yaml).toContain('#   tmp_import: looks temporary, test or backup data');
      if (engine.name === 'postgres')
        expect(yaml).toContain('balance: decimal(38,18)  # REVIEW: numeric without precision');
      else expect(yaml).toMatch(/- name: tags\n(.*\n)* {4}allow_unbounded_read: true {2}# REVIEW/);

      const check = cli('check', '-c', 'rivet.yaml');
      expect(check.code, `${check.stdout}\n${check.stderr}`).toBe(0);
      const run = cli('run', '-c', 'rivet.yaml');
      expect(run.code, run.stderr).toBe(0);
      const expected = { customers: 300, orders: BIG, events: BIG, tags: 50 };
      for (const [table, rows] of Object.entries(expected)) {
        const folder = join(dir.path, 'output', table);
        const parts = readdirSync(folder).filter((f) => f.endsWith('.parquet'));
        const files = parts.map((p) => sqlString(join(folder, p))).join(', ');
        const [count] = await duckQuery(`SELECT count(*)::INT AS n FROM read_parquet([${files}])`);
        expect(count, table).toEqual({ n: rows });
      }
      expect(existsSync(join(dir.path, 'output', 'tmp_import'))).toBe(false);
    });

    it('refuses to overwrite, names a missing env var and unknown tables', () => {
      expect(
        cli('init', '--source-env', 'SOURCE_URL', '--schema', fx.schema, '-o', 'rivet.yaml').stderr,
      ).toContain("[RIVET_INIT_EXISTS] init: 'rivet.yaml' already exists");
      const unset = runCli(['init', '--source-env', 'NOPE_URL'], { cwd: dir.path });
      expect(unset.code).toBe(1);
      expect(unset.stderr).toContain("--source-env 'NOPE_URL' is not set in the environment");
      const only = cli(
        'init',
        '--source-env',
        'SOURCE_URL',
        '--schema',
        fx.schema,
        '--table',
        'tags',
        '--table',
        'nope',
      );
      expect(only.code).toBe(1);
      expect(only.stderr).toContain("no table or view named 'nope'");
      const tags = cli('init', '--source-env', 'SOURCE_URL', '--schema', fx.schema, '--table', 'tmp_import');
      expect(tags.code, tags.stderr).toBe(0);
      expect(tags.stdout).toContain('- name: tmp_import');
      expect(tags.stdout).not.toContain('- name: orders');
    });

    it('points the exports at a bucket with --s3-bucket / --gcs-bucket, and checks the flag pairs', () => {
      const base = ['init', '--source-env', 'SOURCE_URL', '--schema', fx.schema, '--table', 'tags'];
      const s3 = cli(...base, '--s3-bucket', 'acme-lake', '--s3-region', 'eu-west-1', '-o', 's3.yaml');
      expect(s3.code, s3.stderr).toBe(0);
      const s3Yaml = readFileSync(join(dir.path, 's3.yaml'), 'utf8');
      expect(s3Yaml).toContain(
        '    destination:\n      type: s3\n      bucket: acme-lake\n      prefix: exports/tags/\n      region: eu-west-1\n',
      );
      // The generated file loads: check gets past the config to the source (no bucket is touched).
      expect(cli('check', '-c', 's3.yaml').code).toBe(0);
      const gcs = cli(...base, '--gcs-bucket', 'acme-lake');
      expect(gcs.code, gcs.stderr).toBe(0);
      expect(gcs.stdout).toContain('      type: gcs\n      bucket: acme-lake\n      prefix: exports/tags/\n');

      const both = cli(...base, '--s3-bucket', 'a', '--gcs-bucket', 'b');
      expect(both.code).toBe(2);
      expect(both.stderr).toContain('--s3-bucket and --gcs-bucket cannot be used together');
      expect(cli(...base, '--s3-region', 'eu-west-1').stderr).toContain('--s3-region requires --s3-bucket');
      expect(cli(...base, '--gcs-credentials-file', 'k.json').stderr).toContain(
        '--gcs-credentials-file requires --gcs-bucket',
      );
    });
  });
}
