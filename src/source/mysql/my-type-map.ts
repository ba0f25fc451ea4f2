/**
 * Layer: source/mysql. A MySQL/MariaDB result column (its protocol type, flags,
 * length and decimals) → RivetType. Pure:
 * the one place that decides which MySQL types Rivet exports and how.
 */
import { MAX_DECIMAL128_PRECISION, type RivetType } from '../../types/rivet-type.js';
import type { FidelityVerdict } from '../../types/type-fidelity.js';

/** What the protocol says about one result column (mysql2's FieldPacket, trimmed). */
export interface MyField {
  readonly name: string;
  readonly columnType: number;
  readonly flags: number;
  readonly columnLength: number;
  readonly decimals: number;
  readonly characterSet: number;
}

export type MyMapping =
  | { readonly type: RivetType; readonly readAsWkb?: true; readonly fidelity?: FidelityVerdict }
  | { readonly unsupported: string };

const UNSIGNED = 32;
const ENUM_FLAG = 256;
const SET_FLAG = 2048;
const BINARY_CHARSET = 63;

export const MY = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;

const plain = (type: RivetType): MyMapping => ({ type });
const widened = (type: RivetType, reason: string): MyMapping => ({
  type,
  fidelity: { fidelity: 'widened', reason },
});
const NO_INT8 = 'Parquet has no 8-bit integer';

export function mapMyField(field: MyField): MyMapping {
  const unsigned = (field.flags & UNSIGNED) !== 0;
  switch (field.columnType) {
    case MY.TINY:
      // TINYINT(1) is MySQL's boolean; any other width is a small integer.
      if (!unsigned && field.columnLength === 1) {
        return {
          type: { kind: 'bool' },
          fidelity: {
            fidelity: 'checked',
            reason: 'TINYINT(1) read as boolean: a value other than 0/1 fails the run',
          },
        };
      }
      return widened({ kind: 'int16' }, NO_INT8);
    case MY.SHORT:
      return unsigned
        ? widened({ kind: 'int32' }, 'SMALLINT UNSIGNED needs 32 bits')
        : plain({ kind: 'int16' });
    case MY.INT24:
      return widened({ kind: 'int32' }, 'MEDIUMINT in 32 bits');
    case MY.LONG:
      return unsigned ? widened({ kind: 'int64' }, 'INT UNSIGNED needs 64 bits') : plain({ kind: 'int32' });
    case MY.LONGLONG:
      // BIGINT UNSIGNED reaches 2^64-1: decimal(20,0) holds it exactly everywhere.
      return unsigned
        ? widened({ kind: 'decimal', precision: 20, scale: 0 }, 'BIGINT UNSIGNED reaches 2^64-1')
        : plain({ kind: 'int64' });
    case MY.DECIMAL:
    case MY.NEWDECIMAL:
      return mapDecimal(field, unsigned);
    case MY.FLOAT:
      // The text protocol prints FLOAT with 6 significant digits: my-sql reads it widened to DOUBLE.
      return plain({ kind: 'float32' });
    case MY.DOUBLE:
      return plain({ kind: 'float64' });
    case MY.BIT:
      return field.columnLength === 1
        ? plain({ kind: 'bool' })
        : {
            type: { kind: 'binary' },
            fidelity: { fidelity: 'compatible', reason: 'the bits as big-endian bytes' },
          };
    case MY.DATE:
    case MY.NEWDATE:
      return plain({ kind: 'date' });
    case MY.DATETIME:
      return plain({ kind: 'timestamp', utc: false });
    case MY.TIMESTAMP:
      return plain({ kind: 'timestamp', utc: true });
    case MY.TIME:
      // Signed and up to ±838 hours: a duration, not a time of day.
      return plain({ kind: 'interval' });
    case MY.YEAR:
      return widened({ kind: 'int16' }, 'the year as a number');
    case MY.JSON:
      return plain({ kind: 'json' });
    case MY.ENUM:
      return plain({ kind: 'enum' });
    case MY.SET:
      return {
        type: { kind: 'utf8' },
        fidelity: { fidelity: 'compatible', reason: 'the members, comma-separated' },
      };
    case MY.VARCHAR:
    case MY.VAR_STRING:
    case MY.STRING:
    case MY.TINY_BLOB:
    case MY.MEDIUM_BLOB:
    case MY.LONG_BLOB:
    case MY.BLOB:
      return mapString(field);
    case MY.NULL:
      return plain({ kind: 'utf8' });
    case MY.GEOMETRY:
      // OGC well-known binary (ST_AsBinary): what GIS readers load. The SRID is not part of WKB.
      return { type: { kind: 'binary' }, readAsWkb: true };
    default:
      return { unsupported: `column type ${field.columnType} has no exact mapping yet` };
  }
}

function mapString(field: MyField): MyMapping {
  if (field.characterSet === BINARY_CHARSET) return plain({ kind: 'binary' });
  if ((field.flags & ENUM_FLAG) !== 0) return plain({ kind: 'enum' });
  if ((field.flags & SET_FLAG) !== 0) {
    return {
      type: { kind: 'utf8' },
      fidelity: { fidelity: 'compatible', reason: 'the members, comma-separated' },
    };
  }
  return plain({ kind: 'utf8' });
}

/** DECIMAL(p,s): the protocol's length counts digits, the point (if s > 0) and the sign (if signed). */
function mapDecimal(field: MyField, unsigned: boolean): MyMapping {
  const scale = field.decimals;
  const precision = field.columnLength - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1);
  if (precision > MAX_DECIMAL128_PRECISION) {
    return { unsupported: `decimal(${precision},${scale}) exceeds the Decimal128 precision of 38` };
  }
  return plain({ kind: 'decimal', precision: Math.max(precision, 1), scale });
}

const TYPE_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(MY).map(([name, code]) => [code, name.toLowerCase().replace('_', '')]),
);

/** A readable type name from the protocol alone (query columns have no declared type). */
export function protocolTypeName(field: MyField): string {
  const base = TYPE_NAMES.get(field.columnType) ?? `type ${field.columnType}`;
  return (field.flags & UNSIGNED) !== 0 ? `${base} unsigned` : base;
}
