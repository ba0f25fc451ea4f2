/**
 * Layer: engine. Order-insensitive fingerprint of an export's schema (rename- and
 * retype-sensitive): XXH3 over sorted `name\ttype\n` lines, as upstream computes it.
 */
import { type ColumnSpec, formatRivetType } from '../types/rivet-type.js';
import { xxh3Of } from './hashing-sink.js';

export function schemaFingerprint(columns: readonly ColumnSpec[]): string {
  const lines = columns
    .map((c) => `${c.name}\t${formatRivetType(c.type)}\n`)
    .sort()
    .join('');
  return xxh3Of(lines);
}
