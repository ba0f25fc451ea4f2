/**
 * Layer: common. Run ids and file-name stamps, always in UTC, as upstream spells them.
 */
import { randomBytes } from 'node:crypto';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `YYYYMMDD`, `HHMMSS` and `mmm` parts of an instant in UTC. */
export function utcStampParts(at: Date): { date: string; time: string; millis: string } {
  return {
    date: `${at.getUTCFullYear()}${pad(at.getUTCMonth() + 1)}${pad(at.getUTCDate())}`,
    time: `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`,
    millis: pad(at.getUTCMilliseconds(), 3),
  };
}

/** Per-export run id: `<export>_<YYYYMMDDTHHMMSS.mmm>`. */
export function makeRunId(exportName: string, at: Date): string {
  const p = utcStampParts(at);
  return `${exportName}_${p.date}T${p.time}.${p.millis}`;
}

/** `YYYY-MM-DD` of an instant in UTC (the `{date}` placeholder). */
export function utcDate(at: Date): string {
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`;
}

/** Characters outside `[A-Za-z0-9._-]` become `-` (manifest-<run_id>.json). */
export function sanitizeForFileName(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '-');
}

/** 16 lowercase hex characters of randomness (temp names, chunk nonces). */
export function randomHex16(): string {
  return randomBytes(8).toString('hex');
}
