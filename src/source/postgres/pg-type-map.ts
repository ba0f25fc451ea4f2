/**
 * Layer: source/postgres. PostgreSQL type (OID + typmod) → RivetType. Pure; the
 * single place that decides which PostgreSQL types Rivet exports and how.
 */
import { MAX_DECIMAL128_PRECISION, type RivetType } from '../../types/rivet-type.js';
import type { PgTypeCatalog, PgTypeInfo } from './pg-type-info.js';

/**
 * `readAsText`: the value is exported as PostgreSQL's own text form (`::text`, or
 * `::text[]` for arrays) — exact, because it is the form PostgreSQL reads back.
 */
export type PgMapping =
  | { readonly type: RivetType; readonly readAsText?: true }
  | { readonly unsupported: string };

/**
 * Types with no Arrow/Parquet counterpart that PostgreSQL prints and re-reads exactly:
 * exported as their text form (docs/type-mapping.md lists each one and its spelling).
 */
export const TEXT_FORM_TYPES: ReadonlySet<string> = new Set([
  'citext',
  'inet',
  'cidr',
  'macaddr',
  'macaddr8',
  'bit',
  'varbit',
  'tsvector',
  'tsquery',
  'xml',
  'money',
  'point',
  'line',
  'lseg',
  'box',
  'path',
  'polygon',
  'circle',
  'hstore',
  'pg_lsn',
  'txid_snapshot',
  'pg_snapshot',
  'oid',
  'xid',
  'xid8',
  'cid',
  'regclass',
  'regtype',
  'regproc',
  'timetz',
]);

/** Built-in base types by name (OIDs of user types vary, names of built-ins do not). */
const BASE_TYPES: Readonly<Record<string, RivetType>> = {
  bool: { kind: 'bool' },
  int2: { kind: 'int16' },
  int4: { kind: 'int32' },
  int8: { kind: 'int64' },
  float4: { kind: 'float32' },
  float8: { kind: 'float64' },
  text: { kind: 'utf8' },
  varchar: { kind: 'utf8' },
  bpchar: { kind: 'utf8' },
  name: { kind: 'utf8' },
  bytea: { kind: 'binary' },
  json: { kind: 'json' },
  jsonb: { kind: 'json' },
  uuid: { kind: 'uuid' },
  date: { kind: 'date' },
  time: { kind: 'time' },
  timestamp: { kind: 'timestamp', utc: false },
  timestamptz: { kind: 'timestamp', utc: true },
  interval: { kind: 'interval' },
};

/** numeric typmod → (precision, scale); -1 means "no precision declared". */
export function numericTypmod(typmod: number): { precision: number; scale: number } | undefined {
  if (typmod < 4) return undefined;
  const packed = typmod - 4;
  const scaleBits = packed & 0x7ff;
  // PostgreSQL 15 stores the scale as an 11-bit signed value (negative scales allowed).
  const scale = scaleBits & 0x400 ? scaleBits - 0x800 : scaleBits;
  return { precision: (packed >> 16) & 0xffff, scale };
}

/** A `numeric` column (possibly through domains), not an array of them. */
export function isScalarNumeric(oid: number, catalog: PgTypeCatalog): boolean {
  const info = catalog.get(oid);
  if (info === undefined) return false;
  if (info.typtype === 'd') return isScalarNumeric(info.baseType, catalog);
  return info.name === 'numeric';
}

export function mapPgType(oid: number, typmod: number, catalog: PgTypeCatalog): PgMapping {
  const info = catalog.get(oid);
  if (info === undefined) return { unsupported: `unknown type oid ${oid}` };
  if (info.typtype === 'd') return mapPgType(info.baseType, typmod >= 0 ? typmod : info.baseTypmod, catalog);
  if (info.typtype === 'e') return { type: { kind: 'enum' } };
  // Ranges, multiranges and composite (row) types: PostgreSQL's text form, e.g. `[1,5)`, `(1,"a b")`.
  if (info.typtype === 'r' || info.typtype === 'm' || info.typtype === 'c' || TEXT_FORM_TYPES.has(info.name))
    return { type: { kind: 'utf8' }, readAsText: true };
  if (info.category === 'A' && info.elemType !== 0) return mapArray(info, typmod, catalog);
  if (info.name === 'numeric') return mapNumeric(typmod);
  const base = BASE_TYPES[info.name];
  if (base !== undefined) return { type: base };
  return { unsupported: `type ${info.name} has no exact mapping yet` };
}

function mapNumeric(typmod: number): PgMapping {
  const declared = numericTypmod(typmod);
  if (declared === undefined) {
    return { unsupported: 'numeric without a declared precision cannot be written as an exact decimal' };
  }
  if (declared.precision > MAX_DECIMAL128_PRECISION) {
    return {
      unsupported: `numeric(${declared.precision},${declared.scale}) exceeds the Decimal128 precision of 38`,
    };
  }
  if (declared.scale < 0 || declared.scale > declared.precision) {
    return {
      unsupported: `numeric(${declared.precision},${declared.scale}) has a scale Parquet cannot store`,
    };
  }
  return { type: { kind: 'decimal', precision: declared.precision, scale: declared.scale } };
}

function mapArray(info: PgTypeInfo, typmod: number, catalog: PgTypeCatalog): PgMapping {
  const element = mapPgType(info.elemType, typmod, catalog);
  if ('unsupported' in element)
    return { unsupported: `array of an unsupported element type (${element.unsupported})` };
  if (element.type.kind === 'list') return { unsupported: 'arrays of arrays are not supported' };
  // An array of text-form elements is read as `::text[]`: each element in its text form.
  if ('readAsText' in element) return { type: { kind: 'list', item: element.type }, readAsText: true };
  return { type: { kind: 'list', item: element.type } };
}
