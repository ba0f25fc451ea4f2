/**
 * Test kit (used only by engine tests): a scripted Source that yields prepared
 * batches and can fail at batch N, plus deps built from the in-memory adapters.
 */
import { RivetError } from '../../src/common/errors.js';
import type { RunEvent } from '../../src/contracts/run-event.js';
import { DEFAULT_READ_POLICY, type ExportPlan } from '../../src/contracts/run-plan.js';
import type { MemoryDestination } from '../../src/destination/memory/memory-destination.js';
import type { EngineDeps } from '../../src/engine/engine-deps.js';
import { csvFormat } from '../../src/format/csv/csv-writer.js';
import { parquetFormat } from '../../src/format/parquet/parquet-writer.js';
import type { Source } from '../../src/source/source.js';
import type { StateStore } from '../../src/state/state.js';
import { createBuilder } from '../../src/types/column-builder.js';
import type { Batch } from '../../src/types/column-data.js';
import type { NumberBuilder } from '../../src/types/fixed-builders.js';
import type { ColumnSpec } from '../../src/types/rivet-type.js';
import type { VarBuilder } from '../../src/types/var-builder.js';

export const COLUMNS: readonly ColumnSpec[] = [
  { name: 'id', type: { kind: 'int32' }, sourceType: 'integer' },
  { name: 'name', type: { kind: 'utf8' }, sourceType: 'text' },
];

/** Rows `from`..`from + count - 1` as (id, 'name-<id>'). */
export function makeBatch(from: number, count: number): Batch {
  const ids = createBuilder(COLUMNS[0]!.type) as NumberBuilder<'int32'>;
  const names = createBuilder(COLUMNS[1]!.type) as VarBuilder;
  for (let i = from; i < from + count; i++) {
    ids.append(i);
    names.appendString(`name-${i}`);
  }
  return { schema: COLUMNS, length: count, columns: [ids.finish(), names.finish()], byteSize: count * 12 };
}

export interface ScriptedSourceOptions {
  readonly batches: readonly Batch[];
  /** Throw this error instead of yielding batch number `failAt` (0-based). */
  readonly failAt?: number;
  readonly error?: Error;
  /** Only the first `failTimes` opened connections fail. */
  readonly failTimes?: number;
}

export function scriptedSource(options: ScriptedSourceOptions): {
  open: () => Promise<Source>;
  opened: () => number;
} {
  let opened = 0;
  return {
    opened: () => opened,
    open: async () => {
      const attempt = ++opened;
      const failing =
        options.failAt !== undefined && attempt <= (options.failTimes ?? Number.POSITIVE_INFINITY);
      return {
        engine: 'fake',
        describe: async () => COLUMNS,
        inspectColumns: async () =>
          COLUMNS.map((spec) => ({ name: spec.name, sourceType: spec.sourceType, spec })),
        facts: async () => ({ uniqueKey: undefined }),
        diagnostics: unavailableDiagnostics,
        async *read(_spec, _budget, readOptions) {
          for (const [i, batch] of options.batches.entries()) {
            if (failing && i === options.failAt)
              throw options.error ?? new RivetError('RIVET_SOURCE_QUERY', 'scripted failure');
            readOptions?.onStatement?.({ sql: `page ${i}`, ms: i + 1, rows: batch.length });
            yield batch;
          }
        },
        probes: {
          range: async () => ({ min: null, max: null }),
          hasNulls: async () => false,
          keyBoundaries: async () => [],
          estimateRows: async () => undefined,
          freeConnections: async () => undefined,
        },
        close: async () => undefined,
      };
    },
  };
}

export function testDeps(
  source: () => Promise<Source>,
  destination: MemoryDestination,
  state: StateStore,
): EngineDeps & { events: RunEvent[] } {
  const events: RunEvent[] = [];
  let clock = Date.parse('2026-03-04T05:06:07.089Z');
  return {
    events,
    openSource: source,
    openDestination: () => destination,
    formats: { parquet: parquetFormat, csv: csvFormat },
    state,
    now: () => {
      clock += 7;
      return new Date(clock);
    },
    onEvent: (event) => events.push(event),
    peakRssMb: () => 42,
    sleep: async () => undefined,
  };
}

export function testPlan(
  overrides: Partial<ExportPlan> = {},
  format: Partial<ExportPlan['format']> = {},
): ExportPlan {
  return {
    exportName: 'items',
    runId: 'items_20260304T050607.089',
    mode: { kind: 'full' },
    sourceEngine: 'fake',
    read: {
      exportName: 'items',
      relation: { kind: 'table', schema: 'app', name: 'items' },
      columns: COLUMNS,
      strategy: { kind: 'scan' },
      policy: DEFAULT_READ_POLICY,
    },
    format: {
      kind: 'csv',
      compression: 'none',
      compressionLevel: undefined,
      maxFileBytes: undefined,
      rowGroupRows: undefined,
      rowGroupBytes: 1 << 20,
      ...format,
    },
    destination: { kind: 'local', directory: '/unused' },
    tuning: {
      profile: 'balanced',
      batchBytes: 1 << 20,
      batchRows: 1000,
      maxBatchRows: 1000,
      throttleMs: 0,
      statementTimeoutMs: 0,
      lockTimeoutMs: 0,
      targetStatementMs: 100,
      maxValueBytes: 1 << 20,
      maxRetries: 2,
      retryBackoffMs: 10,
    },
    skipEmpty: false,
    fileStem: 'items_20260304_050607_089',
    chunkStem: 'items_20260304_050607',
    startedAt: '2026-03-04T05:06:07.089Z',
    ...overrides,
  };
}

/** The scripted source is not asked preflight questions. */
const unavailableDiagnostics: Source['diagnostics'] = {
  listRelations: () => Promise.reject(new Error('not available')),
  server: () => Promise.reject(new Error('not available')),
  explainRead: () => Promise.reject(new Error('not available')),
  stats: () => Promise.reject(new Error('not available')),
  leadingIndex: () => Promise.reject(new Error('not available')),
  sample: () => Promise.reject(new Error('not available')),
};
