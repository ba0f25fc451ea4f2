/**
 * Test support: the MySQL/MariaDB type matrix — one column per supported type with edge
 * values (row 1 NULL everywhere; extremes, 2^53+1, unsigned maxima, negative and > 24 h
 * TIME, zero YEAR, 1 MB text, unicode, empty vs NULL) — and, per column, how the source
 * (MariaDB SQL) and the readers (DuckDB SQL, CSV text, hyparquet values) express one
 * canonical value, so files are compared with the source value by value.
 */
import type { Compare } from './type-matrix.js';

export interface MyMatrixColumn {
  readonly name: string;
  readonly ddl: string;
  /** SQL literal per row 2..5 (row 1 is all NULL). */
  readonly values: readonly string[];
  /** MariaDB expression giving the canonical text of `c` (or fixed expected values). */
  readonly my: ((c: string) => string) | readonly string[];
  /** DuckDB expression over the Parquet column giving the same canonical text. */
  readonly duck: (c: string) => string;
  /** MariaDB expression giving the exact CSV text (or fixed values); compared with `compare`. */
  readonly csv: ((c: string) => string) | readonly string[];
  readonly duckType: string;
  readonly compare: Compare;
  readonly hyp: (v: unknown) => string;
  /** hyparquet decodes decimals to JS numbers: compared approximately there. */
  readonly hypCompare?: Compare;
}

const str = (v: unknown) => String(v);
const hex = (v: unknown) => Buffer.from(v as Uint8Array).toString('hex');
const text = (c: string) => `CAST(${c} AS CHAR)`;
const asText = (c: string) => `${c}::VARCHAR`;
const epochMicros = (c: string) =>
  `CAST((TO_DAYS(${c}) - 719528) * 86400000000 + (HOUR(${c}) * 3600 + MINUTE(${c}) * 60 + SECOND(${c})) * 1000000 + MICROSECOND(${c}) AS CHAR)`;
const integer = (name: string, ddl: string, values: string[], duckType: string): MyMatrixColumn => ({
  name,
  ddl,
  values,
  my: text,
  duck: asText,
  csv: text,
  duckType,
  compare: 'text',
  hyp: str,
});
const bytes = (
  name: string,
  ddl: string,
  values: string[],
  my = (c: string) => `LOWER(HEX(${c}))`,
): MyMatrixColumn => ({
  name,
  ddl,
  values,
  my,
  duck: (c) => `lower(hex(${c}))`,
  csv: my,
  duckType: 'BLOB',
  compare: 'text',
  hyp: hex,
});
const string = (name: string, ddl: string, values: string[], duckType = 'VARCHAR'): MyMatrixColumn => ({
  name,
  ddl,
  values,
  my: (c) => c,
  duck: asText,
  csv: (c) => c,
  duckType,
  compare: 'text',
  hyp: str,
});
const bool = (c: string) => `IF(${c} IS NULL, NULL, IF(${c} = 1, 'true', 'false'))`;

export const MY_MATRIX: readonly MyMatrixColumn[] = [
  integer('c_tinyint', 'tinyint', ['0', '127', '-128', '-1'], 'SMALLINT'),
  integer('c_tinyint_u', 'tinyint unsigned', ['0', '255', '1', '200'], 'SMALLINT'),
  integer('c_smallint', 'smallint', ['32767', '-32768', '0', '1'], 'SMALLINT'),
  integer('c_smallint_u', 'smallint unsigned', ['65535', '0', '1', '2'], 'INTEGER'),
  integer('c_mediumint', 'mediumint', ['8388607', '-8388608', '0', '1'], 'INTEGER'),
  integer('c_mediumint_u', 'mediumint unsigned', ['16777215', '0', '1', '2'], 'INTEGER'),
  integer('c_int', 'int', ['2147483647', '-2147483648', '0', '-1'], 'INTEGER'),
  integer('c_int_u', 'int unsigned', ['4294967295', '0', '1', '2'], 'BIGINT'),
  integer(
    'c_bigint',
    'bigint',
    ['9223372036854775807', '-9223372036854775808', '-9007199254740993', '9007199254740993'],
    'BIGINT',
  ),
  {
    ...integer(
      'c_bigint_u',
      'bigint unsigned',
      ['18446744073709551615', '0', '9007199254740993', '1'],
      'DECIMAL(20,0)',
    ),
    hypCompare: 'decimal-approx',
  },
  { ...integer('c_bool', 'tinyint(1)', ['1', '0', '1', '0'], 'BOOLEAN'), my: bool, csv: bool },
  { ...integer('c_bit1', 'bit(1)', ["b'1'", "b'0'", "b'1'", "b'0'"], 'BOOLEAN'), my: bool, csv: bool },
  bytes(
    'c_bit12',
    'bit(12)',
    ["b'101010101010'", "b'0'", "b'111111111111'", "b'1'"],
    (c) => `LPAD(LOWER(HEX(${c})), 4, '0')`,
  ),
  {
    ...integer(
      'c_decimal',
      'decimal(10,2)',
      ['12345678.90', '-0.01', '0.00', '99999999.99'],
      'DECIMAL(10,2)',
    ),
    hypCompare: 'decimal-approx',
  },
  {
    ...integer(
      'c_decimal38',
      'decimal(38,10)',
      [
        '1234567890123456789012345678.0123456789',
        '-9999999999999999999999999999.9999999999',
        '0.0000000001',
        '1',
      ],
      'DECIMAL(38,10)',
    ),
    hypCompare: 'decimal-approx',
  },
  {
    ...integer('c_float', 'float', ['0.1', '-3.40282e38', '1.17549e-38', '-0'], 'FLOAT'),
    my: (c) => `CAST(${c} + 0e0 AS CHAR)`,
    csv: (c) => `CAST(${c} + 0e0 AS CHAR)`,
    compare: 'float32',
  },
  {
    ...integer(
      'c_double',
      'double',
      ['0.30000000000000004', '1.7976931348623157e308', '-2.2250738585072014e-308', '5e-324'],
      'DOUBLE',
    ),
    // The literals themselves: the check must not trust the server's own printing of a double.
    my: ['0.30000000000000004', '1.7976931348623157e308', '-2.2250738585072014e-308', '5e-324'],
    csv: ['0.30000000000000004', '1.7976931348623157e308', '-2.2250738585072014e-308', '5e-324'],
    compare: 'float64',
  },
  string('c_char', 'char(10)', ["'abc'", "''", "'😀ü'", "'x'"]),
  string('c_varchar', 'varchar(100)', ["'line1\\nline2'", '\'"q",c\'', "''", "'tab\\there\\r\\n'"]),
  string('c_text', 'mediumtext', ["REPEAT('x', 1048576)", "'😀 ünïcödé'", "''", "'a'"]),
  bytes('c_binary', 'binary(3)', ["X'00FF10'", "X'000000'", "X'0A0D22'", "X'010203'"]),
  bytes('c_varbinary', 'varbinary(50)', ["X'00'", "X''", "X'0A0D22'", "X'FFFF'"]),
  bytes('c_blob', 'blob', ["REPEAT(X'AB', 1000)", "X''", "X'00'", "X'FF'"]),
  // Spatial values arrive as OGC well-known binary (ST_AsBinary; the SRID is not part of it).
  bytes(
    'c_geom',
    'geometry',
    [
      "ST_GeomFromText('POINT(1.5 -2)')",
      "ST_GeomFromText('POLYGON((0 0,4 0,4 4,0 0),(1 1,2 1,1 2,1 1))')",
      "ST_GeomFromText('LINESTRING(0 0,1 1,2 4)', 4326)",
      "ST_GeomFromText('GEOMETRYCOLLECTION(POINT(0 0),LINESTRING(1 1,2 2))')",
    ],
    (c) => `LOWER(HEX(ST_AsBinary(${c})))`,
  ),
  {
    ...integer('c_date', 'date', ["'2024-02-29'", "'9999-12-31'", "'1000-01-01'", "'1969-12-31'"], 'DATE'),
    my: (c) => `CAST(DATEDIFF(${c}, '1970-01-01') AS CHAR)`,
    duck: (c) => `(${c} - DATE '1970-01-01')::VARCHAR`,
    csv: (c) => `DATE_FORMAT(${c}, '%Y-%m-%d')`,
  },
  {
    ...integer(
      'c_datetime',
      'datetime(6)',
      [
        "'2024-02-29 12:34:56.5'",
        "'9999-12-31 23:59:59.999999'",
        "'1000-01-01 00:00:00'",
        "'1969-12-31 23:59:59.000001'",
      ],
      'TIMESTAMP',
    ),
    my: epochMicros,
    duck: (c) => `epoch_us(${c})::VARCHAR`,
    csv: (c) => `DATE_FORMAT(${c}, '%Y-%m-%dT%H:%i:%s.%f')`,
  },
  {
    ...integer(
      'c_datetime0',
      'datetime',
      ["'2024-02-29 12:34:56'", "'9999-12-31 23:59:59'", "'1000-01-01 00:00:00'", "'1970-01-01 00:00:00'"],
      'TIMESTAMP',
    ),
    my: epochMicros,
    duck: (c) => `epoch_us(${c})::VARCHAR`,
    csv: (c) => `DATE_FORMAT(${c}, '%Y-%m-%dT%H:%i:%s.%f')`,
  },
  {
    ...integer(
      'c_timestamp',
      'timestamp(6) NULL',
      [
        "'1970-01-01 00:00:01'",
        "'2038-01-19 03:14:07.999999'",
        "'2024-02-29 12:00:00.123'",
        "'2000-01-01 00:00:00'",
      ],
      'TIMESTAMP WITH TIME ZONE',
    ),
    my: epochMicros,
    duck: (c) => `epoch_us(${c})::VARCHAR`,
    csv: (c) => `DATE_FORMAT(${c}, '%Y-%m-%dT%H:%i:%s.%fZ')`,
  },
  {
    ...string('c_time', 'time(6)', ["'-838:59:59'", "'838:59:59'", "'00:00:00.000001'", "'-00:00:01.5'"]),
    my: ['PT-838H-59M-59S', 'PT838H59M59S', 'PT0.000001S', 'PT-1.5S'],
    csv: ['PT-838H-59M-59S', 'PT838H59M59S', 'PT0.000001S', 'PT-1.5S'],
  },
  {
    ...integer('c_year', 'year', ['2024', '1901', '2155', '0'], 'SMALLINT'),
    my: (c) => text(`${c} + 0`),
    csv: (c) => text(`${c} + 0`),
  },
  string('c_enum', "enum('sad','ok','happy')", ["'happy'", "'sad'", "'ok'", "'happy'"]),
  string('c_set', "set('a','b','c')", ["'a,c'", "''", "'b'", "'a,b,c'"]),
  {
    ...string(
      'c_json',
      'json',
      ['\'{"b": 1, "a": [1, 2, {"z": null}]}\'', "'{}'", '\'"x,y\\\\"z"\'', "'12345678901234567890.5'"],
      'JSON',
    ),
    // CONCAT: the raw text, not the driver's parsed JSON.
    my: (c) => `CONCAT(${c})`,
    csv: (c) => `CONCAT(${c})`,
  },
];

export const MY_MATRIX_ROWS = 5;

export function myMatrixSetupSql(table: string): string {
  const columns = MY_MATRIX.map((c) => `${c.name} ${c.ddl}`).join(',\n  ');
  const rows = [1, 2, 3, 4].map((r) => `(${r + 1}, ${MY_MATRIX.map((c) => c.values[r - 1]).join(', ')})`);
  return `CREATE TABLE ${table} (id bigint PRIMARY KEY,\n  ${columns}) CHARACTER SET utf8mb4;
INSERT INTO ${table} (id) VALUES (1);
INSERT INTO ${table} VALUES ${rows.join(',\n')};`;
}
