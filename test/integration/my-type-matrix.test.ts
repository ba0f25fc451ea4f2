/**
 * Every supported MySQL/MariaDB type, with edge values, exported by the real CLI
 * through both read paths (keyset pages for a keyed table, the opt-in single statement
 * for a query) to Parquet and CSV, then read back by independent readers (DuckDB;
 * hyparquet for Parquet) and compared value by value with what the source says.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckQuery, sqlString } from '../support/duckdb.js';
import { hyparquetRows, hyparquetSchema } from '../support/hyparquet-read.js';
import { preview, toText } from '../support/matrix-text.js';
import { createTestDatabase, mysqlAvailable, type TestDatabase } from '../support/my-test-db.js';
import {
  MY_MATRIX,
  MY_MATRIX_ROWS,
  type MyMatrixColumn,
  myMatrixSetupSql,
} from '../support/my-type-matrix.js';
import { runCli, tempDir } from '../support/run-cli.js';
import { sameValue } from '../support/type-matrix.js';

const available = await mysqlAvailable();
const EXPORTS = ['keyset_parquet', 'scan_parquet', 'keyset_csv', 'scan_csv'] as const;

describe.skipIf(!available)('MySQL type matrix → Parquet and CSV, read back independently', () => {
  let db: TestDatabase;
  let dir: ReturnType<typeof tempDir>;
  let expected: Map<string, { my: (string | null)[]; csv: (string | null)[] }>;
  let cli: ReturnType<typeof runCli>;

  beforeAll(async () => {
    db = await createTestDatabase('rivet_mymatrix');
    await db.query(myMatrixSetupSql('matrix'));
    expected = new Map();
    for (const column of MY_MATRIX) {
      expected.set(column.name, {
        my: await sourceValues(column.name, column.my),
        csv: await sourceValues(column.name, column.csv),
      });
    }
    dir = tempDir();
    const exportYaml = EXPORTS.map((name) => {
      const relation = name.startsWith('keyset')
        ? 'table: matrix'
        : 'query: "SELECT * FROM matrix"\n    allow_unbounded_read: true';
      return `  - name: ${name}\n    ${relation}\n    format: ${name.endsWith('csv') ? 'csv' : 'parquet'}\n    destination: { type: local, path: ./out/${name} }`;
    }).join('\n');
    writeFileSync(
      join(dir.path, 'rivet.yaml'),
      `source:\n  type: mysql\n  url_env: MY_URL\nexports:\n${exportYaml}\n`,
    );
    cli = runCli(['run', '-c', 'rivet.yaml'], { cwd: dir.path, env: { MY_URL: db.url } });
  });

  afterAll(async () => {
    await db?.drop();
    dir?.remove();
  });

  async function sourceValues(name: string, spec: MyMatrixColumn['my']): Promise<(string | null)[]> {
    if (typeof spec !== 'function') return [null, ...spec];
    const rows = await db.query<{ v: string | null }[]>(`SELECT ${spec(name)} AS v FROM matrix ORDER BY id`);
    return rows.map((r) => (r.v === null ? null : String(r.v)));
  }

  const partFile = (name: string) => {
    const folder = join(dir.path, 'out', name);
    const file = readdirSync(folder).find((f) => f.endsWith('.parquet') || f.endsWith('.csv'));
    if (file === undefined) throw new Error(`no part in ${folder}`);
    return join(folder, file);
  };

  it('runs all four exports successfully, keyed table as keyset pages, query as one scan', () => {
    expect(cli.stderr).not.toMatch(/\n\s+at /);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain('keyset(id)');
    expect(cli.stderr).toMatch(/\bscan\b/);
  });

  for (const name of ['keyset_parquet', 'scan_parquet'] as const) {
    it(`${name}: DuckDB reports the exact logical types`, async () => {
      const rows = await duckQuery(`DESCRIBE SELECT * FROM read_parquet(${sqlString(partFile(name))})`);
      const types = Object.fromEntries(rows.map((r) => [r.column_name, r.column_type]));
      for (const column of MY_MATRIX) expect(types[column.name], column.name).toBe(column.duckType);
    });

    it(`${name}: DuckDB reads every value exactly as the source has it`, async () => {
      const select = MY_MATRIX.map((c) => `${c.duck(`"${c.name}"`)} AS "${c.name}"`).join(', ');
      const rows = await duckQuery(
        `SELECT id, ${select} FROM read_parquet(${sqlString(partFile(name))}) ORDER BY id`,
      );
      expect(rows.map((r) => String(r.id))).toEqual(['1', '2', '3', '4', '5']);
      assertMatrix(
        rows,
        (c) => expected.get(c.name)!.my,
        (row, c) => toText(row[c.name]),
      );
    });

    it(`${name}: hyparquet reads every value as the source has it`, async () => {
      const rows = await hyparquetRows(partFile(name));
      rows.sort((a, b) => Number(a.id) - Number(b.id));
      expect(rows).toHaveLength(MY_MATRIX_ROWS);
      assertMatrix(
        rows,
        (c) => expected.get(c.name)!.my,
        (row, c) => {
          const value = row[c.name];
          return value === null || value === undefined ? null : c.hyp(value);
        },
        (c) => c.hypCompare,
      );
    });
  }

  it('keeps the declared MySQL type (ENUM values, SET, JSON) in the Parquet key-value metadata', async () => {
    const metadata = await hyparquetSchema(partFile('keyset_parquet'));
    const text = JSON.stringify(metadata.key_value_metadata);
    expect(text).toContain("enum('sad','ok','happy')");
    expect(text).toContain("set('a','b','c')");
  });

  for (const name of ['keyset_csv', 'scan_csv'] as const) {
    it(`${name}: DuckDB reads the CSV cells exactly, NULL distinct from empty string`, async () => {
      const file = sqlString(partFile(name));
      const rows = await duckQuery(
        `SELECT * FROM read_csv(${file}, header = true, all_varchar = true, quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false, max_line_size = 4194304) ORDER BY id::BIGINT`,
      );
      expect(rows).toHaveLength(MY_MATRIX_ROWS);
      assertMatrix(
        rows,
        (c) => expected.get(c.name)!.csv,
        (row, c) => toText(row[c.name]),
      );
      expect(rows[0]!.c_char).toBeNull();
      expect(rows[2]!.c_char).toBe('');
      expect(readFileSync(partFile(name), 'utf8')).toContain('😀 ünïcödé');
    });
  }

  function assertMatrix(
    rows: Record<string, unknown>[],
    want: (column: MyMatrixColumn) => (string | null)[],
    got: (row: Record<string, unknown>, column: MyMatrixColumn) => string | null,
    compareFor: (column: MyMatrixColumn) => MyMatrixColumn['compare'] | undefined = () => undefined,
  ): void {
    const mismatches: string[] = [];
    for (const column of MY_MATRIX) {
      const values = want(column);
      const compare = compareFor(column) ?? column.compare;
      rows.forEach((row, i) => {
        const a = values[i] ?? null;
        const b = got(row, column);
        if (!sameValue({ compare } as never, a, b)) {
          mismatches.push(`${column.name} row ${i + 1}: expected ${preview(a)} got ${preview(b)}`);
        }
      });
    }
    expect(mismatches).toEqual([]);
  }
});
