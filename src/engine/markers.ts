/**
 * Layer: engine. Manifest and `_SUCCESS` (ADR-0012): parts first, then
 * `manifest-<run_id>.json` and `manifest.json`, then `_SUCCESS` carrying the XXH3 of
 * the exact manifest bytes — only on success. `_SUCCESS` is removed before a run
 * commits its first part, so a failed or killed run never leaves one vouching for it.
 */
import { sanitizeForFileName } from '../common/ids.js';
import type { FileRecord } from '../contracts/file-record.js';
import { type Manifest, manifestPart } from '../contracts/manifest.js';
import type { ExportPlan } from '../contracts/run-plan.js';
import type { Destination } from '../destination/destination.js';
import { formatRivetType } from '../types/rivet-type.js';
import { xxh3Of } from './hashing-sink.js';
import { schemaFingerprint } from './schema-fingerprint.js';

export const SUCCESS_MARKER = '_SUCCESS';
export const MANIFEST = 'manifest.json';

export interface ManifestInput {
  readonly plan: ExportPlan;
  readonly destination: Destination;
  readonly parts: readonly FileRecord[];
  readonly finishedAt: string;
  readonly status: 'success' | 'failed';
  readonly error?: { readonly code: string; readonly message: string };
}

export function buildManifest(input: ManifestInput): Manifest {
  const { plan, parts } = input;
  const relation = plan.read.relation;
  return {
    manifest_version: 1,
    run_id: plan.runId,
    export_name: plan.exportName,
    mode: 'batch',
    started_at: plan.startedAt,
    finished_at: input.finishedAt,
    status: input.status,
    ...(input.error === undefined ? {} : { error: input.error }),
    source: {
      engine: plan.sourceEngine,
      schema: relation.kind === 'table' ? (relation.schema ?? null) : null,
      table: relation.kind === 'table' ? relation.name : null,
      extraction: { strategy: 'full' },
    },
    destination: { kind: input.destination.kind, uri: input.destination.uri },
    format: plan.format.kind,
    compression: plan.format.compression,
    ...(plan.format.compressionLevel === undefined
      ? {}
      : { compression_level: plan.format.compressionLevel }),
    schema_fingerprint: schemaFingerprint(plan.read.columns),
    schema: plan.read.columns.map((c) => ({
      name: c.name,
      type: formatRivetType(c.type),
      source_type: c.sourceType,
    })),
    row_count: parts.reduce((sum, p) => sum + p.rows, 0),
    part_count: parts.length,
    // Numbered by position: chunk parts are each part 0 of their own chunk, yet distinct parts here.
    parts: parts.map((part, position) => ({ ...manifestPart(part), part_id: position })),
  };
}

/** Writes both manifests, then (on success) `_SUCCESS`; returns the manifest's XXH3. */
export async function writeMarkers(destination: Destination, manifest: Manifest): Promise<string> {
  const bytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  await destination.putObject(`manifest-${sanitizeForFileName(manifest.run_id)}.json`, bytes);
  await destination.putObject(MANIFEST, bytes);
  const hash = xxh3Of(bytes);
  // Every run removes `_SUCCESS` before it commits anything, so finding one here means another
  // writer on this prefix: create-only makes that a failure instead of a marker for the wrong run.
  if (manifest.status === 'success')
    await destination.putObject(SUCCESS_MARKER, Buffer.from(`${hash}\n`, 'utf8'), { createOnly: true });
  return hash;
}

export async function invalidateSuccess(destination: Destination): Promise<void> {
  await destination.deleteObject(SUCCESS_MARKER);
}
