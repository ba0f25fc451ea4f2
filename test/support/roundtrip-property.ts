/**
 * Test support: the type round-trip property, for any engine. A random table — a subset
 * of the engine's type-matrix columns, random rows of their edge values and NULLs — is
 * created, exported through the real CLI to Parquet or CSV and read back with DuckDB;
 * every value must equal the source's. fast-check shrinks a failure to a minimal table,
 * saved under test/regressions/<engine>-type-roundtrip/ and replayed by every later run.
 *
 * `RIVET_PROPERTY_RUNS` sets the number of random tables per engine (default 40, about
 * 12 s each; `npm run test:types:long` runs 300).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckQuery, sqlString } from './duckdb.js';
import { preview, toText } from './matrix-text.js';
import { runCli, tempDir } from './run-cli.js';
import { type Compare, sameValue } from './type-matrix.js';

export const PROPERTY_RUNS = Number(process.env.RIVET_PROPERTY_RUNS ?? 40);

type Format = 'parquet' | 'csv';

export interface RoundTripColumn {
  readonly name: string;
  readonly ddl: string;
  /** SQL literals of the column's edge values. */
  readonly values: readonly string[];
  /** DuckDB expression over the Parquet column giving the canonical text. */
  readonly duck: (c: string) => string;
  /** Source SQL giving the expected text of `c` in a format, or the expected text per value index. */
  readonly expected: (format: Format) => ((c: string) => string) | readonly string[];
  readonly compare: Compare;
}

export interface RoundTripEngine {
  readonly name: string;
  readonly columns: readonly RoundTripColumn[];
  /** The `source:` block of a config (indented two spaces) and the env it needs. */
  readonly source: string;
  readonly env: Record<string, string>;
  open(): Promise<void>;
  close(): Promise<void>;
  createTable(table: string, columns: readonly RoundTripColumn[]): Promise<void>;
  insert(
    table: string,
    id: number,
    literals: readonly string[],
    columns: readonly RoundTripColumn[],
  ): Promise<void>;
  /** Rows of a SELECT list over the table, ordered by id, in the export's UTC session. */
  select(table: string, select: readonly string[]): Promise<Record<string, unknown>[]>;
  /** How a config names the table. */
  tableRef(table: string): string;
}

/** One generated table: columns by name, rows of value indexes (null = NULL). */
interface TableCase {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (number | null)[])[];
  readonly format: Format;
}

/** 1 MB values are covered by the matrix suites; here they would only slow every run. */
function usable(column: RoundTripColumn): number[] {
  return column.values.flatMap((v, i) => (v.includes('1048576') ? [] : [i]));
}

function tableCase(columns: readonly RoundTripColumn[]): fc.Arbitrary<TableCase> {
  const byName = new Map(columns.map((c) => [c.name, c]));
  return fc
    .uniqueArray(fc.constantFrom(...columns.map((c) => c.name)), { minLength: 1, maxLength: 6 })
    .chain((names) =>
      fc.record({
        columns: fc.constant(names),
        rows: fc.array(
          fc.tuple(
            ...names.map((name) =>
              fc.option(fc.constantFrom(...usable(byName.get(name)!)), { nil: null, freq: 4 }),
            ),
          ),
          { maxLength: 12 },
        ),
        format: fc.constantFrom<Format>('parquet', 'csv'),
      }),
    );
}

export function describeRoundTripProperty(available: boolean, engine: RoundTripEngine): void {
  const regressions = resolve(import.meta.dirname, `../regressions/${engine.name}-type-roundtrip`);
  const byName = new Map(engine.columns.map((c) => [c.name, c]));

  describe.skipIf(!available)(`property: random ${engine.name} tables round-trip exactly`, () => {
    let dir: ReturnType<typeof tempDir>;
    let counter = 0;

    beforeAll(async () => {
      await engine.open();
      dir = tempDir();
    });

    afterAll(async () => {
      await engine.close();
      dir?.remove();
    });

    /** Exports one generated table; returns the mismatches (none when it round-trips). */
    async function roundTrip(table: TableCase): Promise<string[]> {
      const name = `t${++counter}`;
      const columns = table.columns.map((c) => byName.get(c)!);
      await engine.createTable(name, columns);
      for (const [i, row] of table.rows.entries()) {
        const literals = row.map((v, j) => (v === null ? 'NULL' : columns[j]!.values[v]!));
        await engine.insert(name, i + 1, literals, columns);
      }
      const config = join(dir.path, `${name}.yaml`);
      writeFileSync(
        config,
        `source:\n${engine.source}exports:\n  - name: ${name}\n    table: ${engine.tableRef(name)}\n    format: ${table.format}\n    destination: { type: local, path: ./${name} }\n`,
      );
      const cli = runCli(['run', '-c', config], { cwd: dir.path, env: engine.env });
      if (cli.code !== 0) return [`exit ${cli.code}: ${cli.stderr}`];
      if (table.rows.length === 0) return [];
      const want = await expectedTexts(name, columns, table);
      const got = await fileTexts(join(dir.path, name), columns, table.format);
      return compare(columns, want, got);
    }

    async function expectedTexts(name: string, columns: RoundTripColumn[], table: TableCase) {
      const select = columns.map((c) => {
        const expected = c.expected(table.format);
        return typeof expected === 'function' ? `${expected(c.name)} AS ${c.name}` : `NULL AS ${c.name}`;
      });
      const rows = await engine.select(name, select);
      return rows.map((r, i) =>
        columns.map((c, j) => {
          const expected = c.expected(table.format);
          if (typeof expected === 'function') return toText(r[c.name]);
          const index = table.rows[i]![j];
          return index === null || index === undefined ? null : expected[index]!;
        }),
      );
    }

    async function fileTexts(folder: string, columns: RoundTripColumn[], format: Format) {
      const part = readdirSync(folder).find((f) => f.endsWith(`.${format}`))!;
      const file = sqlString(join(folder, part));
      const rows =
        format === 'parquet'
          ? await duckQuery(
              `SELECT ${columns.map((c) => `${c.duck(`"${c.name}"`)} AS "${c.name}"`).join(', ')} FROM read_parquet(${file}) ORDER BY id`,
            )
          : await duckQuery(
              `SELECT * FROM read_csv(${file}, header = true, all_varchar = true, quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false) ORDER BY id::BIGINT`,
            );
      return rows.map((r) => columns.map((c) => toText(r[c.name])));
    }

    function compare(
      columns: RoundTripColumn[],
      want: (string | null)[][],
      got: (string | null)[][],
    ): string[] {
      if (want.length !== got.length) return [`${got.length} rows read back, ${want.length} in the source`];
      const problems: string[] = [];
      for (const [i, row] of want.entries()) {
        for (const [j, expected] of row.entries()) {
          const column = columns[j]!;
          const actual = got[i]![j]!;
          // Floats compare by value (CSV spells infinity `inf`), JSON by structure, the rest as text.
          if (!sameValue({ compare: column.compare } as never, expected, actual))
            problems.push(`${column.name} row ${i + 1}: ${preview(expected)} vs ${preview(actual)}`);
        }
      }
      return problems;
    }

    for (const file of savedRegressions(regressions)) {
      it(`replays the saved regression ${file}`, async () => {
        const saved = JSON.parse(readFileSync(join(regressions, file), 'utf8')) as { table: TableCase };
        expect(await roundTrip(saved.table)).toEqual([]);
      });
    }

    it(
      `${PROPERTY_RUNS} random tables round-trip exactly (failures shrink and are saved)`,
      async () => {
        const property = fc.asyncProperty(tableCase(engine.columns), async (table) => {
          const problems = await roundTrip(table);
          if (problems.length > 0) throw new Error(problems.join('\n'));
        });
        const report = await fc.check(property, { numRuns: PROPERTY_RUNS });
        if (report.failed && report.counterexample !== null) {
          const [table] = report.counterexample;
          mkdirSync(regressions, { recursive: true });
          const file = join(regressions, `seed-${report.seed}.json`);
          writeFileSync(file, `${JSON.stringify({ seed: report.seed, table }, null, 2)}\n`);
          throw new Error(
            `a table did not round-trip (shrunk counterexample saved to ${file}; commit it):\n${fc.defaultReportMessage(report)}`,
          );
        }
        expect(report.failed).toBe(false);
      },
      30_000 + PROPERTY_RUNS * 1_000,
    );
  });
}

function savedRegressions(folder: string): string[] {
  try {
    return readdirSync(folder).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
}
