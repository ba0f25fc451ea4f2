/**
 * Layer: cli/render. The `--json` / `--summary-output` aggregate of a run, in the
 * upstream RunAggregate shape.
 */
import { utcStampParts } from '../../common/ids.js';
import type { ExportSummary } from '../../contracts/run-summary.js';

export function aggregateJson(
  configPath: string,
  started: Date,
  finished: Date,
  summaries: readonly ExportSummary[],
  parallel = false,
): string {
  const stamp = utcStampParts(started);
  const count = (status: string) => summaries.filter((s) => s.status === status).length;
  return JSON.stringify({
    run_aggregate_id: `agg_${stamp.date}T${stamp.time}${stamp.millis}`,
    started_at: started.toISOString(),
    finished_at: finished.toISOString(),
    duration_ms: finished.getTime() - started.getTime(),
    config_path: configPath,
    parallel_mode: parallel ? 'parallel-threads' : 'sequential',
    total_exports: summaries.length,
    success_count: count('success'),
    failed_count: count('failed'),
    skipped_count: count('skipped'),
    total_rows: summaries.reduce((n, s) => n + s.total_rows, 0),
    total_files: summaries.reduce((n, s) => n + s.files_produced, 0),
    total_bytes: summaries.reduce((n, s) => n + s.bytes_written, 0),
    per_export: summaries.map((s) => ({
      export_name: s.export_name,
      status: s.status,
      run_id: s.run_id,
      rows: s.total_rows,
      files: s.files_produced,
      bytes: s.bytes_written,
      duration_ms: s.duration_ms,
      mode: s.mode,
      error_code: s.error_code,
      error_message: s.error_message,
    })),
  });
}
