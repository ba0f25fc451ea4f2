/**
 * Layer: engine. Runs one export plan: read → format → commit parts → markers →
 * state, in the ADR-0001 order, and returns its summary as a value (a failure is a
 * failed summary, never a thrown error, so other exports still run).
 */
import { isRivetError, RivetError } from '../common/errors.js';
import type { FileRecord } from '../contracts/file-record.js';
import type { ExportPlan } from '../contracts/run-plan.js';
import type { ExportSummary } from '../contracts/run-summary.js';
import type { Destination } from '../destination/destination.js';
import type { EngineDeps } from './engine-deps.js';
import { type HeldLock, holdExportLock } from './export-lock.js';
import { faultPoint } from './fault-point.js';
import { buildManifest, invalidateSuccess, SUCCESS_MARKER, writeMarkers } from './markers.js';
import { PartWriter } from './part-writer.js';
import { type ExportProgress, newProgress, readUnit } from './read-unit.js';
import { withRetries } from './retry.js';
import { type ChunkRun, doneParts, openChunkRun, produceChunks } from './run-chunked.js';
import { summarize } from './summarize.js';

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** `--resume`: continue the export's chunk run in progress. */
  readonly resume?: boolean;
  /** `--force`: let `--resume` run into a prefix that has `_SUCCESS`. */
  readonly force?: boolean;
}

/**
 * Plans and runs one export under its lock: the lock is taken before planning, so the
 * cursor or chunk run the plan is built from cannot change under it.
 */
export async function runLocked(
  exportName: string,
  runId: string,
  deps: EngineDeps,
  force: boolean,
  fail: (error: unknown) => Promise<ExportSummary>,
  work: (lockLost: AbortSignal) => Promise<ExportSummary>,
): Promise<ExportSummary> {
  let lock: HeldLock;
  try {
    lock = await holdExportLock(exportName, runId, deps, force);
  } catch (error) {
    return fail(error);
  }
  try {
    return await work(lock.signal);
  } finally {
    await lock.release();
  }
}

export async function runExport(
  initial: ExportPlan,
  deps: EngineDeps,
  options: RunOptions = {},
): Promise<ExportSummary> {
  const started = deps.now();
  const progress = newProgress();
  const destination = deps.openDestination(initial.destination);
  let plan = initial;
  let chunkRun: ChunkRun | undefined;
  try {
    if (plan.mode.kind === 'chunked') {
      chunkRun = await openChunkRun(plan, deps, destination, options.resume ?? false);
      plan = chunkRun.plan;
    } else if (options.resume) {
      deps.onEvent({
        type: 'warning',
        exportName: plan.exportName,
        message: '--resume has no effect unless strategy is chunked with chunk_checkpoint: true',
      });
      await refuseResumeOverSuccess(plan, destination, options.force ?? false);
    }
  } catch (error) {
    await destination.close?.().catch(() => undefined);
    return failUnplannedExport(plan, deps, error);
  }
  await recordStart(plan, deps, chunkRun?.resumed ?? false);
  deps.onEvent({
    type: 'export-started',
    exportName: plan.exportName,
    runId: plan.runId,
    strategy: plan.read.strategy.kind,
  });
  if (plan.mode.kind === 'incremental' && plan.mode.high === null) {
    const reason = `no new rows since cursor '${plan.mode.cursorColumn}'`;
    return finish(plan, deps, destination, {
      status: 'skipped',
      skipReason: reason,
      parts: [],
      retries: 0,
      progress,
      started,
    });
  }
  const outcome =
    chunkRun === undefined
      ? await produce(plan, deps, destination, progress, options.signal)
      : await produceChunked(chunkRun, deps, destination, progress, options.signal);
  if (outcome.status === 'success') await commitCursor(plan, deps, progress);
  return finish(plan, deps, destination, { ...outcome, progress, started });
}

/** Upstream's gate: `--resume` must not re-run into a prefix a completed run vouches for. */
async function refuseResumeOverSuccess(
  plan: ExportPlan,
  destination: Destination,
  force: boolean,
): Promise<void> {
  if (force || !destination.capabilities.markers) return;
  if ((await destination.stat(SUCCESS_MARKER)) === undefined) return;
  throw new RivetError(
    'RIVET_RESUME_COMPLETED',
    `export '${plan.exportName}': --resume refused — destination prefix already has _SUCCESS from a prior completed run.  Re-running would overwrite a verified dataset. Pass --force to override, or use a different destination prefix.`,
  );
}

interface Outcome {
  readonly status: ExportSummary['status'];
  readonly parts: readonly FileRecord[];
  readonly retries: number;
  readonly error?: unknown;
}

async function produceChunked(
  run: ChunkRun,
  deps: EngineDeps,
  destination: Destination,
  progress: ExportProgress,
  signal: AbortSignal | undefined,
): Promise<Outcome> {
  const { plan } = run;
  try {
    const parts = await produceChunks(run, deps, destination, progress, signal);
    const skipped = parts.length === 0 && plan.skipEmpty;
    if (!skipped) await publishMarkers(plan, deps, destination, parts);
    // Every chunk is done, rows or not: a run left in progress would block the next one.
    if (plan.mode.kind === 'chunked' && plan.mode.checkpoint)
      await deps.state.chunks.finish(plan.runId, 'completed', deps.now().toISOString());
    return { status: skipped ? 'skipped' : 'success', parts, retries: 0 };
  } catch (error) {
    deps.onEvent({ type: 'export-error', exportName: plan.exportName, error });
    const parts = await doneParts(plan, deps);
    if (parts.length > 0 && destination.capabilities.markers)
      await recordFailedManifest(plan, deps, destination, parts, error);
    return { status: 'failed', parts, retries: 0, error };
  }
}

/**
 * The incremental cursor moves only now: the parts and the manifest (and _SUCCESS) are
 * durable, so a crash before this line re-reads the window (duplicates, never loss).
 */
async function commitCursor(plan: ExportPlan, deps: EngineDeps, progress: ExportProgress): Promise<void> {
  if (plan.mode.kind !== 'incremental' || plan.mode.high === null) return;
  try {
    await deps.state.cursors.set({
      exportName: plan.exportName,
      column: plan.mode.cursorColumn,
      value: plan.mode.high,
      runId: plan.runId,
      updatedAt: deps.now().toISOString(),
    });
    faultPoint('after_cursor_commit');
  } catch (error) {
    const message = `the files and manifest are written, but the cursor could not be stored (${String(error)}); the next run exports this window again`;
    progress.warnings.push(message);
    deps.onEvent({ type: 'warning', exportName: plan.exportName, message });
  }
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
        const source = await deps.openSource();
        try {
          await readUnit(plan, plan.read, source, writer, deps, progress, signal);
        } finally {
          await source.close();
        }
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
  faultPoint('after_manifest_update');
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
  await recordStart(plan, deps, false);
  deps.onEvent({ type: 'export-error', exportName: plan.exportName, error });
  const destination = deps.openDestination(plan.destination);
  const progress = newProgress();
  return finish(plan, deps, destination, {
    status: 'failed',
    parts: [],
    progress,
    retries: 0,
    started,
    error,
  });
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
async function recordStart(plan: ExportPlan, deps: EngineDeps, resumed: boolean): Promise<void> {
  // A resumed chunk run keeps its run id, whose row is already there.
  if (resumed) return;
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
  // Parts and markers are written by now; only connections remain to release.
  await destination.close?.().catch(() => undefined);
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
    mode: plan.mode.kind,
    tuningProfile: plan.tuning.profile,
    retries: summary.retries,
    statements: summary.statements,
    longestStatementMs: summary.longest_statement_ms,
    errorMessage: summary.error_message,
  });
}
