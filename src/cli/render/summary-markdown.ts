/**
 * Layer: cli/render. `summary.md`: the same run summary, readable in a browser or PR.
 */
import type { ExportSummary } from '../../contracts/run-summary.js';
import { formatBytes, formatCount, formatDuration } from './format-values.js';

export function summaryMarkdown(s: ExportSummary): string {
  const lines = [
    `# Rivet run ${s.run_id}`,
    '',
    '| field | value |',
    '|---|---|',
    `| export | ${s.export_name} |`,
    `| status | ${s.status}${s.skip_reason ? ` (${s.skip_reason})` : ''} |`,
    `| started | ${s.started_at} |`,
    `| finished | ${s.finished_at} |`,
    `| duration | ${formatDuration(s.duration_ms)} |`,
    `| source | ${s.source_engine}, ${s.strategy} |`,
    `| destination | ${s.destination_kind}: ${s.destination_uri} |`,
    `| format | ${s.format} (${s.compression}) |`,
    `| rows | ${formatCount(s.total_rows)} (${formatCount(s.rows_per_second)} rows/s) |`,
    `| bytes | ${formatBytes(s.bytes_written)} (${s.mb_per_second.toFixed(2)} MB/s) |`,
    `| peak RSS | ${s.peak_rss_mb} MB |`,
    `| statements | ${s.statements}, longest ${s.longest_statement_ms} ms |`,
    ...(s.warnings ?? []).map((w) => `| warning | ${w.replace(/\|/g, '\\|')} |`),
  ];
  if (s.error_message !== null)
    lines.push(
      `| error | \`${s.error_code}\` ${s.error_message.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
    );
  if (s.files.length > 0) {
    lines.push('', '## Files', '', '| path | rows | bytes |', '|---|---:|---:|');
    for (const f of s.files) lines.push(`| ${f.path} | ${formatCount(f.rows)} | ${formatCount(f.bytes)} |`);
  }
  return `${lines.join('\n')}\n`;
}
