/**
 * Layer: types (leaf). The canonical column type every source maps to and every
 * format writes from. One definition, so Parquet, CSV and reports cannot disagree.
 */

export type RivetType =
  | { readonly kind: 'bool' }
  | { readonly kind: 'int16' }
  | { readonly kind: 'int32' }
  | { readonly kind: 'int64' }
  | { readonly kind: 'float32' }
  | { readonly kind: 'float64' }
  | { readonly kind: 'decimal'; readonly precision: number; readonly scale: number }
  | { readonly kind: 'utf8' }
  | { readonly kind: 'binary' }
  | { readonly kind: 'json' }
  | { readonly kind: 'uuid' }
  | { readonly kind: 'date' }
  | { readonly kind: 'time' }
  | { readonly kind: 'timestamp'; readonly utc: boolean }
  | { readonly kind: 'interval' }
  | { readonly kind: 'enum' }
  | { readonly kind: 'list'; readonly item: RivetType };

export type RivetTypeKind = RivetType['kind'];

/** One output column: its name, canonical type and the source's own spelling of the type. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: RivetType;
  readonly sourceType: string;
  /** Ask the source for its text rendering of this column (a `text` override). */
  readonly readAsText?: boolean;
  /** Ask the source for the column's well-known binary (MySQL spatial types, `ST_AsBinary`). */
  readonly readAsWkb?: boolean;
  /** The `columns:` override that produced this type; values are then checked against it. */
  readonly override?: string;
  /**
   * Read the column in the source's text form (or raw bytes, for a binary source) and
   * convert each value to `type` (an override across types; see source/override-converter).
   */
  readonly convert?: ColumnConversion;
  /** How faithfully source values reach `type`; absent means exact. */
  readonly fidelity?: FidelityVerdict;
}

/** How faithfully values reach the output type (the rules live in type-fidelity). */
export type Fidelity = 'exact' | 'widened' | 'compatible' | 'checked' | 'lossy' | 'unsupported';

export interface FidelityVerdict {
  readonly fidelity: Fidelity;
  readonly reason: string;
}

export interface ColumnConversion {
  /** The source type's canonical reading: the text is this type's text form. */
  readonly from: RivetType;
  readonly input: 'text' | 'bytes';
  /** Values may be rounded or truncated (a lossy override under `allow_lossy: true`). */
  readonly lossy: boolean;
}

/** Human/stable spelling used in schema fingerprints, reports and docs. */
export function formatRivetType(type: RivetType): string {
  switch (type.kind) {
    case 'decimal':
      return `decimal(${type.precision},${type.scale})`;
    case 'timestamp':
      return type.utc ? 'timestamp_tz' : 'timestamp';
    case 'list':
      return `list<${formatRivetType(type.item)}>`;
    default:
      return type.kind;
  }
}

/** Largest precision a Decimal128 column can hold. */
export const MAX_DECIMAL128_PRECISION = 38;
