/**
 * Layer: state (test fixtures). Records and helpers the state contract suites share.
 */
import type { FileRecord } from '../contracts/file-record.js';
import type { NewChunkTask, StateStore } from './state.js';

export const file = (runId: string, path: string, rows: number): FileRecord => ({
  runId,
  exportName: runId.split('_')[0]!,
  path,
  uri: `file:///out/${path}`,
  partIndex: 0,
  rows,
  bytes: rows * 10,
  xxh3: 'xxh3:0123456789abcdef',
  md5: 'MTIz',
  format: 'parquet',
  compression: 'zstd',
  createdAt: '2026-01-01T00:00:00.000Z',
});

export const T0 = '2026-01-01T00:00:00.000Z';
export const T1 = '2026-01-01T00:00:01.000Z';
export const T2 = '2026-01-01T00:00:02.000Z';

export const newTasks = (count: number): NewChunkTask[] =>
  Array.from({ length: count }, (_, i) => ({
    index: i,
    unit: JSON.stringify({ from: i * 100, to: (i + 1) * 100 }),
    lower: String(i * 100),
    upper: String((i + 1) * 100),
  }));

export const chunkRun = (runId: string, maxAttempts = 3, createdAt = T0) => ({
  runId,
  exportName: runId.split('_')[0]!,
  planHash: 'xxh3:plan',
  maxAttempts,
  createdAt,
});

/** Runs `body` against a fresh store and always closes it. */
export const using =
  (open: () => Promise<StateStore>, body: (state: StateStore) => Promise<void>) => async () => {
    const state = await open();
    try {
      await body(state);
    } finally {
      await state.close();
    }
  };
