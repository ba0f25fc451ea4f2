/**
 * Layer: source (shared by the adapters). Sizes the next read statement from what the last ones
 * measured, so each stays under the statement-time target, the batch memory budget
 * and (for FETCH) work_mem — without ever growing more than 4× per step.
 */
import type { PageHint, ReadBudget } from './source.js';

export interface PageLimits {
  readonly targetMs: number;
  readonly maxBytes: number;
  readonly minRows: number;
  readonly maxRows: number;
}

export class PageSizer {
  readonly #limits: PageLimits;
  #rows: number;
  /** A size a previous read reached: the first step may jump straight to it. */
  #resumeRows: number | undefined;

  constructor(initialRows: number, limits: PageLimits, resumeRows?: number) {
    this.#limits = limits;
    this.#rows = clamp(initialRows, limits.minRows, limits.maxRows);
    this.#resumeRows = resumeRows;
  }

  get rows(): number {
    return this.#rows;
  }

  /** Feeds one statement's outcome; full pages only (a short page says nothing about the rate). */
  observe(rows: number, bytes: number, ms: number): void {
    if (rows <= 0) return;
    const byBytes = (this.#limits.maxBytes / Math.max(bytes, 1)) * rows;
    const byTime = (this.#limits.targetMs / Math.max(ms, 1)) * rows;
    // A tiny page is mostly round trip, so its rate undersells the table; the hint was measured
    // on full pages of the same relation and may stand in for it once (bytes still cap it).
    const resume = this.#resumeRows ?? 0;
    this.#resumeRows = undefined;
    const wanted = Math.max(Math.min(byBytes, byTime, this.#rows * 4), Math.min(byBytes, resume));
    this.#rows = clamp(Math.floor(wanted), this.#limits.minRows, this.#limits.maxRows);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

/** A small first page measures row width and speed; pages then grow (≤ 4× a step), so a table of
 * 1 MB rows never starts with a 1 GB page. */
const FIRST_KEYSET_PAGE_ROWS = 16;

/**
 * The sizer of keyset pages: the statement target, the batch budget, an explicit
 * `batch_size` cap. A hint (the size a worker's previous chunk ended on) is where the
 * second page may jump; the first page stays small, so a part's first batch — from which
 * the Parquet row-group size is derived — is the same however the read was resumed, and
 * equal input still gives equal bytes.
 */
export function keysetPageSizer(budget: ReadBudget, hint?: PageHint): PageSizer {
  return new PageSizer(
    FIRST_KEYSET_PAGE_ROWS,
    {
      targetMs: budget.targetStatementMs,
      maxBytes: budget.batchBytes,
      minRows: 1,
      maxRows: budget.maxBatchRows,
    },
    hint?.rows,
  );
}
