/**
 * PostgreSQL `numeric` NaN has no decimal representation: by default the export fails
 * naming the column; `numeric_special: as_null` exports NULL instead and counts the
 * values per column in the summary — on both read paths, arrays included.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckQuery, sqlString } from '../support/duckdb.js';
import { createTestSchema, PG_URL, postgresAvailable, type TestSchema } from '../support/pg-test-db.js';
import { runCli, tempDir } from '../support/run-cli.js';

const available = await postgresAvailable();

describe.skipIf(!available)('numeric NaN policy', () => {
  let db: TestSchema;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    db = await createTestSchema('rivet_nan');
    await db.query(`CREATE TABLE amounts (id int PRIMARY KEY, n numeric(10,2), arr numeric(10,2)[]);
      INSERT INTO amounts VALUES (1, 1.5, '{1.5,NaN}'), (2, 'NaN', NULL), (3, 2.25, '{}');`);
    dir = tempDir();
  });

  afterAll(async () => {
    await db?.drop();
    dir?.remove();
  });

  const run = (name: string, relation: string, policy: string) => {
    const config = join(dir.path, `${name}.yaml`);
    writeFileSync(
      config,
      `source:\n  type: postgres\n  url_env: PG_URL\nexports:\n  - name: ${name}\n    ${relation}\n    format: parquet\n${policy}    destination: { type: local, path: ./${name} }\n`,
    );
    return runCli(['run', '-c', config], { cwd: dir.path, env: { PG_URL } });
  };

  it('fails by default, naming the column, and writes nothing', () => {
    const cli = run('strict', `table: ${db.name}.amounts`, '');
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('[RIVET_DATA_UNREPRESENTABLE]');
    expect(cli.stderr).toMatch(/column '(n|arr)': numeric NaN cannot be written as a decimal/);
    const folder = join(dir.path, 'strict');
    expect(existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.parquet')) : []).toEqual([]);
  });

  const relations = {
    keyset: (schema: string) => `table: ${schema}.amounts`,
    cursor: (schema: string) => `query: SELECT * FROM ${schema}.amounts`,
  };
  for (const [name, relation] of Object.entries(relations)) {
    it(`as_null (${name} read): NULL in the file, counted per column in the summary`, async () => {
      const cli = run(`as_null_${name}`, relation(db.name), '    numeric_special: as_null\n');
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stderr).toContain("column 'n': 1 numeric NaN/Infinity value(s) exported as NULL");
      expect(cli.stderr).toContain("column 'arr': 1 numeric NaN/Infinity value(s) exported as NULL");
      const folder = join(dir.path, `as_null_${name}`);
      const part = readdirSync(folder).find((f) => f.endsWith('.parquet'))!;
      const rows = await duckQuery(
        `SELECT id, n::VARCHAR AS n, arr::VARCHAR AS arr FROM read_parquet(${sqlString(join(folder, part))}) ORDER BY id`,
      );
      expect(rows).toEqual([
        { id: 1, n: '1.50', arr: '[1.50, NULL]' },
        { id: 2, n: null, arr: null },
        { id: 3, n: '2.25', arr: '[]' },
      ]);
      const summaries = readdirSync(join(dir.path, '.rivet', 'runs')).map((r) =>
        JSON.parse(readFileSync(join(dir.path, '.rivet', 'runs', r, 'summary.json'), 'utf8')),
      );
      const summary = summaries.find((s) => s.export_name === `as_null_${name}`);
      expect(summary.warnings).toContain("column 'n': 1 numeric NaN/Infinity value(s) exported as NULL");
    });
  }
});
