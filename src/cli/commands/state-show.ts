/**
 * Layer: cli. `rivet state show -c <config>`: the stored incremental cursor of each
 * export of the config, and (text only) the chunk runs still in progress.
 */
import { ExitClass } from '../../common/errors.js';
import { loadConfig } from '../../config/load-config.js';
import type { CursorRecord, StateStore } from '../../state/state.js';
import { type CliIo, line } from '../cli-io.js';
import { parseParams } from '../params.js';
import { renderTable } from '../render/table.js';
import { selectExports } from '../select-exports.js';
import { openState } from '../wire.js';

export interface StateShowFlags {
  readonly config: string;
  readonly export?: string;
  readonly json: boolean;
  readonly param: readonly string[];
}

export async function stateShowCommand(flags: StateShowFlags, io: CliIo): Promise<ExitClass> {
  const config = loadConfig(flags.config, { params: parseParams(flags.param), env: io.env });
  const names = selectExports(config, flags.export === undefined ? [] : [flags.export], 'state').map(
    (e) => e.name,
  );
  const state = openState(config);
  try {
    // Only this config's exports: a state file may outlive exports removed from the config.
    const cursors = (await state.cursors.list()).filter((c) => names.includes(c.exportName));
    if (flags.json) {
      // Exactly upstream's array, so scripts written against upstream keep working.
      line(io.stdout, JSON.stringify(cursors.map(cursorJson), null, 2));
    } else {
      line(io.stdout, cursorText(cursors));
      for (const progress of await chunkRunsInProgress(state, names)) line(io.stdout, progress);
    }
  } finally {
    await state.close();
  }
  return ExitClass.ok;
}

function cursorJson(c: CursorRecord) {
  return {
    export_name: c.exportName,
    cursor_column: c.column,
    last_cursor_value: c.value,
    run_id: c.runId,
    updated_at: c.updatedAt,
  };
}

function cursorText(cursors: readonly CursorRecord[]): string {
  if (cursors.length === 0) {
    return 'No incremental cursor recorded yet.\n  Hint: an export with `mode: incremental` records its cursor after each successful run.';
  }
  return renderTable(
    ['EXPORT', 'CURSOR COLUMN', 'LAST CURSOR', 'RUN ID', 'UPDATED AT'],
    cursors.map((c) => [c.exportName, c.column, c.value, c.runId, c.updatedAt]),
  );
}

/** One line per export with an unfinished chunk run: what `--resume` would continue. */
async function chunkRunsInProgress(state: StateStore, names: readonly string[]): Promise<string[]> {
  const lines: string[] = [];
  for (const name of names) {
    const run = await state.chunks.inProgress(name);
    if (run === undefined) continue;
    const tasks = await state.chunks.tasks(run.runId);
    const done = tasks.filter((t) => t.status === 'done').length;
    lines.push(`${name}: chunk run in progress: ${run.runId} (${done}/${tasks.length} chunks done)`);
  }
  return lines.length === 0 ? [] : ['', ...lines];
}
