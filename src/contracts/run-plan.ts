/**
 * Layer: contracts (leaf). The RunPlan: plain, readonly JSON data built by a pure
 * function from Config + TableFacts + now, then executed by the engine unchanged.
 */
import type { ColumnSpec } from '../types/rivet-type.js';
import type { GcsPlan, S3Plan } from './object-store-plan.js';

/** What to read: a table (by unquoted identifier parts) or an arbitrary SQL query. */
export type SourceRelation =
  | { readonly kind: 'table'; readonly schema: string | undefined; readonly name: string }
  | { readonly kind: 'query'; readonly sql: string };

/** A unique, non-null key usable for short keyset statements. */
export interface KeyColumn {
  readonly name: string;
  readonly type: ColumnSpec['type'];
}

/** Facts read from the source before planning. */
export interface TableFacts {
  readonly uniqueKey: readonly KeyColumn[] | undefined;
  /** The index that holds the key, where the engine can name it (MySQL pins it with FORCE INDEX). */
  readonly keyIndex?: string;
}

/** How one unit is read. Keyset: short key-ordered pages; scan: no usable key, read in key-less order
 * (PostgreSQL: a cursor with DECLARE + FETCH N; MySQL: one statement, only when the export allows it). */
export type ReadStrategy =
  | { readonly kind: 'keyset'; readonly key: readonly KeyColumn[]; readonly index?: string }
  | { readonly kind: 'scan' };

export interface ReadSpec {
  readonly exportName: string;
  readonly relation: SourceRelation;
  readonly columns: readonly ColumnSpec[];
  readonly strategy: ReadStrategy;
  readonly policy: ReadPolicy;
  /** Rows to read: all of them when absent (a full read), else one window of them. */
  readonly window?: ReadWindow;
}

/** One comparison of the window expression with a value. */
export interface WindowBound {
  readonly op: '>' | '>=' | '<' | '<=';
  /** The value as the source prints it (an opaque, exact string); rendered per dialect. */
  readonly value: string;
}

/**
 * A slice of the relation on one expression: an incremental cursor range, a time
 * window, a chunk. The expression is a column, or `COALESCE(column, fallback)` when
 * two are named. `nulls: 'only'` selects the rows where it IS NULL (the NULL-key chunk).
 */
export interface ReadWindow {
  readonly columns: readonly [string] | readonly [string, string];
  readonly bounds: readonly WindowBound[];
  readonly nulls?: 'only';
}

/** What the export allows the source to do when the safe read shape is not available. */
export interface ReadPolicy {
  /** A table without a usable key may be read in one long statement (MySQL: `allow_unbounded_read`). */
  readonly allowUnboundedRead: boolean;
  /** MySQL: hold one `START TRANSACTION WITH CONSISTENT SNAPSHOT` for the whole read. */
  readonly consistentSnapshot: boolean;
  /** MySQL zero dates (`0000-00-00`): NULL plus a warning count, or an error. */
  readonly zeroDates: 'null' | 'error';
  /** PostgreSQL `numeric` NaN / ±Infinity: an error naming the column, or NULL plus a warning count. */
  readonly numericSpecials: 'null' | 'error';
}

export type Compression = 'zstd' | 'snappy' | 'gzip' | 'lz4' | 'none';

export interface FormatPlan {
  readonly kind: 'parquet' | 'csv';
  readonly compression: Compression;
  /** Informational only for zstd/gzip: the Parquet writer has no level knob (recorded, not applied). */
  readonly compressionLevel: number | undefined;
  readonly maxFileBytes: number | undefined;
  readonly rowGroupRows: number | undefined;
  readonly rowGroupBytes: number;
}

export type DestinationPlan =
  | { readonly kind: 'local'; readonly directory: string }
  | S3Plan
  | GcsPlan
  | { readonly kind: 'stdout' };

export interface TuningPlan {
  readonly profile: 'fast' | 'balanced' | 'safe';
  readonly batchBytes: number;
  readonly batchRows: number;
  readonly maxBatchRows: number;
  readonly throttleMs: number;
  readonly statementTimeoutMs: number;
  readonly lockTimeoutMs: number;
  readonly targetStatementMs: number;
  readonly maxValueBytes: number;
  readonly maxRetries: number;
  readonly retryBackoffMs: number;
}

/** One chunk of a chunked export: its window and human-readable bounds. */
export interface ChunkUnit {
  readonly index: number;
  readonly window: ReadWindow;
  readonly lower: string | null;
  readonly upper: string | null;
}

export type ModePlan =
  | { readonly kind: 'full' }
  | {
      readonly kind: 'incremental';
      /** `updated_at` or `coalesce(updated_at,created_at)`: what the stored value is a value of. */
      readonly cursorColumn: string;
      /** The stored cursor (exclusive lower bound), undefined on a first run. */
      readonly previous: string | undefined;
      /** The new cursor: the window's inclusive upper bound; null when nothing is new. */
      readonly high: string | null;
    }
  | { readonly kind: 'time_window'; readonly column: string; readonly cutoff: string }
  | {
      readonly kind: 'chunked';
      /** XXH3 over the key-sorted JSON of what defines the cut; `--resume` refuses another. */
      readonly planHash: string;
      /** `range(id, 100000)`, `days(created_at, 7)`, `key(id, 100000)` — for cards and state. */
      readonly description: string;
      /** The cut; undefined when resuming: the sealed chunks in state are used. */
      readonly chunks: readonly ChunkUnit[] | undefined;
      readonly workers: number;
      readonly checkpoint: boolean;
      readonly maxAttempts: number;
    };

export interface ExportPlan {
  readonly exportName: string;
  readonly runId: string;
  readonly mode: ModePlan;
  readonly sourceEngine: string;
  readonly read: ReadSpec;
  readonly format: FormatPlan;
  readonly destination: DestinationPlan;
  readonly tuning: TuningPlan;
  readonly skipEmpty: boolean;
  /** Stamp used in part names: `<export>_<YYYYMMDD>_<HHMMSS>_<mmm>`. */
  readonly fileStem: string;
  /** Stem of chunk parts: `<export>_<YYYYMMDD>_<HHMMSS>` + `_chunk<N>_<16 hex nonce>`. */
  readonly chunkStem: string;
  readonly startedAt: string;
}

/** The read policy of an export that sets none of its keys. */
export const DEFAULT_READ_POLICY: ReadPolicy = {
  allowUnboundedRead: false,
  consistentSnapshot: false,
  zeroDates: 'null',
  numericSpecials: 'error',
};
