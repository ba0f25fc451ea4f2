/**
 * Layer: plan. Config + facts read from the source + now → the ExportPlan the engine
 * executes unchanged. Pure: no I/O, no clock (now is passed in).
 */
import { makeRunId, utcDate, utcStampParts } from '../common/ids.js';
import type { DestinationConfig, ExportConfig } from '../config/config-types.js';
import type { DestinationPlan, ExportPlan, ReadStrategy, TableFacts } from '../contracts/run-plan.js';
import type { ColumnSpec } from '../types/rivet-type.js';
import type { ModeFacts } from './mode-facts.js';

/**
 * A batch lives in the process about four times over at its peak (decoded columns, the
 * Arrow IPC copy, the WASM copy, encoder buffers), so `batch_size_memory_mb` — the
 * memory a batch may take — becomes pages of a quarter of it.
 */
export const PIPELINE_COPIES = 4;

/** Each source statement aims at this wall time; pages are resized to stay under it. */
export const TARGET_STATEMENT_MS = 100;

export interface ExportFacts {
  readonly columns: readonly ColumnSpec[];
  readonly table: TableFacts;
  /** What the mode's probes found; absent for an export that failed before planning. */
  readonly mode?: ModeFacts;
}

export function buildExportPlan(
  config: ExportConfig,
  facts: ExportFacts,
  engine: string,
  clock: Date,
): ExportPlan {
  // A resumed chunk run is the run it continues: same id, same names, same `{date}` directory.
  const resumeOf = facts.mode?.resumeOf;
  const now = resumeOf === undefined ? clock : new Date(resumeOf.startedAt);
  const strategy: ReadStrategy =
    facts.table.uniqueKey !== undefined
      ? { kind: 'keyset', key: facts.table.uniqueKey, index: facts.table.keyIndex }
      : { kind: 'scan' };
  const stamp = utcStampParts(now);
  const t = config.tuning;
  return {
    exportName: config.name,
    runId: resumeOf?.runId ?? makeRunId(config.name, now),
    mode: facts.mode?.mode ?? { kind: 'full' },
    sourceEngine: engine,
    read: {
      exportName: config.name,
      relation: config.relation,
      columns: facts.columns,
      strategy,
      policy: config.readPolicy,
      ...(facts.mode?.window === undefined ? {} : { window: facts.mode.window }),
    },
    format: {
      kind: config.format,
      compression: config.compression,
      compressionLevel: config.compressionLevel,
      maxFileBytes: config.maxFileBytes,
      rowGroupRows: config.rowGroupRows,
      // A part cannot close before its row group flushes, so groups never exceed the part size.
      rowGroupBytes: Math.min(config.rowGroupBytes, config.maxFileBytes ?? Number.MAX_SAFE_INTEGER),
    },
    destination: destinationPlan(config.destination, config.name, now),
    tuning: {
      profile: t.profile,
      batchBytes: Math.floor(t.batchBytes / PIPELINE_COPIES),
      batchRows: t.batchRows,
      maxBatchRows: t.batchRowsExplicit ? t.batchRows : 1_000_000,
      throttleMs: t.throttleMs,
      statementTimeoutMs: t.statementTimeoutMs,
      lockTimeoutMs: t.lockTimeoutMs,
      targetStatementMs: TARGET_STATEMENT_MS,
      maxValueBytes: t.maxValueBytes,
      maxRetries: t.maxRetries,
      retryBackoffMs: t.retryBackoffMs,
    },
    skipEmpty: config.skipEmpty,
    fileStem: `${config.name}_${stamp.date}_${stamp.time}_${stamp.millis}`,
    chunkStem: `${config.name}_${stamp.date}_${stamp.time}`,
    startedAt: now.toISOString(),
  };
}

/** Placeholders (`{export}`, `{date}`) resolved in the local path or the object-store prefix. */
export function destinationPlan(d: DestinationConfig, exportName: string, now: Date): DestinationPlan {
  switch (d.kind) {
    case 'stdout':
      return d;
    case 'local':
      return { kind: 'local', directory: resolvePlaceholders(d.path, exportName, now) };
    default:
      return { ...d, prefix: resolvePlaceholders(d.prefix, exportName, now) };
  }
}

/** `{date}` → UTC run day, `{export}` and `{table}` → export name; other tokens stay verbatim. */
export function resolvePlaceholders(path: string, exportName: string, now: Date): string {
  return path
    .replaceAll('{date}', utcDate(now))
    .replaceAll('{export}', exportName)
    .replaceAll('{table}', exportName);
}
