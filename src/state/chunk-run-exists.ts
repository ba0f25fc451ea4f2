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
