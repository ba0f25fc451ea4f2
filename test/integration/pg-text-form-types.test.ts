/**
 * PostgreSQL types without an Arrow counterpart — network addresses, bit strings, text
 * search, XML, money, geometry, ranges and multiranges, hstore, composite rows, timetz,
 * and arrays of them — are exported as PostgreSQL's own text form. DuckDB reads the
 * Parquet and CSV back and every value must equal what `::text` says on the server.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckQuery, sqlString } from '../support/duckdb.js';
import { createTestSchema, PG_URL, postgresAvailable, type TestSchema } from '../support/pg-test-db.js';
import { runCli, tempDir } from '../support/run-cli.js';

const available = await postgresAvailable();

const COLUMNS: readonly (readonly [string, string, readonly string[]])[] = [
  ['c_citext', 'citext', ["'MiXeD Case'", "''", '\'quote "" , comma\'']],
  ['c_inet', 'inet', ["'192.168.0.1/24'", "'::1'", "'10.0.0.1'"]],
  ['c_cidr', 'cidr', ["'10.0.0.0/8'", "'2001:db8::/32'", "'192.168.1.0/24'"]],
  ['c_mac', 'macaddr', ["'08:00:2b:01:02:03'", "'ff:ff:ff:ff:ff:ff'", "'00:00:00:00:00:00'"]],
  [
    'c_mac8',
    'macaddr8',
    ["'08:00:2b:01:02:03:04:05'", "'00:00:00:00:00:00:00:00'", "'ff:ff:ff:ff:ff:ff:ff:ff'"],
  ],
  ['c_bit', 'bit(4)', ["B'1010'", "B'0000'", "B'1111'"]],
  ['c_varbit', 'varbit', ["B'1'", "B''", "B'101010101'"]],
  ['c_tsv', 'tsvector', ["'a fat cat'", "''", "$$'it''s' quoted$$"]],
  ['c_xml', 'xml', ['\'<a x="1">t&amp;u</a>\'', "'<b/>'", "'plain text'"]],
  ['c_money', 'money', ["'12.34'", "'-0.01'", "'92233720368547758.07'"]],
  ['c_point', 'point', ["'(1.5,-2)'", "'(0,0)'", "'(1e300,-1e-300)'"]],
  ['c_box', 'box', ["'((0,0),(1,1))'", "'((-1,-1),(1,1))'", "'((2,3),(2,3))'"]],
  ['c_circle', 'circle', ["'<(0,0),1>'", "'<(1,2),0.5>'", "'<(-3,4),5>'"]],
  ['c_poly', 'polygon', ["'((0,0),(1,0),(0,1))'", "'((0,0))'", "'((1,1),(2,2),(3,1))'"]],
  ['c_range', 'int4range', ["'[1,5)'", "'empty'", "'(,10]'"]],
  [
    'c_tsrange',
    'tstzrange',
    ["'[2024-01-01 00:00+00,2024-02-01 00:00+00)'", "'(,)'", "'[2024-01-01 12:30:00.123456+05,)'"],
  ],
  ['c_multi', 'int4multirange', ["'{[1,3),[5,9)}'", "'{}'", "'{[-5,-1]}'"]],
  ['c_hstore', 'hstore', ['\'a=>1, "b c"=>NULL\'', "''", '\'"quote\\"d"=>"x,y"\'']],
  ['c_comp', 'pair', ["ROW(1, 'a b')", "ROW(NULL, '')", "ROW(-7, 'x\"y')"]],
  ['c_timetz', 'timetz', ["'12:34:56.789+05:30'", "'00:00:00+00'", "'23:59:59.999999-12'"]],
  ['c_inets', 'inet[]', ["ARRAY['10.0.0.1'::inet, NULL, '::1']", "'{}'", "ARRAY['192.168.0.0/16'::inet]"]],
];

describe.skipIf(!available)('PostgreSQL text-form types → Parquet and CSV', () => {
  let db: TestSchema;
  let dir: ReturnType<typeof tempDir>;
  let expected: Map<string, (string | null)[]>;

  beforeAll(async () => {
    db = await createTestSchema('rivet_textform');
    await db.query(`SET search_path = ${db.name}, public;
      CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA ${db.name};
      CREATE EXTENSION IF NOT EXISTS hstore WITH SCHEMA ${db.name};
      CREATE TYPE pair AS (n int, s text);
      CREATE TABLE forms (id int PRIMARY KEY, ${COLUMNS.map(([n, t]) => `${n} ${t}`).join(', ')});`);
    for (let row = 0; row < 3; row++) {
      const values = COLUMNS.map(([, t, v]) => `${v[row]}::${t}`).join(', ');
      await db.query(
        `SET search_path = ${db.name}, public; INSERT INTO forms VALUES (${row + 1}, ${values})`,
      );
    }
    await db.query(`SET search_path = ${db.name}, public; INSERT INTO forms (id) VALUES (4)`);
    await db.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET extra_float_digits = 1");
    expected = new Map();
    for (const [name, type] of COLUMNS) {
      const cast = type.endsWith('[]') ? 'text[]' : 'text';
      const result = await db.query(
        `SET search_path = ${db.name}, public; SELECT (${name}::${cast})::text AS v FROM forms ORDER BY id`,
      );
      const rows = (Array.isArray(result) ? result.at(-1) : result).rows as { v: string | null }[];
      expected.set(
        name,
        rows.map((r) => r.v),
      );
    }
    dir = tempDir();
    const exportYaml = (format: string) =>
      `  - name: forms_${format}\n    table: ${db.name}.forms\n    format: ${format}\n    destination: { type: local, path: ./${format} }\n`;
    writeFileSync(
      join(dir.path, 'rivet.yaml'),
      `source:\n  type: postgres\n  url_env: PG_URL\nexports:\n${exportYaml('parquet')}${exportYaml('csv')}`,
    );
    const cli = runCli(['run', '-c', 'rivet.yaml'], { cwd: dir.path, env: { PG_URL } });
    expect(cli.code, cli.stderr).toBe(0);
  });

  afterAll(async () => {
    await db?.drop();
    dir?.remove();
  });

  it('Parquet: every value is the server text form (arrays as lists of element texts)', async () => {
    const file = sqlString(join(dir.path, 'parquet', '*.parquet'));
    for (const [name, type] of COLUMNS) {
      const rows = await duckQuery(
        type.endsWith('[]')
          ? `SELECT CASE WHEN ${name} IS NULL THEN NULL ELSE '{' || array_to_string(list_transform(${name}, x -> coalesce(x, 'NULL')), ',') || '}' END AS v FROM read_parquet(${file}) ORDER BY id`
          : `SELECT ${name} AS v FROM read_parquet(${file}) ORDER BY id`,
      );
      expect(
        rows.map((r) => r.v),
        name,
      ).toEqual(expected.get(name));
    }
  });

  it('CSV: every value is the server text form, NULL told apart from an empty string', async () => {
    const file = sqlString(join(dir.path, 'csv', '*.csv'));
    const rows = await duckQuery(
      `SELECT * FROM read_csv(${file}, header = true, all_varchar = true, quote = '"', escape = '"', nullstr = '', allow_quoted_nulls = false) ORDER BY id::INT`,
    );
    for (const [name, type] of COLUMNS) {
      if (type.endsWith('[]')) continue; // CSV spells lists in its own JSON form (docs/formats.md)
      expect(
        rows.map((r) => r[name] ?? null),
        name,
      ).toEqual(expected.get(name));
    }
  });
});
