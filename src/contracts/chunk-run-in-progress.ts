/**
 * Layer: contracts. The refusal of a plain run while the export's checkpointed chunk
 * run is unfinished — raised by the planner (before any probe) and by the engine (under
 * the lock), with one code and wording.
 */
import { RivetError } from '../common/errors.js';

export function chunkRunInProgress(exportName: string, runId: string): RivetError {
  return new RivetError(
    'RIVET_CHUNK_RUN_IN_PROGRESS',
    `export '${exportName}': chunk run ${runId} did not finish; a fresh run would export its finished chunks again`,
    {
      hint: `continue it with \`rivet run --resume\`, or discard it with \`rivet state reset --export ${exportName}\``,
    },
  );
}
