/**
 * Layer: engine. Builds the ExportSummary value from what a run did.
 */
import { ExitClass, isRivetError } from '../common/errors.js';
import { redact } from '../common/redact.js';
import type { FileRecord } from '../contracts/file-record.js';
import type { ExportPlan } from '../contracts/run-plan.js';
import type { ExportStatus, ExportSummary } from '../contracts/run-summary.js';
import type { Destination } from '../destination/destination.js';

const BUG_HINT =
  'this is a bug in Rivet, not in your data or config; please report it, and re-run with --debug for the stack trace';

export interface SummaryInput {
  readonly plan: ExportPlan;
  readonly destination: Destination;
  readonly status: ExportStatus;
  /** Why a skipped run did nothing; defaults to an empty source. */
  readonly skipReason?: string;
  readonly parts: readonly FileRecord[];
  readonly progress: {
    readonly shape?: string;
    readonly warnings: readonly string[];
    readonly rows: number;
    readonly statements: number;
    readonly longestStatementMs: number;
  };
  readonly retries: number;
  readonly started: Date;
  readonly finishedAt: Date;
  readonly peakRssMb: number;
  readonly error?: unknown;
}

export function summarize(input: SummaryInput): ExportSummary {
  const { plan, parts, error } = input;
  const durationMs = Math.max(0, input.finishedAt.getTime() - input.started.getTime());
  const rows = parts.reduce((sum, p) => sum + p.rows, 0);
  const bytes = parts.reduce((sum, p) => sum + p.bytes, 0);
  const seconds = Math.max(durationMs, 1) / 1000;
  const rivetError = isRivetError(error) ? error : undefined;
  return {
    run_id: plan.runId,
    export_name: plan.exportName,
    status: input.status,
    skip_reason: input.status === 'skipped' ? (input.skipReason ?? 'source returned 0 rows') : null,
    mode: plan.mode.kind,
    started_at: plan.startedAt,
    finished_at: input.finishedAt.toISOString(),
    duration_ms: durationMs,
    source_engine: plan.sourceEngine,
    destination_kind: input.destination.kind,
    destination_uri: input.destination.uri,
    format: plan.format.kind,
    compression: plan.format.compression,
    tuning_profile: plan.tuning.profile,
    strategy: strategyLabel(plan, input.progress.shape),
    total_rows: rows,
    files_produced: parts.length,
    bytes_written: bytes,
    rows_per_second: Math.round(rows / seconds),
    mb_per_second: Math.round((bytes / 1048576 / seconds) * 100) / 100,
    peak_rss_mb: Math.round(input.peakRssMb),
    statements: input.progress.statements,
    longest_statement_ms: Math.round(input.progress.longestStatementMs),
    warnings: [...input.progress.warnings],
    retries: input.retries,
    files: parts.map((p) => ({ path: p.path, rows: p.rows, bytes: p.bytes })),
    error_code: error === undefined ? null : (rivetError?.code ?? 'RIVET_INTERNAL'),
    // Messages can quote a URL from a driver; they are stored and printed, so redacted here too.
    error_message: error === undefined ? null : redact(String((error as Error)?.message ?? error)),
    error_hint: rivetError !== undefined ? (rivetError.hint ?? null) : error === undefined ? null : BUG_HINT,
    exit_class: error === undefined ? ExitClass.ok : (rivetError?.exitClass ?? ExitClass.failed),
  };
}

/** `keyset(id)`, `scan`; a mode that slices the rows says how (`chunked range(id, 1000) ×2`). */
function strategyLabel(plan: ExportPlan, shape: string | undefined): string {
  // The source's own report wins: a window off the key reads through a cursor (PostgreSQL)
  // or pages on (window column, key) (MySQL), not on the key the plan found.
  const read =
    shape ??
    (plan.read.strategy.kind === 'keyset'
      ? `keyset(${plan.read.strategy.key.map((k) => k.name).join(',')})`
      : 'scan');
  const mode = plan.mode;
  switch (mode.kind) {
    case 'full':
      return read;
    case 'incremental':
      return `incremental(${mode.cursorColumn}) ${read}`;
    case 'time_window':
      return `time_window(${mode.column} >= ${mode.cutoff}) ${read}`;
    case 'chunked':
      return `chunked ${mode.description} ×${mode.workers} ${read}`;
  }
}
