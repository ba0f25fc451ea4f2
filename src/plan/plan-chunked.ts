/**
 * Layer: plan. Planning a chunked export: the strategy resolved against the table's key,
 * the plan hash `--resume` checks, the cut (from short probes) and the worker count,
 * capped by the server's free connections.
 */
import { RivetError } from '../common/errors.js';
import { stableHash } from '../common/stable-hash.js';
import type { ChunkingConfig, ExportConfig } from '../config/config-types.js';
import { chunkRunInProgress } from '../contracts/chunk-run-in-progress.js';
import type { ChunkUnit, ReadWindow } from '../contracts/run-plan.js';
import type { Source } from '../source/source.js';
import { cutDays, cutKeys, cutRanges, nullUnit, rangeSizeForCount } from './chunk-cut.js';
import { isInteger, requireColumn, requireTemporal } from './mode-columns.js';
import type { ModeContext, ModeFacts } from './mode-facts.js';

type Chunked = Extract<ExportConfig['mode'], { kind: 'chunked' }>;

export async function planChunked(config: ExportConfig, mode: Chunked, ctx: ModeContext): Promise<ModeFacts> {
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
