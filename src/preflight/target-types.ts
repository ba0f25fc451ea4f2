/**
 * Layer: preflight. What a warehouse makes of each Rivet type when it loads our Parquet:
 * the native column type to create, and whether its Parquet autoload gets there on its
 * own (ok), needs a cast or a load option (warn), or cannot hold the values (fail).
 * Facts, per target, from the warehouses' own Parquet-loading documentation.
 */
import type { RivetType } from '../types/rivet-type.js';

export const TARGETS = ['duckdb', 'bigquery', 'snowflake', 'clickhouse'] as const;
export type Target = (typeof TARGETS)[number];

export interface TargetMapping {
  /** The native type a table should declare for this column. */
  readonly type: string;
  readonly status: 'ok' | 'warn' | 'fail';
  readonly note?: string;
  /** SQL that turns the autoloaded column into the native type (`{col}` is the column). */
  readonly castSql?: string;
}

const ok = (type: string): TargetMapping => ({ type, status: 'ok' });
const warn = (type: string, note: string, castSql?: string): TargetMapping => ({
  type,
  status: 'warn',
  note,
  ...(castSql === undefined ? {} : { castSql }),
});

export function targetMapping(target: Target, type: RivetType): TargetMapping {
  switch (target) {
    case 'duckdb':
      return duckdb(type);
    case 'bigquery':
      return bigquery(type);
    case 'snowflake':
      return snowflake(type);
    case 'clickhouse':
      return clickhouse(type);
  }
}

/** DuckDB reads every logical type Rivet writes natively (the e2e tests check it with DESCRIBE). */
function duckdb(type: RivetType): TargetMapping {
  switch (type.kind) {
    case 'bool':
      return ok('BOOLEAN');
    case 'int16':
      return ok('SMALLINT');
    case 'int32':
      return ok('INTEGER');
    case 'int64':
      return ok('BIGINT');
    case 'float32':
      return ok('FLOAT');
    case 'float64':
      return ok('DOUBLE');
    case 'decimal':
      return ok(`DECIMAL(${type.precision},${type.scale})`);
    case 'binary':
      return ok('BLOB');
    case 'json':
      return ok('JSON');
    case 'uuid':
      return ok('UUID');
    case 'date':
      return ok('DATE');
    case 'time':
      return ok('TIME');
    case 'timestamp':
      return ok(type.utc ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP');
    case 'list':
      return { ...duckdb(type.item), type: `${duckdb(type.item).type}[]` };
    default:
      return ok('VARCHAR');
  }
}

/** BigQuery: NUMERIC holds p−s ≤ 29 and s ≤ 9; BIGNUMERIC p−s ≤ 38 and s ≤ 38. */
function bigquery(type: RivetType): TargetMapping {
  switch (type.kind) {
    case 'bool':
      return ok('BOOL');
    case 'int16':
    case 'int32':
    case 'int64':
      return ok('INT64');
    case 'float32':
    case 'float64':
      return ok('FLOAT64');
    case 'decimal': {
      if (type.scale <= 9 && type.precision - type.scale <= 29)
        return ok(`NUMERIC(${type.precision},${type.scale})`);
      return warn(
        `BIGNUMERIC(${type.precision},${type.scale})`,
        'beyond NUMERIC (29 integer / 9 fraction digits): load with decimal_target_types=["NUMERIC","BIGNUMERIC"]',
      );
    }
    case 'binary':
      return ok('BYTES');
    case 'json':
      return warn('JSON', 'autoload creates STRING: cast after loading', 'PARSE_JSON({col})');
    case 'uuid':
      return warn('STRING', 'autoload creates BYTES (16): format after loading', 'TO_HEX({col})');
    case 'date':
      return ok('DATE');
    case 'time':
      return ok('TIME');
    case 'timestamp':
      return type.utc
        ? ok('TIMESTAMP')
        : warn('DATETIME', 'a wall-clock timestamp autoloads as TIMESTAMP (read as UTC)', 'DATETIME({col})');
    case 'list': {
      const item = bigquery(type.item);
      return warn(
        `ARRAY<${item.type}>`,
        'autoload creates RECORD<list<item>> unless the load sets enable_list_inference',
      );
    }
    default:
      return ok('STRING');
  }
}

function snowflake(type: RivetType): TargetMapping {
  switch (type.kind) {
    case 'bool':
      return ok('BOOLEAN');
    case 'int16':
    case 'int32':
    case 'int64':
      return ok('NUMBER(38,0)');
    case 'float32':
    case 'float64':
      return ok('FLOAT');
    case 'decimal':
      return ok(`NUMBER(${type.precision},${type.scale})`);
    case 'binary':
      return warn('BINARY', 'set BINARY_AS_TEXT = FALSE in the file format');
    case 'json':
      return warn('VARIANT', 'autoload creates TEXT: parse after loading', 'PARSE_JSON({col})');
    case 'uuid':
      return warn('VARCHAR(36)', 'autoload creates BINARY(16): format after loading');
    case 'date':
      return ok('DATE');
    case 'time':
      return warn('TIME', 'autoload reads microseconds as NUMBER', 'TO_TIME({col})');
    case 'timestamp':
      return type.utc
        ? warn('TIMESTAMP_TZ', "set the session TIMEZONE = 'UTC' before loading")
        : warn('TIMESTAMP_NTZ', 'autoload may read microseconds as NUMBER', 'TO_TIMESTAMP_NTZ({col}, 6)');
    case 'list':
      return warn('ARRAY', 'elements arrive as VARIANT');
    default:
      return ok('VARCHAR');
  }
}

function clickhouse(type: RivetType): TargetMapping {
  switch (type.kind) {
    case 'bool':
      return ok('Bool');
    case 'int16':
      return ok('Int16');
    case 'int32':
      return ok('Int32');
    case 'int64':
      return ok('Int64');
    case 'float32':
      return ok('Float32');
    case 'float64':
      return ok('Float64');
    case 'decimal':
      return ok(`Decimal(${type.precision},${type.scale})`);
    case 'binary':
      return ok('String');
    case 'json':
      return warn('JSON', 'Parquet JSON loads as String unless the table declares JSON');
    case 'uuid':
      return warn('UUID', 'Parquet UUID loads as FixedString(16) unless the table declares UUID');
    case 'date':
      return ok('Date32');
    case 'time':
      return warn('Int64', 'microseconds since midnight: ClickHouse has no TIME of day before 25.6');
    case 'timestamp':
      return ok(type.utc ? "DateTime64(6, 'UTC')" : 'DateTime64(6)');
    case 'list':
      return { ...clickhouse(type.item), type: `Array(Nullable(${clickhouse(type.item).type}))` };
    default:
      return ok('String');
  }
}
