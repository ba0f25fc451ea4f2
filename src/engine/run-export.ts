/**
 * Layer: engine. Runs one export plan: read → format → commit parts → markers →
 * state, in the ADR-0001 order, and returns its summary as a value (a failure is a
 * failed summary, never a thrown error, so other exports still run).
 */
import { isRivetError } from '../common/errors.js';
import type { FileRecord } from '../contracts/file-record.js';
import type { ExportPlan } from '../contracts/run-plan.js';
import type { ExportSummary } from '../contracts/run-summary.js';
import type { Destination } from '../destination/destination.js';
import type { StatementStats } from '../source/source.js';
import type { EngineDeps } from './engine-deps.js';
import { buildManifest, invalidateSuccess, writeMarkers } from './markers.js';
import { PartWriter } from './part-writer.js';
import { withRetries } from './retry.js';
import { summarize } from './summarize.js';

export interface ExportProgress {
  rows: number;
  statements: number;
  longestStatementMs: number;
  /** Findings the source reported for this attempt (e.g. zero dates read as NULL). */
  warnings: string[];
}

export async function runExport(
  plan: ExportPlan,
  deps: EngineDeps,
  signal?: AbortSignal,
): Promise<ExportSummary> {
  const started = deps.now();
  const progress: ExportProgress = { rows: 0, statements: 0, longestStatementMs: 0, warnings: [] };
  await recordStart(plan, deps);
  deps.onEvent({
    type: 'export-started',
    exportName: plan.exportName,
    runId: plan.runId,
    strategy: plan.read.strategy.kind,
  });
  const destination = deps.openDestination(plan.destination);
  const outcome = await produce(plan, deps, destination, progress, signal);
  return finish(plan, deps, destination, { ...outcome, progress, started });
}

interface Outcome {
  readonly status: ExportSummary['status'];
  readonly parts: readonly FileRecord[];
  readonly retries: number;
  readonly error?: unknown;
}

/** Reads and commits the parts (retrying while that cannot duplicate rows), then the markers. */
async function produce(
  plan: ExportPlan,
  deps: EngineDeps,
  destination: Destination,
  progress: ExportProgress,
  signal: AbortSignal | undefined,
): Promise<Outcome> {
  let writer: PartWriter | undefined;
  let retries = 0;
  try {
    const { value } = await withRetries(
      async () => {
        await writer?.abort(); // a failed attempt's unfinished part is discarded, not leaked
        progress.rows = 0;
        progress.warnings = [];
        writer = new PartWriter(plan, destination, deps.formats[plan.format.kind], deps, {
          beforeFirstCommit: async () => {
            if (destination.capabilities.markers) await invalidateSuccess(destination);
          },
        });
        await extract(plan, deps, writer, progress, signal);
        return writer;
      },
      { maxRetries: plan.tuning.maxRetries, backoffMs: plan.tuning.retryBackoffMs },
      {
        // A retry re-reads from the start: once a part is committed — or, on a streaming
        // destination, once any byte went out — that would duplicate rows.
        canRetry: () =>
          writer === undefined ||
          (writer.committed.length === 0 &&
            !(destination.capabilities.commit === 'streaming' && writer.started)),
        onRetry: (attempt, error, delayMs) => {
          retries = attempt;
          deps.onEvent({
            type: 'retry',
            exportName: plan.exportName,
            attempt,
            reason: String((error as Error).message),
            delayMs,
          });
        },
        sleep: deps.sleep,
      },
    );
    const parts = value.committed;
    if (parts.length === 0 && plan.skipEmpty) return { status: 'skipped', parts, retries };
    await publishMarkers(plan, deps, destination, parts);
    return { status: 'success', parts, retries };
  } catch (error) {
    deps.onEvent({ type: 'export-error', exportName: plan.exportName, error });
    await writer?.abort();
    const parts = writer?.committed ?? [];
    if (parts.length > 0 && destination.capabilities.markers)
      await recordFailedManifest(plan, deps, destination, parts, error);
    return { status: 'failed', parts, retries, error };
  }
}

async function publishMarkers(
  plan: ExportPlan,
  deps: EngineDeps,
  destination: Destination,
  parts: readonly FileRecord[],
): Promise<void> {
  if (!destination.capabilities.markers) return;
  if (parts.length === 0) await invalidateSuccess(destination);
  const manifest = buildManifest({
    plan,
    destination,
    parts,
    finishedAt: deps.now().toISOString(),
    status: 'success',
  });
  await writeMarkers(destination, manifest);
}

/**
 * Records an export that failed before it could be planned (unreachable source,
 * unsupported column types): a failed run row and metric, and its summary.
 */
export async function failUnplannedExport(
  plan: ExportPlan,
  deps: EngineDeps,
  error: unknown,
): Promise<ExportSummary> {
  const started = deps.now();
  await recordStart(plan, deps);
  deps.onEvent({ type: 'export-error', exportName: plan.exportName, error });
  const destination = deps.openDestination(plan.destination);
  const progress: ExportProgress = { rows: 0, statements: 0, longestStatementMs: 0, warnings: [] };
  return finish(plan, deps, destination, {
    status: 'failed',
    parts: [],
    progress,
    retries: 0,
    started,
    error,
  });
}

async function extract(
  plan: ExportPlan,
  deps: EngineDeps,
  writer: PartWriter,
  progress: ExportProgress,
  signal: AbortSignal | undefined,
): Promise<void> {
  const source = await deps.openSource();
  const onStatement = (s: StatementStats) => {
    progress.statements++;
    progress.longestStatementMs = Math.max(progress.longestStatementMs, s.ms);
  };
  try {
    const budget = { ...plan.tuning, throttleRows: plan.tuning.batchRows };
    const onWarning = (message: string) => {
      progress.warnings.push(message);
      deps.onEvent({
        type: 'warning',
        exportName: plan.exportName,
        message: `export '${plan.exportName}': ${message}`,
      });
    };
    for await (const batch of source.read(plan.read, budget, { signal, onStatement, onWarning })) {
      await writer.write(batch);
      progress.rows += batch.length;
      deps.onEvent({
        type: 'batch-read',
        exportName: plan.exportName,
        rows: batch.length,
        totalRows: progress.rows,
      });
    }
    await writer.finish();
  } finally {
    await source.close();
  }
}

async function recordFailedManifest(
  plan: ExportPlan,
  deps: EngineDeps,
  destination: Destination,
  parts: readonly FileRecord[],
  error: unknown,
): Promise<void> {
  const code = isRivetError(error) ? error.code : 'RIVET_INTERNAL';
  // The markers may be half-written (a failure after the manifest): no _SUCCESS may survive.
  await invalidateSuccess(destination).catch(() => undefined);
  const manifest = buildManifest({
    plan,
    destination,
    parts,
    finishedAt: deps.now().toISOString(),
    status: 'failed',
    error: { code, message: String((error as Error)?.message ?? error) },
  });
  await writeMarkers(destination, manifest).catch((markerError: unknown) =>
    deps.onEvent({
      type: 'warning',
      exportName: plan.exportName,
      message: `could not write the failed manifest: ${String(markerError)}`,
    }),
  );
}

/** State is the record, not the product: a failure to write it is a warning (ADR-0001 I7). */
async function recordStart(plan: ExportPlan, deps: EngineDeps): Promise<void> {
  try {
    await deps.state.runs.start({
      runId: plan.runId,
      exportName: plan.exportName,
      startedAt: plan.startedAt,
    });
  } catch (error) {
    deps.onEvent({
      type: 'warning',
      exportName: plan.exportName,
      message: `could not record the run start in state: ${String(error)}`,
    });
  }
}

async function finish(
  plan: ExportPlan,
  deps: EngineDeps,
  destination: Destination,
  result: Omit<Parameters<typeof summarize>[0], 'plan' | 'destination' | 'finishedAt' | 'peakRssMb'>,
): Promise<ExportSummary> {
  const summary = summarize({
    ...result,
    plan,
    destination,
    finishedAt: deps.now(),
    peakRssMb: deps.peakRssMb(),
  });
  try {
    await recordOutcome(plan, deps, summary);
  } catch (error) {
    // The files and markers are already what the summary says; a state hiccup must not hide that.
    deps.onEvent({
      type: 'warning',
      exportName: plan.exportName,
      message: `could not record the run in state: ${String(error)}`,
    });
  }
  deps.onEvent({ type: 'export-finished', exportName: plan.exportName, status: summary.status });
  return summary;
}

async function recordOutcome(plan: ExportPlan, deps: EngineDeps, summary: ExportSummary): Promise<void> {
  await deps.state.runs.finish(plan.runId, {
    status: summary.status,
    finishedAt: summary.finished_at,
    rows: summary.total_rows,
    files: summary.files_produced,
    bytes: summary.bytes_written,
    errorCode: summary.error_code,
    errorMessage: summary.error_message,
  });
  await deps.state.metrics.record({
    runId: plan.runId,
    exportName: plan.exportName,
    runAt: plan.startedAt,
    status: summary.status,
    durationMs: summary.duration_ms,
    rows: summary.total_rows,
    files: summary.files_produced,
    bytes: summary.bytes_written,
    peakRssMb: summary.peak_rss_mb,
    format: summary.format,
    compression: summary.compression,
    mode: plan.mode,
    tuningProfile: plan.tuning.profile,
    retries: summary.retries,
    statements: summary.statements,
    longestStatementMs: summary.longest_statement_ms,
    errorMessage: summary.error_message,
  });
}
