/**
 * Layer: config. The mode of an export (full, incremental, chunked, time_window) and
 * its rules, in upstream's order and wording; every problem is collected.
 */
import type { RawExport } from './config-schema.js';
import type { ChunkingConfig, ModeConfig } from './config-types.js';
import { parseLag } from './parse-lag.js';

export type AddProblem = (key: string | undefined, message: string, hint?: string, code?: string) => void;

const DEFAULT_CHUNK_SIZE = 100_000;

const CHUNK_KNOBS = [
  'chunk_column',
  'chunk_by_key',
  'chunk_count',
  'chunk_size_memory_mb',
  'chunk_max_attempts',
  'chunk_checkpoint',
  'keyset_incremental',
  'chunk_dense',
  'chunk_by_days',
  'chunk_null_keys',
] as const;

export function resolveMode(
  raw: RawExport,
  maxRetries: number,
  add: AddProblem,
  warn: (message: string) => void,
): ModeConfig | undefined {
  const mode = raw.mode ?? 'full';
  refuseStrayKnobs(raw, mode, add);
  // Upstream accepts it and ignores it; refusing would break configs that run there.
  if (mode !== 'chunked' && raw.parallel !== undefined && raw.parallel !== 1)
    warn(`export '${raw.name}': parallel: ${raw.parallel} has no effect outside mode: chunked`);
  switch (mode) {
    case 'full':
      return { kind: 'full' };
    case 'incremental':
      return incremental(raw, add);
    case 'time_window':
      return timeWindow(raw, add);
    case 'chunked':
      return chunked(raw, maxRetries, add);
    case 'cdc':
      add(
        'mode',
        "mode 'cdc' is not supported by this version of Rivet yet",
        'use `mode: incremental` with a cursor column for change capture by polling',
        'RIVET_CONFIG_UNSUPPORTED',
      );
      return undefined;
  }
}

function incremental(raw: RawExport, add: AddProblem): ModeConfig | undefined {
  if (raw.cursor_column === undefined) {
    add('cursor_column', 'incremental mode requires cursor_column');
    return undefined;
  }
  const coalesce = raw.incremental_cursor_mode === 'coalesce';
  if (coalesce && raw.cursor_fallback_column === undefined) {
    add('cursor_fallback_column', 'incremental_cursor_mode: coalesce requires cursor_fallback_column');
    return undefined;
  }
  let lagMs: number | undefined;
  if (raw.cursor_lag !== undefined) {
    lagMs = parseLag(raw.cursor_lag);
    if (lagMs === undefined) {
      add(
        'cursor_lag',
        `invalid cursor_lag '${raw.cursor_lag}'`,
        'use a duration such as `30s`, `5m`, `2h` or `1d`',
      );
      return undefined;
    }
  }
  return {
    kind: 'incremental',
    cursor: { column: raw.cursor_column, fallback: coalesce ? raw.cursor_fallback_column : undefined },
    lagMs,
  };
}

function timeWindow(raw: RawExport, add: AddProblem): ModeConfig | undefined {
  if (raw.time_column === undefined) {
    add('time_column', 'time_window mode requires time_column');
    return undefined;
  }
  if (raw.days_window === undefined) {
    add('days_window', 'time_window mode requires days_window');
    return undefined;
  }
  return {
    kind: 'time_window',
    column: raw.time_column,
    days: raw.days_window,
    columnType: raw.time_column_type ?? 'timestamp',
  };
}

function chunked(raw: RawExport, maxRetries: number, add: AddProblem): ModeConfig | undefined {
  const before = problemsCounter(add);
  const size = raw.chunk_size ?? DEFAULT_CHUNK_SIZE;
  if (size < 1) before.add('chunk_size', `chunked mode requires chunk_size >= 1 (got ${size})`);
  const parallel = raw.parallel ?? 1;
  if (parallel < 1) before.add('parallel', `chunked mode requires parallel >= 1 (got ${parallel})`);
  if (raw.chunk_count !== undefined && raw.chunk_count < 1)
    before.add(
      'chunk_count',
      `chunk_count must be >= 1 (got ${raw.chunk_count})`,
      undefined,
      'RIVET_CONFIG_CHUNK_COUNT_INVALID',
    );
  if (raw.chunk_by_days !== undefined && raw.chunk_by_days < 1)
    before.add(
      'chunk_by_days',
      `chunk_by_days must be at least 1 (got ${raw.chunk_by_days})`,
      undefined,
      'RIVET_CONFIG_CHUNK_BY_DAYS_INVALID',
    );
  if (raw.chunk_count !== undefined && raw.chunk_by_days !== undefined)
    before.add(
      'chunk_by_days',
      'chunk_count and chunk_by_days are mutually exclusive. Pick one: N equal ranges, or windows of N days',
    );
  refuseUnsupportedChunking(raw, before.add);
  const chunking = chunkingOf(raw, size, before.add);
  if (before.count > 0 || chunking === undefined) return undefined;
  return {
    kind: 'chunked',
    chunking,
    parallel,
    checkpoint: raw.chunk_checkpoint ?? false,
    maxAttempts: raw.chunk_max_attempts ?? maxRetries + 1,
    nullKeys: raw.chunk_null_keys ?? 'refuse',
  };
}

function chunkingOf(raw: RawExport, size: number, add: AddProblem): ChunkingConfig | undefined {
  if (raw.chunk_by_key !== undefined) {
    if (raw.chunk_column !== undefined)
      add('chunk_by_key', 'chunk_by_key and chunk_column are mutually exclusive');
    // Keyset chunks are chunk_size rows each; a count or day windows would be silently dropped.
    for (const knob of ['chunk_count', 'chunk_by_days'] as const)
      if (raw[knob] !== undefined)
        add(knob, `${knob} cannot be combined with chunk_by_key (keyset chunks hold chunk_size rows each)`);
    if (raw.table === undefined)
      add(
        'chunk_by_key',
        'chunk_by_key needs `table:` (keyset pages seek on the table’s own unique index)',
        'replace `query:` with `table: <name>`, or chunk a query with `chunk_column:`',
      );
    return { kind: 'key', column: raw.chunk_by_key, size };
  }
  if (raw.chunk_column !== undefined) {
    if (raw.chunk_count !== undefined)
      return { kind: 'count', column: raw.chunk_column, count: raw.chunk_count };
    if (raw.chunk_by_days !== undefined)
      return { kind: 'days', column: raw.chunk_column, days: raw.chunk_by_days };
    return { kind: 'range', column: raw.chunk_column, size };
  }
  for (const knob of ['chunk_count', 'chunk_by_days'] as const) {
    if (raw[knob] !== undefined) {
      add(knob, `${knob} needs chunk_column (the column to cut)`, 'add `chunk_column: <column>`');
      return undefined;
    }
  }
  if (raw.table !== undefined) return { kind: 'auto', size };
  add(
    'mode',
    'chunked mode needs a chunking strategy. Pick one:\n' +
      '  chunk_column: <int col>     # ranges of chunk_size key values\n' +
      '  chunk_column + chunk_count  # exactly N equal ranges\n' +
      '  chunk_column + chunk_by_days: N  # date windows of N days\n' +
      '  chunk_by_key: <unique col>  # keyset chunks of chunk_size rows (needs table:)\n' +
      '  Or use the `table:` shortcut and Rivet picks the primary key',
  );
  return undefined;
}

/** Shapes that are slower or less safe than what we offer; refused by name rather than ignored. */
function refuseUnsupportedChunking(raw: RawExport, add: AddProblem): void {
  const refuse = (key: string, what: string, hint: string) =>
    add(key, `${what} is not supported by this version of Rivet`, hint, 'RIVET_CONFIG_UNSUPPORTED');
  if (raw.chunk_dense !== undefined)
    refuse(
      'chunk_dense',
      '`chunk_dense` (ROW_NUMBER paging sorts the whole result on every chunk)',
      'use `chunk_by_key: <unique column>`: keyset chunks are dense without the global sort',
    );
  if (raw.chunk_size_memory_mb !== undefined)
    refuse(
      'chunk_size_memory_mb',
      '`chunk_size_memory_mb`',
      'set `chunk_size` (rows per chunk); pages inside a chunk are already sized by memory',
    );
  if (raw.keyset_incremental !== undefined)
    refuse(
      'keyset_incremental',
      '`keyset_incremental`',
      'use `mode: incremental` with the key as `cursor_column`',
    );
}

function refuseStrayKnobs(raw: RawExport, mode: NonNullable<RawExport['mode']>, add: AddProblem): void {
  if (mode !== 'incremental' && raw.cursor_lag !== undefined)
    add('cursor_lag', 'cursor_lag is only valid with mode: incremental');
  if (raw.cursor_fallback_column !== undefined && raw.incremental_cursor_mode !== 'coalesce')
    add(
      'cursor_fallback_column',
      'cursor_fallback_column is only valid with incremental_cursor_mode: coalesce',
    );
  if (mode === 'chunked') return;
  const knob =
    CHUNK_KNOBS.find((k) => raw[k] !== undefined) ??
    (raw.chunk_size !== undefined && raw.chunk_size !== DEFAULT_CHUNK_SIZE ? 'chunk_size' : undefined);
  if (knob === undefined) return;
  const modeName = { full: 'Full', incremental: 'Incremental', time_window: 'TimeWindow', cdc: 'Cdc' }[mode];
  add(
    knob,
    `\`${knob}\` requires \`mode: chunked\` — it is silently ignored in \`mode: ${modeName}\`, which runs a single unbounded snapshot over the whole table instead of chunking (the source-pressure footgun chunked mode prevents)`,
    `add \`mode: chunked\`, or remove the \`${knob}\` setting`,
  );
}

/** Counts the problems one rule group adds, so the group can tell whether it produced a value. */
function problemsCounter(add: AddProblem): { add: AddProblem; count: number } {
  const counter = {
    count: 0,
    add: ((...args: Parameters<AddProblem>) => {
      counter.count++;
      add(...args);
    }) as AddProblem,
  };
  return counter;
}
