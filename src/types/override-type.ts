/**
 * Layer: types (leaf). The spellings a `columns:` override may use and the canonical
 * type each one names. Upstream's names (`int8`, `float8`, `timestamp_tz`, …) and the
 * SQL-ish ones (`bigint`, `double`, `timestamptz`) are aliases of the same targets.
 */
import { MAX_DECIMAL128_PRECISION, type RivetType } from './rivet-type.js';

const NAMED: Readonly<Record<string, RivetType>> = {
  bool: { kind: 'bool' },
  boolean: { kind: 'bool' },
  int16: { kind: 'int16' },
  int2: { kind: 'int16' },
  smallint: { kind: 'int16' },
  tinyint: { kind: 'int16' },
  int32: { kind: 'int32' },
  int4: { kind: 'int32' },
  int: { kind: 'int32' },
  integer: { kind: 'int32' },
  int64: { kind: 'int64' },
  int8: { kind: 'int64' },
  bigint: { kind: 'int64' },
  float32: { kind: 'float32' },
  float4: { kind: 'float32' },
  real: { kind: 'float32' },
  float64: { kind: 'float64' },
  float8: { kind: 'float64' },
  double: { kind: 'float64' },
  date: { kind: 'date' },
  timestamp: { kind: 'timestamp', utc: false },
  datetime: { kind: 'timestamp', utc: false },
  timestamp_tz: { kind: 'timestamp', utc: true },
  timestamptz: { kind: 'timestamp', utc: true },
  binary: { kind: 'binary' },
  bytes: { kind: 'binary' },
  json: { kind: 'json' },
  uuid: { kind: 'uuid' },
};

const TEXT = /^(?:text|string|varchar|utf8)$/i;
const DECIMAL = /^(?:decimal|numeric)\(\s*(\d+)\s*,\s*(\d+)\s*\)$/i;
const NANOSECONDS = /^timestamp(?:_tz)?_ns$/i;

/** The override list shown when a spelling is not recognised. */
export const OVERRIDE_SPELLINGS =
  'text, bool, int16/int2/smallint, int32/int4/int, int64/int8/bigint, float32/float4/real, float64/float8/double, decimal(p,s), date, timestamp, timestamp_tz, binary, json, uuid';

/** `text` (the server's own text form), a target type, or why the spelling is refused. */
export type ParsedOverride =
  | { readonly kind: 'text' }
  | { readonly kind: 'type'; readonly type: RivetType }
  | { readonly kind: 'invalid'; readonly reason: string };

export function parseOverrideType(spelling: string): ParsedOverride {
  const trimmed = spelling.trim();
  if (TEXT.test(trimmed)) return { kind: 'text' };
  const named = NAMED[trimmed.toLowerCase()];
  if (named !== undefined) return { kind: 'type', type: named };
  const decimal = DECIMAL.exec(trimmed);
  if (decimal !== null) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2]);
    if (precision < 1 || precision > MAX_DECIMAL128_PRECISION || scale > precision) {
      return { kind: 'invalid', reason: `${trimmed} must have 1 ≤ precision ≤ 38 and scale ≤ precision` };
    }
    return { kind: 'type', type: { kind: 'decimal', precision, scale } };
  }
  if (NANOSECONDS.test(trimmed)) {
    return {
      kind: 'invalid',
      reason: `'${trimmed}' is not supported: Rivet writes timestamps in microseconds, the precision of both PostgreSQL and MySQL`,
    };
  }
  return {
    kind: 'invalid',
    reason: `override '${trimmed}' is not a type Rivet knows (known: ${OVERRIDE_SPELLINGS})`,
  };
}
