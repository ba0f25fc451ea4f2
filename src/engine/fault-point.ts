/**
 * Layer: engine. Test-only crash points at the commit boundaries. `RIVET_TEST_KILL_AT`
 * is read once at load (`after_file_write`, or `after_file_write:3` for the third time
 * the point is reached); when it is unset a fault point is one comparison. The process
 * dies by SIGKILL — no finally blocks, no flush — exactly like a power cut or the OOM killer.
 */
export type FaultPointName =
  | 'after_source_read'
  | 'after_file_write'
  | 'after_manifest_update'
  | 'after_cursor_commit'
  | 'after_chunk_commit';

const spec = parse(process.env.RIVET_TEST_KILL_AT);
let hits = 0;

export function faultPoint(name: FaultPointName): void {
  if (spec === undefined || spec.name !== name) return;
  hits++;
  if (hits >= spec.nth) process.kill(process.pid, 'SIGKILL');
}

function parse(value: string | undefined): { name: string; nth: number } | undefined {
  if (value === undefined || value === '') return undefined;
  const [name = '', nth = '1'] = value.split(':');
  return { name, nth: Math.max(1, Number(nth) || 1) };
}
