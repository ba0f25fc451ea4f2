/**
 * Layer: state/memory. Chunk checkpoints in memory, with SQLite's semantics: one
 * in-progress run per export, lowest-index claims, a per-run attempt budget.
 */
import type { FileRecord } from '../../contracts/file-record.js';
import { chunkRunExists, chunkTaskLost } from '../chunk-run-exists.js';
import type { ChunkRunRecord, ChunkStore, ChunkTaskRecord } from '../state.js';

export function createMemoryChunkStore(recordFile: (file: FileRecord) => void): ChunkStore {
  // Map insertion order stands in for SQLite's rowid (the tie-break of `latest`).
  const runs = new Map<string, ChunkRunRecord>();
  const tasks = new Map<string, ChunkTaskRecord[]>();
  const inProgress = (exportName: string) =>
    [...runs.values()].find((r) => r.exportName === exportName && r.status === 'in_progress');
  /** Replaces the tasks of a run matching `pick` with `change(task)`; records are immutable. */
  const update = (
    runId: string,
    pick: (t: ChunkTaskRecord) => boolean,
    change: (t: ChunkTaskRecord) => ChunkTaskRecord,
  ) => {
    const list = tasks.get(runId) ?? [];
    tasks.set(
      runId,
      list.map((t) => (pick(t) ? change(t) : t)),
    );
  };
  const touchRun = (runId: string, patch: Partial<ChunkRunRecord>) => {
    const run = runs.get(runId);
    if (run !== undefined) runs.set(runId, { ...run, ...patch });
  };
  const claimable = (t: ChunkTaskRecord, maxAttempts: number) =>
    t.status === 'pending' || (t.status === 'failed' && t.attempts < maxAttempts);

  return {
    create: async (run, newTasks) => {
      const holder = inProgress(run.exportName);
      if (holder !== undefined) throw chunkRunExists(run.exportName, holder.runId);
      // Field by field, as the SQLite columns do: extra properties of the caller's objects never leak in.
      const { runId, exportName, planHash, maxAttempts, createdAt } = run;
      runs.set(runId, {
        runId,
        exportName,
        planHash,
        status: 'in_progress',
        maxAttempts,
        createdAt,
        updatedAt: createdAt,
      });
      const records = newTasks.map(
        (t): ChunkTaskRecord => ({
          runId,
          index: t.index,
          unit: t.unit,
          lower: t.lower,
          upper: t.upper,
          status: 'pending',
          attempts: 0,
          rows: 0,
          files: [],
          lastError: null,
          updatedAt: run.createdAt,
        }),
      );
      tasks.set(
        run.runId,
        records.sort((a, b) => a.index - b.index),
      );
    },
    inProgress: async (exportName) => inProgress(exportName),
    // `>=`: among equal createdAt the later-created run wins, as SQLite's rowid tie-break does.
    latest: async (exportName) =>
      [...runs.values()].reduce<ChunkRunRecord | undefined>(
        (newest, r) =>
          r.exportName === exportName && (newest === undefined || r.createdAt >= newest.createdAt)
            ? r
            : newest,
        undefined,
      ),
    tasks: async (runId) => [...(tasks.get(runId) ?? [])],
    prepareResume: async (runId, at) => {
      update(
        runId,
        (t) => t.status === 'running' || t.status === 'failed',
        (t) => ({
          ...t,
          status: 'pending',
          attempts: t.status === 'failed' ? 0 : t.attempts,
          updatedAt: at,
        }),
      );
      touchRun(runId, { updatedAt: at });
    },
    claim: async (runId, at) => {
      const maxAttempts = runs.get(runId)?.maxAttempts ?? 0;
      const next = (tasks.get(runId) ?? []).find((t) => claimable(t, maxAttempts));
      if (next === undefined) return undefined;
      const claimed: ChunkTaskRecord = {
        ...next,
        status: 'running',
        attempts: next.attempts + 1,
        updatedAt: at,
      };
      update(
        runId,
        (t) => t.index === next.index,
        () => claimed,
      );
      return claimed;
    },
    complete: async (runId, index, result, at) => {
      const task = tasks.get(runId)?.find((t) => t.index === index);
      if (task?.status !== 'running') throw chunkTaskLost(runId, index);
      update(
        runId,
        (t) => t.index === index,
        (t) => ({
          ...t,
          status: 'done',
          rows: result.rows,
          files: result.files.map((f) => f.path),
          lastError: null,
          updatedAt: at,
        }),
      );
      for (const f of result.files) recordFile(f);
    },
    fail: async (runId, index, error, permanent, at) => {
      const maxAttempts = runs.get(runId)?.maxAttempts ?? 0;
      update(
        runId,
        (t) => t.index === index && t.status === 'running',
        (t) => ({
          ...t,
          status: 'failed',
          attempts: permanent ? maxAttempts : t.attempts,
          lastError: error,
          updatedAt: at,
        }),
      );
    },
    reopen: async (runId, index, reason, at) => {
      update(
        runId,
        (t) => t.index === index && t.status === 'done',
        (t) => ({
          ...t,
          status: 'pending',
          attempts: 0,
          rows: 0,
          files: [],
          lastError: reason,
          updatedAt: at,
        }),
      );
    },
    finish: async (runId, status, at) => touchRun(runId, { status, updatedAt: at }),
    reset: async (exportName) => {
      const doomed = [...runs.values()].filter((r) => r.exportName === exportName);
      for (const r of doomed) {
        runs.delete(r.runId);
        tasks.delete(r.runId);
      }
      return doomed.length;
    },
  };
}
