/**
 * Test support: the PostgreSQL type matrix — one column per supported type, rows of
 * edge values (NULL everywhere, extremes, BC and sub-second times, 24:00, unicode,
 * empty vs NULL, 1 MB text, arrays with NULL elements) — and, per column, how the
 * source (PostgreSQL SQL) and the readers (DuckDB SQL, CSV text, hyparquet values)
 * express one canonical value, so files are compared with the source value by value.
 */

export type Compare = 'text' | 'float32' | 'float64' | 'json' | 'decimal-approx';

export interface MatrixColumn {
  readonly name: string;
  readonly ddl: string;
  /** SQL literal per row (row 1 is all NULL and not listed). */
  readonly values: readonly string[];
  /** PostgreSQL expression giving the canonical text of `c`. */
  readonly pg: (c: string) => string;
  /** DuckDB expression over the Parquet column giving the same canonical text. */
  readonly duck: (c: string) => string;
  /** PostgreSQL expression giving the exact text Rivet's CSV should hold for `c`. */
  readonly csv: (c: string) => string;
  /** DuckDB type expected from DESCRIBE on the Parquet file. */
  readonly duckType: string;
  readonly compare: Compare;
  /** Canonical text of a hyparquet value (undefined: compared through `compare` only). */
  readonly hyp: (v: unknown) => string;
}

const str = (v: unknown) => (typeof v === 'bigint' || typeof v === 'number' ? String(v) : String(v));
const num = (v: unknown) => (Object.is(v, -0) ? '-0' : String(v));
const hex = (v: unknown) => Buffer.from(v as Uint8Array).toString('hex');
const epochUs = (c: string) => `(extract(epoch from ${c}) * 1000000)::numeric(30,0)::text`;
const isoYear = (c: string) =>
  `(CASE WHEN extract(year from ${c}) = -1 THEN '0000' WHEN extract(year from ${c}) < 0 THEN '-' || lpad((-(extract(year from ${c})::int + 1))::text, 4, '0') WHEN extract(year from ${c}) > 9999 THEN '+' || extract(year from ${c})::int::text ELSE lpad(extract(year from ${c})::int::text, 4, '0') END)`;
const csvDate = (c: string) => `${isoYear(c)} || to_char(${c}, '-MM-DD')`;
const csvTime = (c: string) => `to_char(${c}, 'HH24:MI:SS.US')`;
const jsonList = (c: string, element: (e: string) => string) =>
  `CASE WHEN ${c} IS NULL THEN NULL ELSE COALESCE((SELECT json_agg(CASE WHEN e IS NULL THEN NULL ELSE ${element('e')} END ORDER BY o) FROM unnest(${c}) WITH ORDINALITY AS u(e, o)), '[]')::text END`;
const duckList = (c: string, element: (x: string) => string) =>
  `to_json(list_transform(${c}, x -> ${element('x')}))::VARCHAR`;

const BIG_TEXT = "repeat('x', 1048576)";

export const MATRIX: readonly MatrixColumn[] = [
  {
    name: 'c_int2',
    ddl: 'smallint',
    values: ['0', '32767', '(-32768)', '1'],
    pg: (c) => `${c}::text`,
    duck: (c) => `${c}::VARCHAR`,
    csv: (c) => `${c}::text`,
    duckType: 'SMALLINT',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_int4',
    ddl: 'integer',
    values: ['42', '2147483647', '(-2147483648)', '-1'],
    pg: (c) => `${c}::text`,
    duck: (c) => `${c}::VARCHAR`,
    csv: (c) => `${c}::text`,
    duckType: 'INTEGER',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_int8',
    ddl: 'bigint',
    values: ['9007199254740993', '9223372036854775807', '(-9223372036854775808)', '(-9007199254740993)'],
    pg: (c) => `${c}::text`,
    duck: (c) => `${c}::VARCHAR`,
    csv: (c) => `${c}::text`,
    duckType: 'BIGINT',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_num',
    ddl: 'numeric(38,10)',
    values: [
      '1234567890.0123456789',
      '9999999999999999999999999999.9999999999',
      '(-9999999999999999999999999999.9999999999)',
      '-0.0000000001',
    ],
    pg: (c) => `${c}::text`,
    duck: (c) => `${c}::VARCHAR`,
    csv: (c) => `${c}::text`,
    duckType: 'DECIMAL(38,10)',
    compare: 'text',
    hyp: (v) => String(v),
  },
  {
    name: 'c_num_small',
    ddl: 'numeric(12,2)',
    values: ['0.10', '9999999999.99', '(-9999999999.99)', '-0.01'],
    pg: (c) => `${c}::text`,
    duck: (c) => `${c}::VARCHAR`,
    csv: (c) => `${c}::text`,
    duckType: 'DECIMAL(12,2)',
    compare: 'text',
    hyp: (v) => String(v),
  },
  {
    name: 'c_real',
    ddl: 'real',
    values: ['1.5', "'3.4028235e+38'", "'-Infinity'", "'NaN'"],
    pg: (c) => `${c}::text`,
    duck: (c) => `${c}::VARCHAR`,
    csv: (c) => `${c}::text`,
    duckType: 'FLOAT',
    compare: 'float32',
    hyp: num,
  },
  {
    name: 'c_double',
    ddl: 'double precision',
    values: ['0.1', "'1.7976931348623157e+308'", "'-0'", "'Infinity'"],
    pg: (c) => `${c}::text`,
    duck: (c) => `${c}::VARCHAR`,
    csv: (c) => `${c}::text`,
    duckType: 'DOUBLE',
    compare: 'float64',
    hyp: num,
  },
  {
    name: 'c_bool',
    ddl: 'boolean',
    values: ['true', 'false', 'true', 'false'],
    pg: (c) => `${c}::text`,
    duck: (c) => `${c}::VARCHAR`,
    csv: (c) => `${c}::text`,
    duckType: 'BOOLEAN',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_text',
    ddl: 'text',
    values: ["''", '\'😀 ünïcödé, "quoted"\'', "E'line1\\nline2\\r\\nend'", BIG_TEXT],
    pg: (c) => c,
    duck: (c) => c,
    csv: (c) => c,
    duckType: 'VARCHAR',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_varchar',
    ddl: 'varchar(20)',
    values: ["'a,b'", "'x'", "''", "'NULL'"],
    pg: (c) => c,
    duck: (c) => c,
    csv: (c) => c,
    duckType: 'VARCHAR',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_char',
    ddl: 'char(5)',
    values: ["'ab'", "'abcde'", "''", "'é'"],
    pg: (c) => `${c}::varchar(5) || repeat(' ', 5 - char_length(${c}::varchar(5)))`,
    duck: (c) => c,
    csv: (c) => `${c}::varchar(5) || repeat(' ', 5 - char_length(${c}::varchar(5)))`,
    duckType: 'VARCHAR',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_bytea',
    ddl: 'bytea',
    values: ["'\\x00ff10'::bytea", "''::bytea", "decode(repeat('ab', 1000), 'hex')", "'\\x0a0d22'::bytea"],
    pg: (c) => `encode(${c}, 'hex')`,
    duck: (c) => `lower(hex(${c}))`,
    csv: (c) => `encode(${c}, 'hex')`,
    duckType: 'BLOB',
    compare: 'text',
    hyp: hex,
  },
  {
    name: 'c_date',
    ddl: 'date',
    values: ["'2024-02-29'", "'9999-12-31'", "'0044-03-15 BC'", "'1969-12-31'"],
    pg: (c) => `(${c} - date '1970-01-01')::text`,
    duck: (c) => `(${c} - DATE '1970-01-01')::VARCHAR`,
    csv: csvDate,
    duckType: 'DATE',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_ts',
    ddl: 'timestamp',
    values: [
      "'2024-02-29 23:59:59.999999'",
      "'9999-12-31 23:59:59.999999'",
      "'0044-03-15 10:00:00.000001 BC'",
      "'1969-12-31 23:59:59.999999'",
    ],
    pg: epochUs,
    duck: (c) => `epoch_us(${c})::VARCHAR`,
    csv: (c) => `${csvDate(c)} || 'T' || ${csvTime(c)}`,
    duckType: 'TIMESTAMP',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_tstz',
    ddl: 'timestamptz',
    values: [
      "'2024-02-29 23:59:59.999999+05:30'",
      "'1900-01-01 00:00:00.000001+00'",
      "'0001-01-01 00:00:00+00'",
      "'1970-01-01 00:00:00.000001+00'",
    ],
    pg: epochUs,
    duck: (c) => `epoch_us(${c})::VARCHAR`,
    csv: (c) => `${csvDate(c)} || 'T' || ${csvTime(c)} || 'Z'`,
    duckType: 'TIMESTAMP WITH TIME ZONE',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_time',
    ddl: 'time',
    values: ["'23:59:59.999999'", "'24:00:00'", "'00:00:00'", "'12:00:00.5'"],
    pg: epochUs,
    duck: (c) =>
      `((extract('hour' FROM ${c}) * 3600 + extract('minute' FROM ${c}) * 60) * 1000000 + extract('microsecond' FROM ${c}))::VARCHAR`,
    csv: (c) => `CASE WHEN ${c} = '24:00:00' THEN '24:00:00.000000' ELSE ${csvTime(c)} END`,
    duckType: 'TIME',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_uuid',
    ddl: 'uuid',
    values: [
      "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
      "'ffffffff-ffff-ffff-ffff-ffffffffffff'",
      "'00000000-0000-0000-0000-000000000000'",
      "'123e4567-e89b-12d3-a456-426614174000'",
    ],
    pg: (c) => `replace(${c}::text, '-', '')`,
    duck: (c) => `replace(${c}::VARCHAR, '-', '')`,
    csv: (c) => `${c}::text`,
    duckType: 'UUID',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_json',
    ddl: 'json',
    values: ['\'{"big": 12345678901234567890,   "f": 0.1}\'', "'[]'", '\'"😀"\'', "'null'"],
    pg: (c) => `${c}::text`,
    duck: (c) => `${c}::VARCHAR`,
    csv: (c) => `${c}::text`,
    duckType: 'JSON',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_jsonb',
    ddl: 'jsonb',
    values: ['\'{"b": 1, "a": [1, 2, {"z": null}]}\'', "'{}'", '\'"x,y\\"z"\'', "'12345678901234567890.5'"],
    pg: (c) => `${c}::text`,
    duck: (c) => `${c}::VARCHAR`,
    csv: (c) => `${c}::text`,
    duckType: 'JSON',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_interval',
    ddl: 'interval',
    values: [
      "'1 year 2 mons 3 days 04:05:06.789'",
      "'-1 days -00:00:00.000001'",
      "'0'",
      "'-178000000 years'",
    ],
    pg: (c) => `${c}::text`,
    duck: (c) => c,
    csv: (c) => `${c}::text`,
    duckType: 'VARCHAR',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_enum',
    ddl: 'mood',
    values: ["'happy'", "'sad'", "'ok'", "'happy'"],
    pg: (c) => `${c}::text`,
    duck: (c) => c,
    csv: (c) => `${c}::text`,
    duckType: 'VARCHAR',
    compare: 'text',
    hyp: str,
  },
  {
    name: 'c_int_arr',
    ddl: 'integer[]',
    values: ["'{1,NULL,3}'", "'{}'", "'{2147483647,-2147483648}'", 'ARRAY[NULL]::int[]'],
    pg: (c) => jsonList(c, (e) => `${e}::text`),
    duck: (c) => duckList(c, (x) => `${x}::VARCHAR`),
    csv: (c) =>
      `CASE WHEN ${c} IS NULL THEN NULL ELSE COALESCE((SELECT '[' || string_agg(COALESCE(e::text, 'null'), ',' ORDER BY o) || ']' FROM unnest(${c}) WITH ORDINALITY AS u(e, o)), '[]') END`,
    duckType: 'INTEGER[]',
    compare: 'json',
    hyp: (v) =>
      JSON.stringify((v as unknown[]).map((x) => (x === null || x === undefined ? null : String(x)))),
  },
  {
    name: 'c_text_arr',
    ddl: 'text[]',
    values: ['\'{"a,b",NULL,"q\\"x","NULL",""}\'', "'{}'", "ARRAY['😀', E'l1\\nl2']", "'{x}'"],
    pg: (c) => jsonList(c, (e) => e),
    duck: (c) => duckList(c, (x) => x),
    csv: (c) =>
      `CASE WHEN ${c} IS NULL THEN NULL ELSE COALESCE((SELECT '[' || string_agg(COALESCE(to_json(e)::text, 'null'), ',' ORDER BY o) || ']' FROM unnest(${c}) WITH ORDINALITY AS u(e, o)), '[]') END`,
    duckType: 'VARCHAR[]',
    compare: 'json',
    hyp: (v) => JSON.stringify((v as unknown[]).map((x) => (x === undefined ? null : x))),
  },
  {
    name: 'c_tstz_arr',
    ddl: 'timestamptz[]',
    values: [
      "ARRAY['2024-01-01 00:00:00.000001+00', NULL]::timestamptz[]",
      "'{}'",
      "ARRAY['1969-12-31 23:59:59.999999+00']::timestamptz[]",
      'NULL',
    ],
    pg: (c) => jsonList(c, epochUs),
    duck: (c) => duckList(c, (x) => `epoch_us(${x})::VARCHAR`),
    csv: (c) =>
      `CASE WHEN ${c} IS NULL THEN NULL ELSE COALESCE((SELECT '[' || string_agg(COALESCE('"' || ${csvDate('e')} || 'T' || ${csvTime('e')} || 'Z"', 'null'), ',' ORDER BY o) || ']' FROM unnest(${c}) WITH ORDINALITY AS u(e, o)), '[]') END`,
    duckType: 'TIMESTAMP WITH TIME ZONE[]',
    compare: 'json',
    hyp: (v) => JSON.stringify((v as unknown[]).map((x) => (x === undefined ? null : x))),
  },
];

export const MATRIX_ROWS = 5;

/** DDL + INSERTs: row 1 all NULL; rows 2..5 take the listed values. */
export function matrixSetupSql(table: string): string {
  const columns = MATRIX.map((c) => `${c.name} ${c.ddl}`).join(',\n  ');
  const rows = [1, 2, 3, 4].map((r) => `(${r + 1}, ${MATRIX.map((c) => c.values[r - 1]).join(', ')})`);
  return `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE ${table} (id bigint PRIMARY KEY,\n  ${columns});
INSERT INTO ${table} (id) VALUES (1);
INSERT INTO ${table} VALUES ${rows.join(',\n')};`;
}

/** Equal under the column's comparison rule. */
export function sameValue(column: MatrixColumn, expected: string | null, actual: string | null): boolean {
  if (expected === null || actual === null) return expected === actual;
  switch (column.compare) {
    case 'text':
      return expected === actual;
    case 'json':
      return JSON.stringify(JSON.parse(expected)) === JSON.stringify(JSON.parse(actual));
    case 'float32':
      return Object.is(Math.fround(parseFloatText(expected)), Math.fround(parseFloatText(actual)));
    case 'float64':
      return Object.is(parseFloatText(expected), parseFloatText(actual));
    case 'decimal-approx':
      return Math.abs(Number(expected) - Number(actual)) <= Math.abs(Number(expected)) * 1e-15;
  }
}

function parseFloatText(text: string): number {
  const t = text.toLowerCase();
  if (t === 'nan') return Number.NaN;
  if (t === 'inf' || t === 'infinity') return Number.POSITIVE_INFINITY;
  if (t === '-inf' || t === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number(text);
}
