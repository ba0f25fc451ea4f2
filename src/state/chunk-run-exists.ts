/**
 * Layer: state (seam). The one error both backends raise when an export already has a
 * chunk run in progress, so the code, message and hint never drift apart.
 */
import { RivetError } from '../common/errors.js';

export function chunkRunExists(exportName: string, runId: string): RivetError {
  return new RivetError(
    'RIVET_STATE_CHUNK_RUN_EXISTS',
    `export '${exportName}' already has a chunk run in progress (${runId})`,
    {
      hint: `continue it with \`rivet run --resume\`, or discard it with \`rivet state reset --export ${exportName}\``,
    },
  );
}

/**
 * A chunk that is no longer this run's to finish: the chunk run was reset or the task
 * is not `running` any more (another process took the export over). Publishing a
 * manifest after that would vouch for a run that no longer exists.
 */
export function chunkTaskLost(runId: string, index: number): RivetError {
  return new RivetError(
    'RIVET_STATE_CHUNK_LOST',
    `chunk ${index} of run ${runId} is no longer running in the state (the chunk run was reset, or another run took the export over); this run stops without publishing a manifest`,
    { hint: 'check `rivet state chunks` and run the export again' },
  );
}
