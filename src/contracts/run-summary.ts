/**
 * Layer: contracts. The outcome of one export run: what `summary.json` holds,
 * what the human card shows and what `--json` aggregates.
 */
export type ExportStatus = 'success' | 'failed' | 'skipped';

export interface ExportSummary {
  readonly run_id: string;
  readonly export_name: string;
  readonly status: ExportStatus;
  readonly skip_reason: string | null;
  readonly started_at: string;
  readonly finished_at: string;
  readonly duration_ms: number;
  readonly source_engine: string;
  readonly destination_kind: string;
  readonly destination_uri: string;
  readonly format: string;
  readonly compression: string;
  readonly tuning_profile: string;
  /** full, incremental, chunked or time_window. */
  readonly mode: string;
  readonly strategy: string;
  readonly total_rows: number;
  readonly files_produced: number;
  readonly bytes_written: number;
  readonly rows_per_second: number;
  readonly mb_per_second: number;
  readonly peak_rss_mb: number;
  readonly statements: number;
  readonly longest_statement_ms: number;
  readonly retries: number;
  /** Non-fatal findings of the read (e.g. MySQL zero dates exported as NULL), one line each. */
  readonly warnings: readonly string[];
  readonly files: readonly { readonly path: string; readonly rows: number; readonly bytes: number }[];
  readonly error_code: string | null;
  readonly error_message: string | null;
  readonly error_hint: string | null;
  readonly exit_class: number;
}
