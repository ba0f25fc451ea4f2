/**
 * Layer: engine. The chunk scheduler: N workers, each with its own source connection,
 * take chunks from one queue; a chunk's parts are committed, then the chunk is marked
 * done (with its files, in one state transaction). The manifest lists the parts of done
 * chunks only — across `--resume`s — so a chunk cut short by a crash never counts twice.
 */

import { isRivetError, RivetError } from '../common/errors.js';
import { randomHex16 } from '../common/ids.js';
import { chunkRunInProgress } from '../contracts/chunk-run-in-progress.js';
import type { FileRecord } from '../contracts/file-record.js';
import type { ExportPlan } from '../contracts/run-plan.js';
import type { Destination } from '../destination/destination.js';
import type { PageHint, Source } from '../source/source.js';
import { type ChunkQueue, type ClaimedChunk, checkpointQueue, memoryQueue } from './chunk-queue.js';
import type { EngineDeps } from './engine-deps.js';
import { faultPoint } from './fault-point.js';
import { invalidateSuccess } from './markers.js';
import { chunkPartName, PartWriter } from './part-writer.js';
import { type ExportProgress, readUnit } from './read-unit.js';
import { runPool } from './run-pool.js';

type ChunkedMode = Extract<ExportPlan['mode'], { kind: 'chunked' }>;

export interface ChunkRun {
  readonly plan: ExportPlan;
  readonly queue: ChunkQueue;
  /** `--resume`: the plan is the run it continues (its id, names and directory). */
  readonly resumed: boolean;
}

/** Creates the chunk run (or reopens the one `--resume` continues), refusing unsafe combinations. */
export async function openChunkRun(
  plan: ExportPlan,
  deps: EngineDeps,
  destination: Destination,
  resume: boolean,
): Promise<ChunkRun> {
  const mode = chunkedMode(plan);
  const name = plan.exportName;
  if (!mode.checkpoint) {
    if (resume)
      deps.onEvent({
        type: 'warning',
        exportName: name,
        message: `--resume has no effect unless strategy is chunked with chunk_checkpoint: true`,
      });
    return { plan, queue: memoryQueue(mode.chunks ?? [], mode.maxAttempts), resumed: false };
  }
  const open = await deps.state.chunks.inProgress(name);
  if (resume) {
    if (open === undefined) {
      throw new RivetError(
        'RIVET_RESUME_NOTHING',
        `export '${name}': --resume found no chunk run in progress to continue`,
        {
          hint: 'run without --resume to start a new chunked run',
        },
      );
    }
    if (open.planHash !== mode.planHash) {
      throw new RivetError(
        'RIVET_RESUME_PLAN_CHANGED',
        `export '${name}': --resume refused — the chunk plan changed since run ${open.runId} started (plan hash ${open.planHash}, now ${mode.planHash}); its chunks would not line up with this config`,
        {
          hint: `restore the config it ran with, or discard that run with \`rivet state reset --export ${name}\` and start over`,
        },
      );
    }
    if (open.runId !== plan.runId) {
      // Planned against another run than the one in progress now (it changed under us).
      throw new RivetError(
        'RIVET_RESUME_NOTHING',
        `export '${name}': the chunk run in progress (${open.runId}) is not the one this run was planned to continue (${plan.runId})`,
        { hint: 'run `rivet run --resume` again' },
      );
    }
    await deps.state.chunks.prepareResume(open.runId, deps.now().toISOString());
    await reopenMissingParts(plan, deps, destination);
    return { plan, queue: checkpointQueue(deps.state.chunks, open.runId, deps.now), resumed: true };
  }
  if (open !== undefined) throw chunkRunInProgress(name, open.runId);
  const chunks = mode.chunks ?? [];
  await deps.state.chunks.create(
    {
      runId: plan.runId,
      exportName: name,
      planHash: mode.planHash,
      maxAttempts: mode.maxAttempts,
      createdAt: plan.startedAt,
    },
    chunks.map((c) => ({ index: c.index, unit: JSON.stringify(c.window), lower: c.lower, upper: c.upper })),
  );
  return { plan, queue: checkpointQueue(deps.state.chunks, plan.runId, deps.now), resumed: false };
}

/** Runs every chunk; returns the parts of all done chunks (this run and the ones it resumes). */
export async function produceChunks(
  run: ChunkRun,
  deps: EngineDeps,
  destination: Destination,
  progress: ExportProgress,
  signal: AbortSignal | undefined,
): Promise<readonly FileRecord[]> {
  const { plan, queue } = run;
  const mode = chunkedMode(plan);
  if (destination.capabilities.markers) await invalidateSuccess(destination);
  const done: FileRecord[] = [];
  const failures: unknown[] = [];
  const next = async () => (signal?.aborted ? undefined : queue.claim());
  await runPool(mode.workers, next, () => {
    const worker = new ChunkWorker(plan, deps, destination, queue, progress, signal);
    return {
      run: async (claimed) => {
        const outcome = await worker.run(claimed);
        if (outcome.kind === 'done') done.push(...outcome.files);
        else if (outcome.final) failures.push(outcome.error);
      },
      stop: () => worker.close(),
    };
  });
  signal?.throwIfAborted();
  if (failures.length > 0) throw failures[0];
  if (mode.checkpoint && (await deps.state.chunks.inProgress(plan.exportName))?.runId !== plan.runId) {
    // Reset (or taken over) while we ran: nothing here may vouch for it any more.
    throw new RivetError(
      'RIVET_STATE_CHUNK_LOST',
      `export '${plan.exportName}': chunk run ${plan.runId} is no longer in progress in the state (it was reset, or another run took the export over); no manifest is published`,
      { hint: 'check `rivet state chunks` and run the export again' },
    );
  }
  const unfinished = await queue.unfinished();
  if (unfinished > 0) {
    throw new RivetError(
      'RIVET_CHUNKS_UNFINISHED',
      `export '${plan.exportName}': ${unfinished} chunk(s) did not finish`,
    );
  }
  return mode.checkpoint ? doneParts(plan, deps) : done;
}

type ChunkOutcome =
  | { readonly kind: 'done'; readonly files: readonly FileRecord[] }
  | { readonly kind: 'failed'; readonly error: unknown; readonly final: boolean };

/** One worker: its own source connection, reopened after a failure (it may be broken). */
class ChunkWorker {
  #source: Source | undefined;
  /** One worker reads one relation chunk after chunk: page sizing carries over. */
  readonly #pageHint: PageHint = { rows: undefined };

  constructor(
    private readonly plan: ExportPlan,
    private readonly deps: EngineDeps,
    private readonly destination: Destination,
    private readonly queue: ChunkQueue,
    private readonly progress: ExportProgress,
    private readonly signal: AbortSignal | undefined,
  ) {}

  async run(claimed: ClaimedChunk): Promise<ChunkOutcome> {
    const { plan, deps, destination, queue, signal } = this;
    const { index, window } = claimed.unit;
    const nonce = randomHex16();
    const writer = new PartWriter(plan, destination, deps.formats[plan.format.kind], deps, {
      beforeFirstCommit: async () => undefined,
      partName: (part) => chunkPartName(plan, index, nonce, part),
    });
    try {
      this.#source ??= await deps.openSource();
      const spec = { ...plan.read, window };
      const rows = await readUnit(
        plan,
        spec,
        this.#source,
        writer,
        deps,
        this.progress,
        signal,
        this.#pageHint,
      );
      await queue.complete(index, rows, writer.committed);
      faultPoint('after_chunk_commit');
      return { kind: 'done', files: writer.committed };
    } catch (error) {
      await writer.abort();
      // A failed attempt's committed parts are not the chunk's: it is re-read whole.
      for (const part of writer.committed) await destination.deleteObject(part.path).catch(() => undefined);
      await this.close();
      const retryable = isRivetError(error) && error.retryable && signal?.aborted !== true;
      await queue.fail(index, String((error as Error)?.message ?? error), !retryable);
      const final = !retryable || claimed.attempt >= chunkedMode(plan).maxAttempts;
      if (!final) {
        deps.onEvent({
          type: 'retry',
          exportName: plan.exportName,
          attempt: claimed.attempt,
          reason: `chunk ${index}: ${String((error as Error).message)}`,
          delayMs: plan.tuning.retryBackoffMs,
        });
        await deps.sleep(plan.tuning.retryBackoffMs);
      }
      return { kind: 'failed', error, final };
    }
  }

  async close(): Promise<void> {
    const source = this.#source;
    this.#source = undefined;
    await source?.close();
  }
}

/**
 * Before a resume trusts the done chunks, their parts must still be there with the size
 * the ledger recorded (a lifecycle rule or a manual cleanup may have removed one); a chunk
 * whose part is gone or changed is read again rather than vouched for by the manifest.
 */
async function reopenMissingParts(
  plan: ExportPlan,
  deps: EngineDeps,
  destination: Destination,
): Promise<void> {
  if (!destination.capabilities.markers) return;
  const ledger = new Map((await deps.state.files.forRun(plan.runId)).map((f) => [f.path, f]));
  for (const task of await deps.state.chunks.tasks(plan.runId)) {
    if (task.status !== 'done') continue;
    for (const path of task.files) {
      const found = await destination.stat(path);
      const recorded = ledger.get(path)?.bytes;
      const problem =
        found === undefined
          ? 'is missing'
          : recorded !== undefined && found.bytes !== recorded
            ? `has ${found.bytes} bytes, the ledger recorded ${recorded}`
            : undefined;
      if (problem === undefined) continue;
      const reason = `part ${path} ${problem}; the chunk is read again`;
      await deps.state.chunks.reopen(plan.runId, task.index, reason, deps.now().toISOString());
      deps.onEvent({
        type: 'warning',
        exportName: plan.exportName,
        message: `chunk ${task.index}: ${reason}`,
      });
      break;
    }
  }
}

/** The ledger rows of the parts done chunks hold, in chunk order (none without a checkpoint). */
export async function doneParts(plan: ExportPlan, deps: EngineDeps): Promise<FileRecord[]> {
  if (plan.mode.kind !== 'chunked' || !plan.mode.checkpoint) return [];
  const tasks = await deps.state.chunks.tasks(plan.runId);
  const ledger = new Map((await deps.state.files.forRun(plan.runId)).map((f) => [f.path, f]));
  return tasks
    .filter((t) => t.status === 'done')
    .sort((a, b) => a.index - b.index)
    .flatMap((t) => t.files.map((path) => ledger.get(path)).filter((f): f is FileRecord => f !== undefined));
}

function chunkedMode(plan: ExportPlan): ChunkedMode {
  if (plan.mode.kind !== 'chunked') throw new Error(`export '${plan.exportName}' is not chunked`);
  return plan.mode;
}
