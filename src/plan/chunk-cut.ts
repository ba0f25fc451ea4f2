/**
 * Layer: plan. Cutting a chunked export into windows — pure arithmetic over bounds the
 * source reported: integer ranges (`chunk_size` / `chunk_count`), half-open day windows
 * (`chunk_by_days`), keyset windows between walked key boundaries (`chunk_by_key`).
 * Refuses cuts that would hurt: too many windows, or windows mostly empty.
 */
import { RivetError } from '../common/errors.js';
import type { ChunkUnit, ReadWindow } from '../contracts/run-plan.js';

/**
 * More windows than this is a plan nobody meant: every window is a task in memory and a
 * row in the checkpoint before a single row is read (upstream allows 50,000,000).
 */
export const MAX_WINDOWS = 1_000_000;
/** A sparse plan is refused only when it is this big… */
const SPARSE_MIN_WINDOWS = 64;
/** …and has this many times more windows than the row estimate needs. */
const SPARSE_FACTOR = 4;
/** With no row estimate, this many windows only warns. */
const UNKNOWN_DENSITY_WARN_WINDOWS = 1000;

export interface CutContext {
  readonly exportName: string;
  readonly column: string;
  /** The catalog's row estimate, when it has one. */
  readonly estimate: number | undefined;
  readonly warn: (message: string) => void;
}

/** Ranges `[lo, lo + size − 1]` from min to max (inclusive, integers as exact BigInts). */
export function cutRanges(min: string, max: string, size: bigint, ctx: CutContext): ChunkUnit[] {
  const lo = BigInt(min);
  const hi = BigInt(max);
  const windows = (hi - lo) / size + 1n;
  guardWindows(windows, size, ctx);
  const units: ChunkUnit[] = [];
  for (let start = lo, index = 0; start <= hi; start += size, index++) {
    const end = start + size - 1n < hi ? start + size - 1n : hi;
    units.push(
      unit(index, ctx.column, [
        { op: '>=', value: String(start) },
        { op: '<=', value: String(end) },
      ]),
    );
  }
  return units;
}

/** `chunk_count` equal ranges: the size is the span divided by the count, rounded up. */
export function rangeSizeForCount(min: string, max: string, count: number): bigint {
  const span = BigInt(max) - BigInt(min) + 1n;
  const n = BigInt(count);
  return (span + n - 1n) / n;
}

/** Half-open day windows `[d, d + days)` covering the dates of min and max (UTC). */
export function cutDays(min: string, max: string, days: number, ctx: CutContext): ChunkUnit[] {
  const first = dayOf(min, ctx);
  const last = dayOf(max, ctx);
  const step = days * 86_400_000;
  const windows = BigInt(Math.floor((last - first) / step) + 1);
  guardWindows(windows, undefined, ctx);
  const units: ChunkUnit[] = [];
  for (let start = first, index = 0; start <= last; start += step, index++) {
    const lower = isoDay(start);
    const upper = isoDay(start + step);
    units.push(
      unit(index, ctx.column, [
        { op: '>=', value: lower },
        { op: '<', value: upper },
      ]),
    );
  }
  return units;
}

/** Keyset windows between boundaries b0 < b1 < …: `(…, b0]`, `(b0, b1]`, …, `(bn, …)`. */
export function cutKeys(boundaries: readonly string[], column: string): ChunkUnit[] {
  const units: ChunkUnit[] = [];
  for (let i = 0; i <= boundaries.length; i++) {
    const after = boundaries[i - 1];
    const through = boundaries[i];
    const bounds = [
      ...(after === undefined ? [] : [{ op: '>' as const, value: after }]),
      ...(through === undefined ? [] : [{ op: '<=' as const, value: through }]),
    ];
    units.push(unit(i, column, bounds));
  }
  return units;
}

/** The NULL-key chunk, added last so the numbering of the others does not move. */
export function nullUnit(index: number, column: string): ChunkUnit {
  return { index, window: { columns: [column], bounds: [], nulls: 'only' }, lower: 'NULL', upper: 'NULL' };
}

function unit(index: number, column: string, bounds: ReadWindow['bounds']): ChunkUnit {
  return {
    index,
    window: { columns: [column], bounds },
    lower: bounds.find((b) => b.op === '>=' || b.op === '>')?.value ?? null,
    upper: bounds.find((b) => b.op === '<=' || b.op === '<')?.value ?? null,
  };
}

function guardWindows(windows: bigint, size: bigint | undefined, ctx: CutContext): void {
  const who = `export '${ctx.exportName}'`;
  if (windows > BigInt(MAX_WINDOWS)) {
    throw new RivetError(
      'RIVET_PLAN_TOO_MANY_CHUNKS',
      `${who}: chunking '${ctx.column}' would make ${windows} windows (more than ${MAX_WINDOWS})`,
      {
        hint: 'raise chunk_size (or chunk_by_days), or use `chunk_by_key:` to cut by rows instead of key values',
      },
    );
  }
  const n = Number(windows);
  if (size === undefined) {
    // Day windows: a row estimate says nothing about how the rows spread over the days.
    if (n >= UNKNOWN_DENSITY_WARN_WINDOWS)
      ctx.warn(`chunking '${ctx.column}' makes ${n} day windows; many may be empty (raise chunk_by_days)`);
    return;
  }
  // An estimate of 0 is a table analyzed while empty (or never): it says nothing about density.
  if (ctx.estimate === undefined || ctx.estimate === 0) {
    if (n >= UNKNOWN_DENSITY_WARN_WINDOWS)
      ctx.warn(
        `chunking '${ctx.column}' makes ${n} windows and the source has no row estimate; many may be empty`,
      );
    return;
  }
  const needed = Math.max(1, Math.ceil(ctx.estimate / Number(size)));
  if (n >= SPARSE_MIN_WINDOWS && n >= SPARSE_FACTOR * needed) {
    throw new RivetError(
      'RIVET_PLAN_SPARSE_CHUNKS',
      `${who}: '${ctx.column}' is sparse — its key span needs ${n} windows of ${size} values, but the table holds about ${ctx.estimate} rows (${needed} windows would do); most statements would read nothing`,
      {
        hint: `use \`chunk_by_key: ${ctx.column}\` (chunks of chunk_size rows, however sparse the keys), or raise chunk_size`,
      },
    );
  }
}

function dayOf(text: string, ctx: CutContext): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (match === null) {
    throw new RivetError(
      'RIVET_PLAN_CHUNK_COLUMN',
      `export '${ctx.exportName}': could not read '${text}' from '${ctx.column}' as a date`,
      { hint: 'chunk_by_days needs a DATE or TIMESTAMP chunk_column' },
    );
  }
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // A MySQL zero date (0000-00-00, 2024-00-05) or a BC date has no place on the calendar the
  // windows are cut on: windows from a made-up first day would silently leave those rows out.
  if (year === 0 || month === 0 || day === 0 || /\bBC$/.test(text)) {
    throw new RivetError(
      'RIVET_PLAN_CHUNK_COLUMN',
      `export '${ctx.exportName}': chunk_column '${ctx.column}' holds '${text}', which no day window can hold; those rows would be left out`,
      {
        hint: 'set those values to NULL (and `chunk_null_keys: own_chunk`), or chunk with `chunk_column:` ranges / `chunk_by_key:`',
      },
    );
  }
  // Not Date.UTC(year, …): it maps the years 0–99 to 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
