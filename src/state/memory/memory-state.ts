/**
 * Layer: state/memory. In-memory StateStore with the same contract as SQLite, for
 * engine tests.
 */
import type { FileRecord } from '../../contracts/file-record.js';
import type { MetricRecord, RunRecord, StateStore } from '../state.js';

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
      record: async (file) => {
        const at = files.findIndex((f) => f.runId === file.runId && f.path === file.path);
        if (at >= 0) files.splice(at, 1);
        files.push(file);
      },
      forRun: async (runId) => files.filter((f) => f.runId === runId),
      list: async ({ exportName, limit }) => newestFirst(files, exportName, (f) => f.exportName, limit),
    },
    metrics: {
      record: async (metric) => {
        metrics.push(metric);
      },
      list: async ({ exportName, limit }) => newestFirst(metrics, exportName, (m) => m.exportName, limit),
    },
    close: async () => undefined,
  };
}
