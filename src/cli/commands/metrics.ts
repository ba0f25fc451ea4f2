/**
 * Layer: cli. `rivet metrics -c <config>`: one row per run (status, rows, duration,
 * peak RSS, files, bytes, longest statement), newest first; `--json` for machines.
 */
import { ExitClass } from '../../common/errors.js';
import { loadConfig } from '../../config/load-config.js';
import { type CliIo, line } from '../cli-io.js';
import { parseParams } from '../params.js';
import { formatBytes, formatCount, formatDuration } from '../render/format-values.js';
import { renderTable } from '../render/table.js';
import { selectExports } from '../select-exports.js';
import { openState } from '../wire.js';

export interface MetricsFlags {
  readonly config: string;
  readonly export?: string;
  readonly last: number;
  readonly json: boolean;
  readonly param: readonly string[];
}

export async function metricsCommand(flags: MetricsFlags, io: CliIo): Promise<ExitClass> {
  const config = loadConfig(flags.config, { params: parseParams(flags.param), env: io.env });
  if (flags.export !== undefined) selectExports(config, [flags.export]);
  const state = openState(config);
  try {
    const metrics = await state.metrics.list({ exportName: flags.export, limit: flags.last });
    if (flags.json) {
      const rows = metrics.map((m) => ({
        export_name: m.exportName,
        run_id: m.runId,
        run_at: m.runAt,
        status: m.status,
        duration_ms: m.durationMs,
        total_rows: m.rows,
        files_produced: m.files,
        bytes_written: m.bytes,
        peak_rss_mb: m.peakRssMb,
        format: m.format,
        compression: m.compression,
        mode: m.mode,
        tuning_profile: m.tuningProfile,
        retries: m.retries,
        statements: m.statements,
        longest_statement_ms: m.longestStatementMs,
        error_message: m.errorMessage,
      }));
      line(io.stdout, JSON.stringify(rows, null, 2));
    } else if (metrics.length === 0) {
      line(io.stdout, 'No metrics recorded yet.');
    } else {
      const table = metrics.map((m) => [
        m.exportName,
        m.status,
        formatCount(m.rows),
        formatDuration(m.durationMs),
        `${Math.round(m.peakRssMb)} MB`,
        String(m.files),
        formatBytes(m.bytes),
        `${Math.round(m.longestStatementMs)} ms`,
        m.runId,
      ]);
      line(
        io.stdout,
        renderTable(
          ['EXPORT', 'STATUS', 'ROWS', 'DURATION', 'RSS', 'FILES', 'BYTES', 'LONGEST STMT', 'RUN ID'],
          table,
        ),
      );
      for (const m of metrics.filter((x) => x.errorMessage !== null))
        line(io.stdout, `  ${m.runId}  Error: ${m.errorMessage}`);
    }
  } finally {
    await state.close();
  }
  return ExitClass.ok;
}
