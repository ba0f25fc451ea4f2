/**
 * Layer: cli. `rivet state files -c <config>`: the manifest ledger — every committed
 * part, newest first; a table on a terminal, JSON with `--json`.
 */
import { ExitClass } from '../../common/errors.js';
import { loadConfig } from '../../config/load-config.js';
import { type CliIo, line } from '../cli-io.js';
import { parseParams } from '../params.js';
import { formatBytes, formatCount } from '../render/format-values.js';
import { renderTable } from '../render/table.js';
import { selectExports } from '../select-exports.js';
import { openState } from '../wire.js';

export interface StateFilesFlags {
  readonly config: string;
  readonly export?: string;
  readonly last: number;
  readonly json: boolean;
  readonly param: readonly string[];
}

export async function stateFilesCommand(flags: StateFilesFlags, io: CliIo): Promise<ExitClass> {
  const config = loadConfig(flags.config, { params: parseParams(flags.param), env: io.env });
  if (flags.export !== undefined) selectExports(config, [flags.export]);
  const state = openState(config);
  try {
    const files = await state.files.list({ exportName: flags.export, limit: flags.last });
    if (flags.json) {
      const rows = files.map((f) => ({
        run_id: f.runId,
        export_name: f.exportName,
        file_name: f.path,
        uri: f.uri,
        row_count: f.rows,
        bytes: f.bytes,
        xxh3: f.xxh3,
        md5: f.md5,
        format: f.format,
        compression: f.compression,
        created_at: f.createdAt,
      }));
      line(io.stdout, JSON.stringify(rows, null, 2));
    } else if (files.length === 0) {
      line(io.stdout, 'No files recorded yet.');
    } else {
      const table = files.map((f) => [
        f.runId,
        f.path,
        formatCount(f.rows),
        formatBytes(f.bytes),
        f.xxh3,
        f.createdAt,
      ]);
      line(io.stdout, renderTable(['RUN ID', 'FILE', 'ROWS', 'SIZE', 'XXH3', 'CREATED AT'], table));
    }
  } finally {
    await state.close();
  }
  return ExitClass.ok;
}
