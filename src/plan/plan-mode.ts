/**
 * Layer: plan. The I/O half of planning a mode: the stored cursor and the new high-water
 * mark (incremental), the cutoff (time_window), the chunk cut (chunked) — each from
 * short probes through the Source seam and the state, never a scan or a count.
 */
import { RivetError } from '../common/errors.js';
import { stableHash } from '../common/stable-hash.js';
import type { ChunkingConfig, ExportConfig } from '../config/config-types.js';
import { chunkRunInProgress } from '../contracts/chunk-run-in-progress.js';
import type { ChunkUnit, ModePlan, ReadWindow, TableFacts } from '../contracts/run-plan.js';
import type { Source } from '../source/source.js';
import type { StateStore } from '../state/state.js';
import type { ColumnSpec } from '../types/rivet-type.js';
import { cutDays, cutKeys, cutRanges, nullUnit, rangeSizeForCount } from './chunk-cut.js';

export interface ModeFacts {
  readonly mode: ModePlan;
  /** The rows a single-unit run reads (incremental, time_window); chunks carry their own. */
  readonly window: ReadWindow | undefined;
  readonly warnings: readonly string[];
  /** `--resume`: the chunk run this run continues — its id, and the instant its names and paths came from. */
  readonly resumeOf?: { readonly runId: string; readonly startedAt: string };
}

export interface ModeContext {
  readonly source: Source;
  readonly state: StateStore;
  readonly columns: readonly ColumnSpec[];
  readonly table: TableFacts;
  readonly now: Date;
  /** `run --resume`: a chunk run in progress keeps its sealed cut. */
  readonly resume: boolean;
  readonly signal?: AbortSignal;
}

export async function planMode(config: ExportConfig, ctx: ModeContext): Promise<ModeFacts> {
  const mode = config.mode;
  switch (mode.kind) {
    case 'full':
      return { mode, window: undefined, warnings: [] };
    case 'incremental':
      return planIncremental(config, mode, ctx);
    case 'time_window':
      return planTimeWindow(config, mode, ctx);
    case 'chunked':
      return planChunked(config, mode, ctx);
  }
}

type Incremental = Extract<ExportConfig['mode'], { kind: 'incremental' }>;

async function planIncremental(
  config: ExportConfig,
  mode: Incremental,
  ctx: ModeContext,
): Promise<ModeFacts> {
  const { column, fallback } = mode.cursor;
  const cursorColumn = fallback === undefined ? column : `coalesce(${column},${fallback})`;
  for (const name of [column, fallback])
    if (name !== undefined) requireColumn(config, ctx.columns, name, 'cursor');
  if (mode.lagMs !== undefined) requireLaggable(config, ctx.columns, column);
  const stored = await ctx.state.cursors.get(config.name);
  if (stored !== undefined && stored.column !== cursorColumn) {
    throw new RivetError(
      'RIVET_STATE_CURSOR_CHANGED',
      `export '${config.name}': the stored cursor is a value of '${stored.column}', but the export now uses '${cursorColumn}'`,
      {
        hint: `reset the cursor with \`rivet state reset --export ${config.name}\` (the next run re-exports everything)`,
      },
    );
  }
  const columns = (fallback === undefined ? [column] : [column, fallback]) as ReadWindow['columns'];
  const after: ReadWindow = {
    columns,
    bounds: stored === undefined ? [] : [{ op: '>', value: stored.value }],
  };
  const { max } = await ctx.source.probes.range(config.relation, after, ctx.columns, mode.lagMs);
  const warnings: string[] = [];
  // Only a warning: a probe that times out on an unindexed column must not fail the export.
  const nulls =
    stored === undefined &&
    (await ctx.source.probes.hasNulls(config.relation, { columns }).catch(() => false));
  if (nulls) {
    warnings.push(
      `rows whose ${cursorColumn} is NULL are never exported by incremental mode (they cannot be ordered against the cursor)`,
    );
  }
  const window: ReadWindow | undefined =
    max === null ? undefined : { columns, bounds: [...after.bounds, { op: '<=', value: max }] };
  return {
    mode: { kind: 'incremental', cursorColumn, previous: stored?.value, high: max },
    window,
    warnings,
  };
}

type TimeWindow = Extract<ExportConfig['mode'], { kind: 'time_window' }>;

function planTimeWindow(config: ExportConfig, mode: TimeWindow, ctx: ModeContext): ModeFacts {
  const column = requireColumn(config, ctx.columns, mode.column, 'time');
  // The cutoff is text of the other kind: MySQL would compare a number with '2024-…' as 2024.
  if (mode.columnType === 'timestamp') requireTemporal(config, ctx.columns, mode.column, 'time_window');
  else if (!isInteger(ctx.columns, mode.column)) {
    throw new RivetError(
      'RIVET_PLAN_CHUNK_COLUMN',
      `export '${config.name}': time_column_type: unix needs an integer column of epoch seconds, but '${mode.column}' is ${column.sourceType}`,
      { hint: 'remove `time_column_type: unix` for a DATE or TIMESTAMP column' },
    );
  }
  const midnight = Date.UTC(ctx.now.getUTCFullYear(), ctx.now.getUTCMonth(), ctx.now.getUTCDate());
  const cutoffMs = midnight - mode.days * 86_400_000;
  const cutoff =
    mode.columnType === 'unix'
      ? String(cutoffMs / 1000)
      : new Date(cutoffMs).toISOString().replace('T', ' ').slice(0, 19);
  return {
    mode: { kind: 'time_window', column: mode.column, cutoff },
    window: { columns: [mode.column], bounds: [{ op: '>=', value: cutoff }] },
    warnings: [],
  };
}

type Chunked = Extract<ExportConfig['mode'], { kind: 'chunked' }>;

async function planChunked(config: ExportConfig, mode: Chunked, ctx: ModeContext): Promise<ModeFacts> {
  const warnings: string[] = [];
  const chunking = resolveChunking(config, mode.chunking, ctx, warnings);
  const planHash = stableHash({
    relation: config.relation,
    chunking,
    nullKeys: mode.nullKeys,
    columns: ctx.columns.map((c) => c.name),
  });
  const description = describeChunking(chunking);
  const base = {
    kind: 'chunked',
    planHash,
    description,
    checkpoint: mode.checkpoint,
    maxAttempts: mode.maxAttempts,
  } as const;
  const inProgress = mode.checkpoint ? await ctx.state.chunks.inProgress(config.name) : undefined;
  // A plain run over a run in progress is refused later anyway: refuse before the probes.
  if (inProgress !== undefined && !ctx.resume) throw chunkRunInProgress(config.name, inProgress.runId);
  const open = ctx.resume ? inProgress : undefined;
  const chunks = open !== undefined ? undefined : await cutChunks(config, chunking, mode, ctx, warnings);
  const workers = await workersFor(mode.parallel, chunks?.length, ctx.source, warnings);
  const resumeOf = open === undefined ? undefined : { runId: open.runId, startedAt: open.createdAt };
  return { mode: { ...base, chunks, workers }, window: undefined, warnings, ...(resumeOf && { resumeOf }) };
}

type ResolvedChunking = Exclude<ChunkingConfig, { kind: 'auto' }>;

function resolveChunking(
  config: ExportConfig,
  chunking: ChunkingConfig,
  ctx: ModeContext,
  warnings: string[],
): ResolvedChunking {
  const who = `export '${config.name}'`;
  if (chunking.kind === 'auto') {
    const key = ctx.table.uniqueKey;
    if (key === undefined || key.length !== 1) {
      throw new RivetError(
        'RIVET_PLAN_CHUNK_COLUMN',
        `${who}: chunked mode needs a chunking strategy and the table has no single-column key to pick`,
        { hint: 'set `chunk_column:` (an integer column) or `chunk_by_key:` (a unique column)' },
      );
    }
    const only = key[0]!;
    const table = config.relation.kind === 'table' ? config.relation.name : 'the table';
    const integer = isInteger(ctx.columns, only.name);
    warnings.push(
      integer
        ? `chunk_column not set — auto-resolved to '${only.name}' from the single-integer primary key on ${table}. Set \`chunk_column:\` explicitly to pin the choice and silence this warning.`
        : `chunk_column not set — auto-resolved to '${only.name}' from the single-column key on ${table} (not an integer: keyset chunks of chunk_size rows). Set \`chunk_by_key:\` explicitly to pin the choice and silence this warning.`,
    );
    return integer
      ? { kind: 'range', column: only.name, size: chunking.size }
      : { kind: 'key', column: only.name, size: chunking.size };
  }
  const column = requireColumn(config, ctx.columns, chunking.column, 'chunk');
  if ((chunking.kind === 'range' || chunking.kind === 'count') && !isInteger(ctx.columns, column.name)) {
    throw new RivetError(
      'RIVET_PLAN_CHUNK_COLUMN',
      `${who}: chunk_column '${column.name}' is ${column.sourceType}; range chunks need an integer column`,
      {
        hint: 'use `chunk_by_days:` for a date or timestamp column, or `chunk_by_key:` for a unique column of another type',
      },
    );
  }
  if (chunking.kind === 'days') requireTemporal(config, ctx.columns, column.name, 'chunk_by_days');
  if (chunking.kind === 'key') {
    const key = ctx.table.uniqueKey;
    if (key === undefined || key.length !== 1 || key[0]!.name !== column.name) {
      throw new RivetError(
        'RIVET_PLAN_CHUNK_COLUMN',
        `${who}: chunk_by_key '${column.name}' is not a single-column unique key on NOT NULL values that Rivet can page on`,
        { hint: 'name the primary key (or a unique NOT NULL column), or chunk with `chunk_column:`' },
      );
    }
  }
  return chunking;
}

async function cutChunks(
  config: ExportConfig,
  chunking: ResolvedChunking,
  mode: Chunked,
  ctx: ModeContext,
  warnings: string[],
): Promise<ChunkUnit[]> {
  const { source } = ctx;
  if (chunking.kind === 'key') {
    const boundaries = await source.probes.keyBoundaries(
      config.relation,
      chunking.column,
      ctx.columns,
      chunking.size,
      ctx.signal,
    );
    return cutKeys(boundaries, chunking.column);
  }
  const columns = [chunking.column] as const;
  const units = await cutByValue(config, chunking, ctx, warnings);
  if (!(await source.probes.hasNulls(config.relation, { columns }))) return units;
  if (mode.nullKeys === 'own_chunk') return [...units, nullUnit(units.length, chunking.column)];
  throw new RivetError(
    'RIVET_PLAN_CHUNK_NULL_KEYS',
    `export '${config.name}': chunk_column '${chunking.column}' has NULL values; range windows never match NULL, so those rows would be silently left out`,
    {
      hint: 'set `chunk_null_keys: own_chunk` to export them as one extra chunk, or chunk on a NOT NULL column',
    },
  );
}

async function cutByValue(
  config: ExportConfig,
  chunking: Exclude<ResolvedChunking, { kind: 'key' }>,
  ctx: ModeContext,
  warnings: string[],
): Promise<ChunkUnit[]> {
  const window: ReadWindow = { columns: [chunking.column], bounds: [] };
  const { min, max } = await ctx.source.probes.range(config.relation, window, ctx.columns);
  if (min === null || max === null) return [];
  const cut = {
    exportName: config.name,
    column: chunking.column,
    estimate: await ctx.source.probes.estimateRows(config.relation),
    warn: (message: string) => warnings.push(message),
  };
  if (chunking.kind === 'days') return cutDays(min, max, chunking.days, cut);
  const size =
    chunking.kind === 'count' ? rangeSizeForCount(min, max, chunking.count) : BigInt(chunking.size);
  return cutRanges(min, max, size, cut);
}

/** Each worker holds a connection: never more than the server can still accept, less one for others. */
async function workersFor(
  parallel: number,
  chunks: number | undefined,
  source: Source,
  warnings: string[],
): Promise<number> {
  let workers = Math.max(1, Math.min(parallel, chunks ?? parallel));
  if (workers === 1) return 1;
  const free = await source.probes.freeConnections();
  if (free !== undefined && free - 1 < workers) {
    const capped = Math.max(1, free - 1);
    warnings.push(
      `parallel: ${parallel} capped to ${capped} worker(s): the source has ${free} free connection(s) and one is left for others`,
    );
    workers = capped;
  }
  return workers;
}

function describeChunking(chunking: ResolvedChunking): string {
  switch (chunking.kind) {
    case 'range':
      return `range(${chunking.column}, ${chunking.size})`;
    case 'count':
      return `count(${chunking.column}, ${chunking.count})`;
    case 'days':
      return `days(${chunking.column}, ${chunking.days})`;
    case 'key':
      return `key(${chunking.column}, ${chunking.size})`;
  }
}

function requireColumn(
  config: ExportConfig,
  columns: readonly ColumnSpec[],
  name: string,
  role: 'cursor' | 'time' | 'chunk',
): ColumnSpec {
  const column = columns.find((c) => c.name === name);
  if (column !== undefined) return column;
  const key = { cursor: 'cursor_column', time: 'time_column', chunk: 'chunk_column' }[role];
  throw new RivetError(
    'RIVET_PLAN_UNKNOWN_COLUMN',
    `export '${config.name}': ${key} '${name}' is not a column of the export (columns: ${columns.map((c) => c.name).join(', ')})`,
    { hint: `check the spelling (names are case-sensitive), or add '${name}' to the query's select list` },
  );
}

function requireTemporal(
  config: ExportConfig,
  columns: readonly ColumnSpec[],
  name: string,
  key: string,
): void {
  const column = columns.find((c) => c.name === name);
  if (column === undefined || column.type.kind === 'date' || column.type.kind === 'timestamp') return;
  throw new RivetError(
    'RIVET_PLAN_CHUNK_COLUMN',
    `export '${config.name}': ${key} needs a DATE or TIMESTAMP column, but '${name}' is ${column.sourceType}`,
    {
      hint:
        key === 'time_window'
          ? 'set `time_column_type: unix` for an integer column of epoch seconds'
          : 'use `chunk_column:` with ranges for a numeric column',
    },
  );
}

/**
 * A lag needs instants: a DATE cursor capped at `now() − 5m` still stores today, and the
 * rows added later today (equal, not greater) would never be read.
 */
function requireLaggable(config: ExportConfig, columns: readonly ColumnSpec[], name: string): void {
  const column = columns.find((c) => c.name === name);
  if (column === undefined || column.type.kind === 'timestamp') return;
  throw new RivetError(
    'RIVET_PLAN_CHUNK_COLUMN',
    `export '${config.name}': cursor_lag needs a TIMESTAMP cursor, but '${name}' is ${column.sourceType}${column.type.kind === 'date' ? ' (a DATE cursor would store today and skip the rows added later today)' : ''}`,
    { hint: 'remove cursor_lag, or use a timestamp cursor column' },
  );
}

function isInteger(columns: readonly ColumnSpec[], name: string): boolean {
  const type = columns.find((c) => c.name === name)?.type;
  if (type === undefined) return false;
  return (
    type.kind === 'int16' ||
    type.kind === 'int32' ||
    type.kind === 'int64' ||
    (type.kind === 'decimal' && type.scale === 0)
  );
}
