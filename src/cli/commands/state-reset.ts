/**
 * Layer: cli. `rivet state reset -c <config> --export <name>`: forgets the export's
 * incremental cursor and chunk checkpoints, so its next run starts from scratch.
 */
import { ExitClass } from '../../common/errors.js';
import { loadConfig } from '../../config/load-config.js';
import type { EngineDeps } from '../../engine/engine-deps.js';
import { holdExportLock } from '../../engine/export-lock.js';
import type { CursorRecord, StateStore } from '../../state/state.js';
import { type CliIo, line } from '../cli-io.js';
import { confirm } from '../confirm.js';
import { parseParams } from '../params.js';
import { selectExports } from '../select-exports.js';
import { openState } from '../wire.js';

export interface StateResetFlags {
  readonly config: string;
  readonly export: string;
  readonly yes: boolean;
  readonly param: readonly string[];
}

export async function stateResetCommand(flags: StateResetFlags, io: CliIo): Promise<ExitClass> {
  const config = loadConfig(flags.config, { params: parseParams(flags.param), env: io.env });
  const name = selectExports(config, [flags.export], 'state')[0]!.name;
  // Only a person at a terminal is asked; scripts and CI reset without asking, as upstream does.
  if (io.isTTY === true && !flags.yes) {
    const question = `Reset the state of export '${name}' (cursor and chunk checkpoints)? [y/N] `;
    if (!(await confirm(io, question))) {
      line(io.stdout, 'Nothing reset.');
      return ExitClass.ok;
    }
  }
  const state = openState(config);
  try {
    // Under the export's lock: resetting under a live run would let it publish a manifest
    // for a chunk run that no longer exists, or write back the cursor just forgotten.
    const lock = await holdExportLock(name, `${name}_state_reset`, resetDeps(state, io), false);
    try {
      const cursor = await state.cursors.get(name);
      await state.cursors.reset(name);
      const chunkRuns = await state.chunks.reset(name);
      line(io.stdout, `State reset for export '${name}'${whatWasForgotten(cursor, chunkRuns)}`);
    } finally {
      await lock.release();
    }
  } finally {
    await state.close();
  }
  return ExitClass.ok;
}

function resetDeps(state: StateStore, io: CliIo): Pick<EngineDeps, 'now' | 'state' | 'onEvent'> {
  return {
    now: () => new Date(),
    state,
    onEvent: (event) => {
      if (event.type === 'warning') line(io.stderr, `WARN ${event.message}`);
    },
  };
}

function whatWasForgotten(cursor: CursorRecord | undefined, chunkRuns: number): string {
  const parts = [
    ...(cursor === undefined ? [] : [`cursor '${cursor.value}' forgotten`]),
    ...(chunkRuns === 0 ? [] : [`${chunkRuns} chunk run(s) removed`]),
  ];
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}
