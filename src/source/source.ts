/**
 * Layer: source (seam). What the engine and planner need from a database, and
 * nothing more. One Source is one connection; concurrent tasks open their own.
 */
import type { ReadSpec, ReadWindow, SourceRelation, TableFacts } from '../contracts/run-plan.js';
import type { Batch } from '../types/column-data.js';
import type { ColumnSpec } from '../types/rivet-type.js';

/** A per-column type override from `columns:` (e.g. `decimal(18,2)`, `text`). */
export interface ColumnOverride {
  readonly column: string;
  readonly type: string;
}

/** Limits that keep the source safe: statement time, memory per batch, per-value ceiling. */
export interface ReadBudget {
  readonly batchBytes: number;
  readonly statementTimeoutMs: number;
  readonly lockTimeoutMs: number;
  /** Target wall time of one source statement; page sizes adapt to stay under it. */
  readonly targetStatementMs: number;
  readonly maxValueBytes: number;
  /** Pause in ms per `throttleRows` rows read (row-proportional, 0 disables). */
  readonly throttleMs: number;
  readonly throttleRows: number;
  /** Fallback rows per fetch when nothing better is known. */
  readonly batchRows: number;
  /** Hard cap on rows per statement (an explicit `batch_size`). */
  readonly maxBatchRows: number;
}

/** What one read statement did, reported for metrics and the longest-statement figure. */
export interface StatementStats {
  readonly sql: string;
  readonly ms: number;
  readonly rows: number;
}

export interface ReadOptions {
  readonly signal?: AbortSignal;
  readonly onStatement?: (stats: StatementStats) => void;
  /** Something the summary should report without failing the export (e.g. zero dates read as NULL). */
  readonly onWarning?: (message: string) => void;
}

export interface Source {
  readonly engine: string;
  /** Output columns of a relation, with overrides applied; throws naming every unsupported column. */
  describe(relation: SourceRelation, overrides: readonly ColumnOverride[]): Promise<readonly ColumnSpec[]>;
  /** Keys and size estimates of a table (undefined facts for arbitrary queries). */
  facts(relation: SourceRelation, columns: readonly ColumnSpec[]): Promise<TableFacts>;
  /**
   * Streams the relation as columnar batches inside one read-only snapshot. A batch's
   * memory is reused for the next one: it is valid until the consumer asks for more.
   */
  read(spec: ReadSpec, budget: ReadBudget, options?: ReadOptions): AsyncIterable<Batch>;
  /**
   * MIN and MAX of a window's expression over the rows of the window, as the source
   * prints them (UTC for instants). With `lagMs`, rows newer than the server's
   * `now() − lag` are left out of the MAX.
   */
  range(
    relation: SourceRelation,
    window: ReadWindow,
    columns: readonly ColumnSpec[],
    lagMs?: number,
  ): Promise<{ readonly min: string | null; readonly max: string | null }>;
  /** Whether any row has the window expression NULL (a LIMIT 1 probe). */
  hasNulls(relation: SourceRelation, window: Pick<ReadWindow, 'columns'>): Promise<boolean>;
  /** The key value every `step` rows in key order: an index walk, one short statement per value. */
  keyBoundaries(
    relation: SourceRelation,
    column: string,
    columns: readonly ColumnSpec[],
    step: number,
    signal?: AbortSignal,
  ): Promise<string[]>;
  /** The catalog's row estimate of a table; undefined for a query or an unanalyzed table. */
  estimateRows(relation: SourceRelation): Promise<number | undefined>;
  /** Connections the server can still accept (max minus reserved minus in use), if readable. */
  freeConnections(): Promise<number | undefined>;
  close(): Promise<void>;
}
