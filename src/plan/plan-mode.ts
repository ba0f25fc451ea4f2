/**
 * Layer: plan. The I/O half of planning a mode: the stored cursor and the new high-water
 * mark (incremental), the cutoff (time_window), the chunk cut (chunked) — each from
 * short probes through the Source seam and the state, never a scan or a count.
 */
import { RivetError } from '../common/errors.js';
import type { ExportConfig } from '../config/config-types.js';
import type { ReadWindow } from '../contracts/run-plan.js';
import { isInteger, requireColumn, requireLaggable, requireTemporal } from './mode-columns.js';
import type { ModeContext, ModeFacts } from './mode-facts.js';
import { planChunked } from './plan-chunked.js';

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
