/**
 * Layer: engine. Turns a stream of batches into committed parts: opens a part on the
 * first batch, rotates when `max_file_size` is reached, and commits each part through
 * `commitPart`. An unfinished part is aborted, never left under a final name.
 */
import type { FileRecord } from '../contracts/file-record.js';
import type { ExportPlan } from '../contracts/run-plan.js';
import type { Destination } from '../destination/destination.js';
import type { Format } from '../format/format.js';
import type { Batch } from '../types/column-data.js';
import { commitPart, type OpenPart, type PartContext } from './commit-part.js';
import type { EngineDeps } from './engine-deps.js';
import { faultPoint } from './fault-point.js';
import { HashingSink } from './hashing-sink.js';

export interface PartWriterHooks {
  /** Runs once, just before the first part of the run is committed. */
  readonly beforeFirstCommit: () => Promise<void>;
  /** The key of part `partIndex`; defaults to the run's single-unit names. */
  readonly partName?: (partIndex: number) => string;
}

export class PartWriter {
  readonly #plan: ExportPlan;
  readonly #destination: Destination;
  readonly #format: Format;
  readonly #deps: EngineDeps;
  readonly #hooks: PartWriterHooks;
  readonly #ctx: PartContext;
  #open: OpenPart | undefined;
  #started = false;
  readonly committed: FileRecord[] = [];

  constructor(
    plan: ExportPlan,
    destination: Destination,
    format: Format,
    deps: EngineDeps,
    hooks: PartWriterHooks,
  ) {
    this.#plan = plan;
    this.#destination = destination;
    this.#format = format;
    this.#deps = deps;
    this.#hooks = hooks;
    this.#ctx = {
      runId: plan.runId,
      exportName: plan.exportName,
      format: plan.format.kind,
      compression: plan.format.compression,
    };
  }

  /** True once a part has been opened (on a streaming destination, bytes may be out). */
  get started(): boolean {
    return this.#started;
  }

  async write(batch: Batch): Promise<void> {
    if (batch.length === 0) return;
    this.#started = true;
    this.#open ??= await this.#openPart();
    await this.#open.writer.write(batch);
    const max = this.#plan.format.maxFileBytes;
    if (max !== undefined && this.#open.writer.bytesWritten >= max) await this.#commitOpen();
  }

  /** Commits the part in progress, if any. */
  async finish(): Promise<void> {
    if (this.#open !== undefined) await this.#commitOpen();
  }

  /** Discards the part in progress (its temp bytes are removed). */
  async abort(): Promise<void> {
    const open = this.#open;
    this.#open = undefined;
    if (open === undefined) return;
    open.writer.abort();
    open.sink.release();
    await open.sink.inner.abort().catch(() => undefined);
  }

  async #commitOpen(): Promise<void> {
    const open = this.#open!;
    if (this.committed.length === 0) await this.#hooks.beforeFirstCommit();
    this.committed.push(await commitPart(open, this.#ctx, this.#deps));
    this.#open = undefined;
    faultPoint('after_file_write');
  }

  async #openPart(): Promise<OpenPart> {
    const partIndex = this.committed.length;
    const key = this.#hooks.partName?.(partIndex) ?? partFileName(this.#plan, partIndex);
    const sink = new HashingSink(await this.#destination.open(key));
    const writer = await this.#format.open(sink, this.#plan.read.columns, {
      compression: this.#plan.format.compression,
      rowGroupBytes: this.#plan.format.rowGroupBytes,
      rowGroupRows: this.#plan.format.rowGroupRows,
    });
    return { key, partIndex, writer, sink };
  }
}

/**
 * `<export>_<YYYYMMDD>_<HHMMSS>_chunk<N>_<16 hex>.<ext>`: the nonce keeps a re-run chunk
 * from ever colliding with a part of an earlier attempt; a rotated chunk adds `_p<N>`.
 */
export function chunkPartName(
  plan: ExportPlan,
  chunkIndex: number,
  nonce: string,
  partIndex: number,
): string {
  const rotated = plan.format.maxFileBytes === undefined ? '' : `_p${partIndex}`;
  return `${plan.chunkStem}_chunk${chunkIndex}_${nonce}${rotated}.${plan.format.kind}`;
}

/**
 * `<export>_<YYYYMMDD>_<HHMMSS>_<mmm>.<ext>`; with `max_file_size` every part carries
 * `_part<N>` (known before the part is written, so a part's name never changes).
 */
export function partFileName(plan: ExportPlan, partIndex: number): string {
  const ext = plan.format.kind;
  return plan.format.maxFileBytes === undefined
    ? `${plan.fileStem}.${ext}`
    : `${plan.fileStem}_part${partIndex}.${ext}`;
}
