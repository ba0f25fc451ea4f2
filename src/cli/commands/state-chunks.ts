/**
 * Layer: cli. `rivet state chunks -c <config> -e <name>`: the latest chunk run of an
 * export and each chunk's status, bounds, attempts, rows, files and last error.
 */
import { ExitClass } from '../../common/errors.js';
import { loadConfig } from '../../config/load-config.js';
import type { ChunkRunRecord, ChunkTaskRecord } from '../../state/state.js';
import { type CliIo, line } from '../cli-io.js';
import { parseParams } from '../params.js';
import { formatCount } from '../render/format-values.js';
import { renderTable } from '../render/table.js';
import { selectExports } from '../select-exports.js';
import { openState } from '../wire.js';

export interface StateChunksFlags {
  readonly config: string;
  readonly export: string;
  readonly json: boolean;
  readonly param: readonly string[];
}

/** Longest error shown in the table; `--json` carries the whole text. */
const ERROR_WIDTH = 80;

export async function stateChunksCommand(flags: StateChunksFlags, io: CliIo): Promise<ExitClass> {
  const config = loadConfig(flags.config, { params: parseParams(flags.param), env: io.env });
  const name = selectExports(config, [flags.export], 'state')[0]!.name;
  const state = openState(config);
  try {
    const run = await state.chunks.latest(name);
    const tasks = run === undefined ? [] : await state.chunks.tasks(run.runId);
    if (flags.json) {
      line(io.stdout, JSON.stringify(run === undefined ? null : chunksJson(name, run, tasks), null, 2));
    } else if (run === undefined) {
      line(io.stdout, `No chunk checkpoint data for export '${name}'.`);
    } else {
      line(io.stdout, chunksText(run, tasks));
    }
  } finally {
    await state.close();
  }
  return ExitClass.ok;
}

function chunksJson(name: string, run: ChunkRunRecord, tasks: readonly ChunkTaskRecord[]) {
  return {
    export: name,
    run_id: run.runId,
    plan_hash: run.planHash,
    status: run.status,
    updated_at: run.updatedAt,
    tasks: tasks.map((t) => ({
      chunk_index: t.index,
      status: t.status,
      lower: t.lower,
      upper: t.upper,
      attempts: t.attempts,
      rows_written: t.rows,
      files: t.files,
      last_error: t.lastError,
    })),
  };
}

function chunksText(run: ChunkRunRecord, tasks: readonly ChunkTaskRecord[]): string {
  const header = [
    `run_id:     ${run.runId}`,
    `plan_hash:  ${run.planHash}`,
    `status:     ${run.status}`,
    `updated_at: ${run.updatedAt}`,
  ];
  const rows = tasks.map((t) => [
    String(t.index),
    t.status,
    t.lower ?? '-',
    t.upper ?? '-',
    String(t.attempts),
    formatCount(t.rows),
    String(t.files.length),
    oneLine(t.lastError),
  ]);
  const table = renderTable(['IDX', 'STATUS', 'LOWER', 'UPPER', 'ATT', 'ROWS', 'FILES', 'ERROR'], rows);
  return [...header, '', table].join('\n');
}

/** A table cell must stay on one line: newlines folded, long messages cut. */
function oneLine(error: string | null): string {
  if (error === null) return '';
  const flat = error.replace(/\s+/g, ' ').trim();
  return flat.length <= ERROR_WIDTH ? flat : `${flat.slice(0, ERROR_WIDTH - 1)}…`;
}
