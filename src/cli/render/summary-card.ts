/**
 * Layer: cli/render. The per-export card printed on stderr at the end of a run,
 * and the aggregate table when a config has several exports.
 */
import type { ExportSummary } from '../../contracts/run-summary.js';
import { formatBytes, formatCount, formatDuration } from './format-values.js';
import { renderTable } from './table.js';

export function summaryCard(s: ExportSummary, reportPath: string | undefined): string {
  const rows: [string, string][] = [
    ['run_id', s.run_id],
    ['status', s.status === 'skipped' ? `skipped (${s.skip_reason})` : s.status],
    ['strategy', s.strategy],
    ['tuning', s.tuning_profile],
    ['rows', formatCount(s.total_rows)],
    ['files', String(s.files_produced)],
    ['bytes', formatBytes(s.bytes_written)],
    ['output', s.destination_uri],
    ['duration', formatDuration(s.duration_ms)],
    ['rows/s', formatCount(s.rows_per_second)],
    ['MB/s', s.mb_per_second.toFixed(2)],
    ['peak RSS', `${s.peak_rss_mb} MB`],
    ['statements', `${s.statements} (longest ${s.longest_statement_ms} ms)`],
  ];
  if (s.retries > 0) rows.push(['retries', String(s.retries)]);
  for (const warning of s.warnings ?? []) rows.push(['warning', warning]);
  if (s.error_message !== null) rows.push(['error', `[${s.error_code}] ${s.error_message}`]);
  if (s.error_hint !== null) rows.push(['hint', s.error_hint]);
  if (reportPath !== undefined) rows.push(['report', reportPath]);
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return [`── ${s.export_name} ──`, ...rows.map(([k, v]) => `  ${`${k}:`.padEnd(width)}${v}`)].join('\n');
}

export function aggregateTable(summaries: readonly ExportSummary[]): string {
  return renderTable(
    ['EXPORT', 'STATUS', 'ROWS', 'FILES', 'BYTES', 'DURATION', 'ROWS/S', 'MB/S'],
    summaries.map((s) => [
      s.export_name,
      s.status,
      formatCount(s.total_rows),
      String(s.files_produced),
      formatBytes(s.bytes_written),
      formatDuration(s.duration_ms),
      formatCount(s.rows_per_second),
      s.mb_per_second.toFixed(2),
    ]),
  );
}
