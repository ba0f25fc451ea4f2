/**
 * `rivet check --type-report` on the full type matrix of both engines. The report is
 * checked against the files Rivet actually writes: for every column, the DuckDB target
 * type the report names is exactly the type DuckDB's DESCRIBE finds in the Parquet file.
 * Also: the text layout, `--strict` exit codes, the BigQuery rules and unknown targets.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckQuery, sqlString } from '../support/duckdb.js';
import { createTestDatabase, mysqlAvailable } from '../support/my-test-db.js';
import { myMatrixSetupSql } from '../support/my-type-matrix.js';
import { createTestSchema, PG_URL, postgresAvailable } from '../support/pg-test-db.js';
import { runCli, tempDir } from '../support/run-cli.js';
import { matrixSetupSql } from '../support/type-matrix.js';

interface Fixture {
  readonly table: string;
  readonly url: string;
  drop(): Promise<void>;
}

const engines = [
  {
    name: 'postgres',
    available: await postgresAvailable(),
    async setup(): Promise<Fixture> {
      const db = await createTestSchema('rivet_chk');
      await db.query(`SET search_path = ${db.name}; ${matrixSetupSql(`${db.name}.matrix`)}`);
      return { table: `${db.name}.matrix`, url: PG_URL, drop: () => db.drop() };
    },
  },
  {
    name: 'mysql',
    available: await mysqlAvailable(),
    async setup(): Promise<Fixture> {
      const db = await createTestDatabase('rivet_chk');
      await db.query(myMatrixSetupSql('matrix'));
      return { table: `${db.name}.matrix`, url: db.url, drop: () => db.drop() };
    },
  },
] as const;

interface ReportColumn {
  column: string;
  fidelity: string;
  target_type?: string;
  target_status?: string;
  cast_sql?: string;
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`check --type-report (${engine.name})`, () => {
    let fx: Fixture;
    let dir: ReturnType<typeof tempDir>;
    let config: string;

    beforeAll(async () => {
      fx = await engine.setup();
      dir = tempDir();
      config = join(dir.path, 'rivet.yaml');
      writeFileSync(
        config,
        `source:\n  type: ${engine.name}\n  url_env: SOURCE_URL\nexports:\n  - name: matrix\n    table: ${fx.table}\n    format: parquet\n    destination: { type: local, path: ./out }\n`,
      );
    });

    afterAll(async () => {
      await fx?.drop();
      dir?.remove();
    });

    const cli = (...args: string[]) => runCli(args, { cwd: dir.path, env: { SOURCE_URL: fx.url } });

    it('names, for every column, the DuckDB type DuckDB finds in the written file', async () => {
      const check = cli('check', '-c', config, '--json', '--target', 'duckdb');
      expect(check.code, check.stderr).toBe(0);
      const report = JSON.parse(check.stdout.trim()) as { export: string; columns: ReportColumn[] };
      expect(report.export).toBe('matrix');
      const run = cli('run', '-c', config);
      expect(run.code, run.stderr).toBe(0);
      const part = readdirSync(join(dir.path, 'out')).find((f) => f.endsWith('.parquet'))!;
      const described = await duckQuery(
        `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${sqlString(join(dir.path, 'out', part))}))`,
      );
      const actual = Object.fromEntries(described.map((r) => [r.column_name, r.column_type]));
      const predicted = Object.fromEntries(report.columns.map((c) => [c.column, c.target_type]));
      expect(predicted).toEqual(actual);
      expect(report.columns.every((c) => c.target_status === 'ok')).toBe(true);
      expect(report.columns.map((c) => c.fidelity)).not.toContain('unsupported');
    });

    it('prints the text report, with BigQuery target types, and exits 0 without --strict', () => {
      const check = cli('check', '-c', config, '--type-report', '--target', 'bq');
      expect(check.code, check.stderr).toBe(0);
      expect(check.stdout).toContain('Export: matrix  [target: bigquery]');
      for (const header of [
        'Column',
        'Source type',
        'Rivet type',
        'Arrow type',
        'Fidelity',
        'Target type',
        'Status',
      ]) {
        expect(check.stdout).toContain(header);
      }
      expect(check.stdout).toMatch(/\n\S+\s+\S.*int64\s+Int64\s+exact\s+INT64\s+ok/);
    });

    it('--strict fails on a lossy override and names it; unknown targets are usage errors', () => {
      const lossy = join(dir.path, 'lossy.yaml');
      writeFileSync(
        lossy,
        `source:\n  type: ${engine.name}\n  url_env: SOURCE_URL\nexports:\n  - name: lossy\n    table: ${fx.table}\n    format: parquet\n    columns:\n      id: float32\n    allow_lossy: true\n    allow_unbounded_read: true\n    destination: { type: local, path: ./lossy }\n`,
      );
      const relaxed = cli('check', '-c', lossy, '--json');
      expect(relaxed.code, relaxed.stderr).toBe(0);
      expect(JSON.parse(relaxed.stdout).violations).toEqual(['id: lossy — integers beyond 2^24 are rounded']);
      const strict = cli('check', '-c', lossy, '--type-report', '--strict');
      expect(strict.code).toBe(1);
      expect(strict.stderr).toContain('strict mode: unsafe type mappings found (see report above)');
      const unknown = cli('check', '-c', config, '--target', 'oracle');
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(
        "unknown target 'oracle' (expected: duckdb, bigquery, snowflake, clickhouse)",
      );
    });
  });
}

describe('BigQuery decimal rules', () => {
  it('NUMERIC up to 29 integer and 9 fraction digits, BIGNUMERIC beyond', async () => {
    const { targetMapping } = await import('../../src/preflight/target-types.js');
    expect(targetMapping('bigquery', { kind: 'decimal', precision: 38, scale: 9 }).type).toBe(
      'NUMERIC(38,9)',
    );
    expect(targetMapping('bigquery', { kind: 'decimal', precision: 38, scale: 10 })).toMatchObject({
      type: 'BIGNUMERIC(38,10)',
      status: 'warn',
    });
    expect(targetMapping('bigquery', { kind: 'decimal', precision: 30, scale: 0 }).type).toBe(
      'BIGNUMERIC(30,0)',
    );
    expect(targetMapping('bigquery', { kind: 'timestamp', utc: false })).toMatchObject({
      type: 'DATETIME',
      status: 'warn',
      castSql: 'DATETIME({col})',
    });
  });
});
