/**
 * Layer: source (seam). What the engine and planner need from a database, and
 * nothing more. One Source is one connection; concurrent tasks open their own.
 */
import type { ReadSpec, SourceRelation, TableFacts } from '../contracts/run-plan.js';
import type { Batch } from '../types/column-data.js';
import type { ColumnSpec } from '../types/rivet-type.js';
import type { SourceDiagnostics } from './source-diagnostics.js';
import type { SourceProbes } from './source-probes.js';

/** A per-column type override from `columns:` (e.g. `decimal(18,2)`, `text`). */
export interface ColumnOverride {
  readonly column: string;
  readonly type: string;
  /** The export accepts overrides that round or truncate values (`allow_lossy: true`). */
  readonly allowLossy?: boolean;
  /** `--strict`: a lossy override is refused whatever `allow_lossy` says. */
  readonly strict?: boolean;
}

/** One result column as an export would write it, or why it cannot be (for reports). */
export interface ColumnOutcome {
  readonly name: string;
  readonly sourceType: string;
  readonly spec?: ColumnSpec;
  readonly problem?: string;
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

/**
 * The size the last read of the same relation ended on (a chunk worker's previous chunk),
 * so the next read's second page jumps there instead of growing 4× a page from 16 rows
 * again. The reader keeps it current.
 */
export interface PageHint {
  rows: number | undefined;
}

export interface ReadOptions {
  readonly signal?: AbortSignal;
  readonly onStatement?: (stats: StatementStats) => void;
  /** Something the summary should report without failing the export (e.g. zero dates read as NULL). */
  readonly onWarning?: (message: string) => void;
  /** Shared by consecutive reads of one relation (a worker's chunks): where page sizing resumes. */
  readonly pageHint?: PageHint;
  /** The read shape the source chose, for the summary: `keyset(updated_at,id)`, `scan`. */
  readonly onShape?: (label: string) => void;
}

export interface Source {
  readonly engine: string;
  /** Output columns of a relation, with overrides applied; throws naming every unsupported column. */
  describe(relation: SourceRelation, overrides: readonly ColumnOverride[]): Promise<readonly ColumnSpec[]>;
  /** Every output column with its spec or the reason it cannot be exported (never throws for types). */
  inspectColumns(
    relation: SourceRelation,
    overrides: readonly ColumnOverride[],
  ): Promise<readonly ColumnOutcome[]>;
  /** Keys and size estimates of a table (undefined facts for arbitrary queries). */
  facts(relation: SourceRelation, columns: readonly ColumnSpec[]): Promise<TableFacts>;
  /**
   * Streams the relation as columnar batches inside one read-only snapshot. A batch's
   * memory is reused for the next one: it is valid until the consumer asks for more.
   */
  read(spec: ReadSpec, budget: ReadBudget, options?: ReadOptions): AsyncIterable<Batch>;
  /** Short planning probes of the modes (bounds, NULLs, key boundaries, estimates). */
  readonly probes: SourceProbes;
  /** Read-only questions of `check` and `doctor` (server, plans, statistics). */
  readonly diagnostics: SourceDiagnostics;
  close(): Promise<void>;
}
