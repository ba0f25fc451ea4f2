/**
 * Layer: state/memory. In-memory StateStore with the same contract as SQLite, for
 * engine tests. JS runs each store call to completion, so check-then-act is atomic here.
 */
import type { FileRecord } from '../../contracts/file-record.js';
import type {
  CursorRecord,
  CursorStore,
  ExportLockRecord,
  LockStore,
  MetricRecord,
  RunRecord,
  StateStore,
} from '../state.js';
import { createMemoryChunkStore } from './memory-chunk-store.js';

function newestFirst<T>(
  rows: readonly T[],
  exportName: string | undefined,
  key: (row: T) => string,
  limit: number,
): T[] {
  return rows
    .filter((row) => exportName === undefined || key(row) === exportName)
    .slice()
    .reverse()
    .slice(0, limit);
}

export function createMemoryState(): StateStore {
  const runs = new Map<string, RunRecord>();
  const files: FileRecord[] = [];
  const metrics: MetricRecord[] = [];
  const recordFile = (file: FileRecord) => {
    const at = files.findIndex((f) => f.runId === file.runId && f.path === file.path);
    if (at >= 0) files.splice(at, 1);
    files.push(file);
  };
  return {
    runs: {
      start: async (run) => {
        runs.set(run.runId, {
          ...run,
          status: 'running',
          finishedAt: null,
          rows: 0,
          files: 0,
          bytes: 0,
          errorCode: null,
          errorMessage: null,
        });
      },
      finish: async (runId, outcome) => {
        const run = runs.get(runId);
        if (run !== undefined) runs.set(runId, { ...run, ...outcome });
      },
      get: async (runId) => runs.get(runId),
      list: async ({ exportName, limit }) =>
        newestFirst([...runs.values()], exportName, (r) => r.exportName, limit),
    },
    files: {
      record: async (file) => recordFile(file),
      forRun: async (runId) => files.filter((f) => f.runId === runId),
      list: async ({ exportName, limit }) => newestFirst(files, exportName, (f) => f.exportName, limit),
    },
    metrics: {
      record: async (metric) => {
        metrics.push(metric);
      },
      list: async ({ exportName, limit }) => newestFirst(metrics, exportName, (m) => m.exportName, limit),
    },
    cursors: memoryCursorStore(),
    chunks: createMemoryChunkStore(recordFile),
    locks: memoryLockStore(),
    close: async () => undefined,
  };
}

function memoryCursorStore(): CursorStore {
  const cursors = new Map<string, CursorRecord>();
  return {
    get: async (exportName) => cursors.get(exportName),
    set: async (cursor) => {
      cursors.set(cursor.exportName, cursor);
    },
    list: async () => [...cursors.values()].sort((a, b) => compare(a.exportName, b.exportName)),
    reset: async (exportName) => cursors.delete(exportName),
  };
}

function memoryLockStore(): LockStore {
  const locks = new Map<string, ExportLockRecord>();
  return {
    get: async (exportName) => locks.get(exportName),
    acquire: async (lock, replacing) => {
      const holder = locks.get(lock.exportName);
      if (holder !== undefined && holder.runId !== replacing) return { acquired: false, holder };
      locks.set(lock.exportName, lock);
      return { acquired: true };
    },
    heartbeat: async (exportName, runId, heartbeatAt, expiresAt) => {
      const lock = locks.get(exportName);
      if (lock?.runId !== runId) return false;
      locks.set(exportName, { ...lock, heartbeatAt, expiresAt });
      return true;
    },
    release: async (exportName, runId) => {
      if (locks.get(exportName)?.runId === runId) locks.delete(exportName);
    },
  };
}

/** Plain code-unit order: what SQLite's BINARY collation gives for the ASCII names and ISO times stored here. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
