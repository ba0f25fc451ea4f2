/**
 * Layer: engine. One run per export at a time, across processes: a lock row in state
 * with a lease kept alive by a heartbeat. A holder that stopped heartbeating, or whose
 * process is gone on this host (a SIGKILL), is taken over at once; `--force` takes over
 * a live one, with a warning.
 */
import { hostname } from 'node:os';
import { RivetError } from '../common/errors.js';
import type { ExportLockRecord } from '../state/state.js';
import type { EngineDeps } from './engine-deps.js';

const LEASE_MS = 60_000;
const HEARTBEAT_MS = 15_000;

export interface HeldLock {
  /** Aborts when the lock is lost (taken over, or its lease could not be renewed). */
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

export async function holdExportLock(
  exportName: string,
  runId: string,
  deps: Pick<EngineDeps, 'now' | 'state' | 'onEvent'>,
  force: boolean,
): Promise<HeldLock> {
  const lock = (): ExportLockRecord => {
    const now = deps.now();
    return {
      exportName,
      runId,
      pid: process.pid,
      host: hostname(),
      acquiredAt: now.toISOString(),
      heartbeatAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + LEASE_MS).toISOString(),
    };
  };
  let result = await deps.state.locks.acquire(lock());
  if (!result.acquired) {
    const holder = result.holder;
    if (!force && !isDead(holder, deps.now())) throw held(exportName, holder);
    if (force && !isDead(holder, deps.now()))
      deps.onEvent({
        type: 'warning',
        exportName,
        message: `--force: taking over the lock of run ${holder.runId} (pid ${holder.pid} on ${holder.host}), which still looks alive; if it is, both runs now write this export`,
      });
    result = await deps.state.locks.acquire(lock(), holder.runId);
    if (!result.acquired) throw held(exportName, result.holder);
  }
  const lost = new AbortController();
  let lastRenewed = deps.now().getTime();
  const timer = setInterval(() => {
    const now = deps.now();
    const expires = new Date(now.getTime() + LEASE_MS).toISOString();
    void deps.state.locks.heartbeat(exportName, runId, now.toISOString(), expires).then(
      (ours) => {
        if (ours) lastRenewed = now.getTime();
        else lost.abort(lockLost(exportName, 'another run took the export over'));
      },
      () => {
        // Not renewed before the lease runs out: someone may take over, so stop first.
        if (now.getTime() - lastRenewed > LEASE_MS - HEARTBEAT_MS)
          lost.abort(lockLost(exportName, 'its lease could not be renewed in the state'));
      },
    );
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    signal: lost.signal,
    release: async () => {
      clearInterval(timer);
      await deps.state.locks.release(exportName, runId).catch(() => undefined);
    },
  };
}

function lockLost(exportName: string, why: string): RivetError {
  return new RivetError(
    'RIVET_EXPORT_LOCK_LOST',
    `export '${exportName}': this run lost the export's lock (${why}) and stopped, so two runs never write one export`,
    { hint: 'check `rivet state show` and what else runs this export, then run it again' },
  );
}

function isDead(holder: ExportLockRecord, now: Date): boolean {
  if (Date.parse(holder.expiresAt) < now.getTime()) return true;
  if (holder.host !== hostname()) return false;
  // Our own pid: a process never holds one export twice, so this is an earlier life of the
  // pid (a container restarted as pid 1), not a live holder.
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else — alive.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function held(exportName: string, holder: ExportLockRecord): RivetError {
  return new RivetError(
    'RIVET_EXPORT_LOCKED',
    `export '${exportName}' is being run by ${holder.runId} (pid ${holder.pid} on ${holder.host}, since ${holder.acquiredAt}); two runs of one export would race on its files, cursor and checkpoints`,
    {
      hint: 'wait for that run to finish; if it is gone for good, its lease expires a minute after its last heartbeat, or pass --force to take over now',
    },
  );
}
