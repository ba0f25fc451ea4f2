/**
 * Layer: engine. The only place a part is committed (ADR-0001): the format is
 * finalized, then the destination makes the part durable and visible, then the
 * ledger records it — so no ledger row, manifest entry or cursor ever points at a
 * part that is not there.
 */
import type { FileRecord } from '../contracts/file-record.js';
import type { FormatWriter } from '../format/format.js';
import type { EngineDeps } from './engine-deps.js';
import type { HashingSink } from './hashing-sink.js';

export interface OpenPart {
  readonly key: string;
  readonly partIndex: number;
  readonly writer: FormatWriter;
  readonly sink: HashingSink;
}

export interface PartContext {
  readonly runId: string;
  readonly exportName: string;
  readonly format: 'parquet' | 'csv';
  readonly compression: string;
}

export async function commitPart(part: OpenPart, ctx: PartContext, deps: EngineDeps): Promise<FileRecord> {
  const { rows } = await part.writer.finish();
  const committed = await part.sink.inner.commit();
  const { xxh3, md5 } = await part.sink.digests();
  const record: FileRecord = {
    runId: ctx.runId,
    exportName: ctx.exportName,
    path: committed.key,
    uri: committed.uri,
    partIndex: part.partIndex,
    rows,
    bytes: part.sink.bytes,
    xxh3,
    md5,
    format: ctx.format,
    compression: ctx.compression,
    createdAt: deps.now().toISOString(),
  };
  try {
    await deps.state.files.record(record);
  } catch (error) {
    // The part is already durable; a ledger hiccup must not fail the run (ADR-0001 I7).
    deps.onEvent({
      type: 'warning',
      exportName: ctx.exportName,
      message: `could not record ${record.path} in state: ${String(error)}`,
    });
  }
  deps.onEvent({
    type: 'part-committed',
    exportName: ctx.exportName,
    path: record.path,
    rows,
    bytes: record.bytes,
  });
  return record;
}
