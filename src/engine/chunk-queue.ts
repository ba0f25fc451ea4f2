/**
 * Layer: engine. Where chunk workers get their next chunk and report it: the state's
 * checkpoint tables (`chunk_checkpoint: true`, so a crash can `--resume`), or memory.
 * Both hand a chunk to one worker only and re-offer a failed one until its attempts run out.
 */

import type { FileRecord } from '../contracts/file-record.js';
import type { ChunkUnit } from '../contracts/run-plan.js';
import type { ChunkStore } from '../state/state.js';

export interface ClaimedChunk {
  readonly unit: ChunkUnit;
  readonly attempt: number;
}

export interface ChunkQueue {
  claim(): Promise<ClaimedChunk | undefined>;
  complete(index: number, rows: number, files: readonly FileRecord[]): Promise<void>;
  fail(index: number, error: string, permanent: boolean): Promise<void>;
  /** Chunks not done, after the workers stopped. */
  unfinished(): Promise<number>;
}

export function checkpointQueue(store: ChunkStore, runId: string, now: () => Date): ChunkQueue {
  const at = () => now().toISOString();
  return {
    claim: async () => {
      const task = await store.claim(runId, at());
      if (task === undefined) return undefined;
      const window = JSON.parse(task.unit) as ChunkUnit['window'];
      return {
        unit: { index: task.index, window, lower: task.lower, upper: task.upper },
        attempt: task.attempts,
      };
    },
    complete: (index, rows, files) => store.complete(runId, index, { rows, files }, at()),
    fail: (index, error, permanent) => store.fail(runId, index, error, permanent, at()),
    unfinished: async () => (await store.tasks(runId)).filter((t) => t.status !== 'done').length,
  };
}

export function memoryQueue(units: readonly ChunkUnit[], maxAttempts: number): ChunkQueue {
  const state = units.map((unit) => ({
    unit,
    status: 'pending' as 'pending' | 'running' | 'done' | 'failed',
    attempts: 0,
  }));
  return {
    claim: async () => {
      const next = state.find(
        (t) => t.status === 'pending' || (t.status === 'failed' && t.attempts < maxAttempts),
      );
      if (next === undefined) return undefined;
      next.status = 'running';
      next.attempts++;
      return { unit: next.unit, attempt: next.attempts };
    },
    complete: async (index) => {
      state.find((t) => t.unit.index === index)!.status = 'done';
    },
    fail: async (index, _error, permanent) => {
      const task = state.find((t) => t.unit.index === index)!;
      task.status = 'failed';
      if (permanent) task.attempts = maxAttempts;
    },
    unfinished: async () => state.filter((t) => t.status !== 'done').length,
  };
}
