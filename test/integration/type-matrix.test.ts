/**
 * Every supported PostgreSQL type, with edge values, exported by the real CLI through
 * both read paths (keyset COPY for a keyed table, cursor for a query) to Parquet and
 * CSV, then read back by independent readers (DuckDB; hyparquet for Parquet) and
 * compared value by value with what the source says.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckQuery, sqlString } from '../support/duckdb.js';
import { hyparquetRows } from '../support/hyparquet-read.js';
import { preview, toText } from '../support/matrix-text.js';
import { createTestSchema, PG_URL, postgresAvailable, type TestSchema } from '../support/pg-test-db.js';
import { runCli, tempDir } from '../support/run-cli.js';
import { MATRIX, MATRIX_ROWS, type MatrixColumn, matrixSetupSql, sameValue } from '../support/type-matrix.js';

const available = await postgresAvailable();
const EXPORTS = ['keyset_parquet', 'cursor_parquet', 'keyset_csv', 'cursor_csv'] as const;

describe.skipIf(!available)('PostgreSQL type matrix → Parquet and CSV, read back independently', () => {
  let db: TestSchema;
  let dir: ReturnType<typeof tempDir>;
  let expected: Map<string, { pg: (string | null)[]; csv: (string | null)[] }>;
  let cli: ReturnType<typeof runCli>;

  beforeAll(async () => {
    db = await createTestSchema('rivet_matrix');
    await db.query(matrixSetupSql('matrix'));
    await db.query("SET TimeZone = 'UTC'; SET IntervalStyle = 'iso_8601'; SET extra_float_digits = 1");
    expected = new Map();
    for (const column of MATRIX) {
      const c = `"${column.name}"`;
      const result = await db.query(
        `SELECT ${column.pg(c)} AS pg, ${column.csv(c)} AS csv FROM matrix ORDER BY id`,
      );
      expected.set(column.name, { pg: result.rows.map((r) => r.pg), csv: result.rows.map((r) => r.csv) });
    }
    dir = tempDir();
    const exportYaml = EXPORTS.map((name) => {
      const relation = name.startsWith('keyset')
        ? `table: ${db.name}.matrix`
        : `query: "SELECT * FROM ${db.name}.matrix"`;
      return `  - name: ${name}\n    ${relation}\n    format: ${name.endsWith('csv') ? 'csv' : 'parquet'}\n    destination: { type: local, path: ./out/${name} }`;
    }).join('\n');
    writeFileSync(
      join(dir.path, 'rivet.yaml'),
      `source:\n  type: postgres\n  url_env: PG_URL\nexports:\n${exportYaml}\n`,
    );
    cli = runCli(['run', '-c', 'rivet.yaml'], { cwd: dir.path, env: { PG_URL } });
  });

  afterAll(async () => {
    await db?.drop();
    dir?.remove();
  });

  const partFile = (name: string) => {
    const folder = join(dir.path, 'out', name);
    const file = readdirSync(folder).find((f) => f.endsWith('.parquet') || f.endsWith('.csv'));
    if (file === undefined) throw new Error(`no part in ${folder}`);
    return join(folder, file);
  };

  it('runs all four exports successfully', () => {
    expect(cli.stderr).not.toMatch(/\n\s+at /);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain('keyset(id)');
    expect(cli.stderr).toMatch(/\bscan\b/);
  });

  for (const name of ['keyset_parquet', 'cursor_parquet'] as const) {
    it(`${name}: DuckDB reports the exact logical types`, async () => {
      const rows = await duckQuery(`DESCRIBE SELECT * FROM read_parquet(${sqlString(partFile(name))})`);
      const types = Object.fromEntries(rows.map((r) => [r.column_name, r.column_type]));
      expect(types.id).toBe('BIGINT');
      for (const column of MATRIX) expect(types[column.name], column.name).toBe(column.duckType);
    });

    it(`${name}: DuckDB reads every value exactly as the source has it`, async () => {
      const select = MATRIX.map((c) => `${c.duck(`"${c.name}"`)} AS "${c.name}"`).join(', ');
      const rows = await duckQuery(
        `SELECT id, ${select} FROM read_parquet(${sqlString(partFile(name))}) ORDER BY id`,
      );
      expect(rows.map((r) => String(r.id))).toEqual(['1', '2', '3', '4', '5']);
      assertMatrix(
        rows,
        (column) => expected.get(column.name)!.pg,
        (row, column) => toText(row[column.name]),
      );
    });

    it(`${name}: hyparquet reads every value as the source has it`, async () => {
      const rows = await hyparquetRows(partFile(name));
      rows.sort((a, b) => Number(a.id) - Number(b.id));
      expect(rows).toHaveLength(MATRIX_ROWS);
      for (const column of MATRIX) {
        const want = expected.get(column.name)!.pg;
        rows.forEach((row, i) => {
          const value = row[column.name];
          const got = value === null || value === undefined ? null : column.hyp(value);
          const rule: MatrixColumn = column.ddl.startsWith('numeric')
            ? { ...column, compare: 'decimal-approx' }
            : column;
          expect(
            sameValue(rule, want[i] ?? null, got),
            `${column.name} row ${i + 1}: ${want[i]} vs ${got}`,
          ).toBe(true);
        });
      }
    });
  }

  for (const name of ['keyset_csv', 'cursor_csv'] as const) {
    it(`${name}: DuckDB reads the CSV cells exactly, NULL distinct from empty string`, async () => {
      const file = sqlString(partFile(name));
      const rows = await duckQuery(
        `SELECT * FROM read_csv(${file}, header = true, all_varchar = true, quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false, max_line_size = 4194304) ORDER BY id::BIGINT`,
      );
      expect(rows).toHaveLength(MATRIX_ROWS);
      assertMatrix(
        rows,
        (column) => expected.get(column.name)!.csv,
        (row, column) => toText(row[column.name]),
        true,
      );
      // Row 2 holds '' in c_text and row 4 '' in c_varchar; row 1 is NULL everywhere.
      expect(rows[0]!.c_text).toBeNull();
      expect(rows[1]!.c_text).toBe('');
      expect(rows[3]!.c_varchar).toBe('');
    });
  }

  function assertMatrix(
    rows: Record<string, unknown>[],
    want: (column: MatrixColumn) => (string | null)[],
    got: (row: Record<string, unknown>, column: MatrixColumn) => string | null,
    exactText = false,
  ): void {
    const mismatches: string[] = [];
    for (const column of MATRIX) {
      const values = want(column);
      rows.forEach((row, i) => {
        const a = values[i] ?? null;
        const b = got(row, column);
        const rule =
          exactText && column.compare === 'json'
            ? column
            : exactText
              ? { ...column, compare: column.compare }
              : column;
        if (!sameValue(rule, a, b))
          mismatches.push(`${column.name} row ${i + 1}: expected ${preview(a)} got ${preview(b)}`);
      });
    }
    expect(mismatches).toEqual([]);
  }
});
