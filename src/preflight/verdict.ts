/**
 * Layer: preflight. Upstream's verdict and recommendation rules, as facts to match
 * (upstream-semantics §4.3–4.4), with Rivet's own memory model. Pure.
 */

export type Verdict = 'EFFICIENT' | 'ACCEPTABLE' | 'DEGRADED' | 'UNSAFE';
export type Profile = 'fast' | 'balanced' | 'safe';

export interface VerdictInput {
  /** An index serves the column the read walks or filters on. */
  readonly indexed: boolean;
  /** An incremental cursor bounds each run. */
  readonly hasCursor: boolean;
  /** The catalog's row estimate; undefined when unknown. */
  readonly rows: number | undefined;
  readonly avgRowBytes: number | undefined;
  readonly parallel: number;
}

const SMALL_TABLE_ROWS = 100_000;
export const MEMORY_BUDGET_MB = 2048;

export function verdictOf(input: VerdictInput): Verdict {
  const rows = input.rows ?? 0;
  if (input.indexed) return input.hasCursor && rows <= 10_000_000 ? 'EFFICIENT' : 'ACCEPTABLE';
  if (input.rows !== undefined && input.rows < SMALL_TABLE_ROWS) return 'ACCEPTABLE';
  if (rows <= 1_000_000) return 'DEGRADED';
  if (input.hasCursor && rows <= 50_000_000) return 'DEGRADED';
  const peak = predictedPeakMb(input.avgRowBytes, input.parallel);
  return peak !== undefined && peak <= MEMORY_BUDGET_MB ? 'DEGRADED' : 'UNSAFE';
}

/**
 * Peak RSS of a run: the Node runtime and the Parquet encoder (~160 MB, measured by
 * `npm run bench`: 220 MB for one worker on the narrow fixture, 233 MB for two) plus, per
 * worker, pages and a row group whose size grows with the row width.
 */
export function predictedPeakMb(avgRowBytes: number | undefined, parallel: number): number | undefined {
  if (avgRowBytes === undefined) return undefined;
  const perWorker = Math.min(128, Math.max(30, 30 + (avgRowBytes * 87) / 4096));
  return Math.round(160 + Math.max(1, parallel) * perWorker);
}

export function recommendedProfile(indexed: boolean, rows: number | undefined, parallel: number): Profile {
  const n = rows ?? 0;
  if (indexed) return n <= 1_000_000 ? 'fast' : n <= 10_000_000 ? 'balanced' : 'safe';
  if (n <= SMALL_TABLE_ROWS) return parallel > 1 ? 'safe' : 'balanced';
  return n <= 1_000_000 ? 'balanced' : 'safe';
}

export function recommendedParallel(
  mode: 'chunked' | 'chunked-key' | 'other',
  indexed: boolean,
  rows: number | undefined,
  configured: number,
): number {
  if (mode === 'other') return 1;
  if (mode === 'chunked-key') return configured;
  const n = rows ?? 0;
  if (n < 50_000) return 1;
  if (!indexed) return n > 5_000_000 ? 1 : 2;
  return n < 500_000 ? 2 : 4;
}
