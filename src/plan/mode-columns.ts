/**
 * Layer: plan. Checks that the columns a mode names exist in the export and have a type
 * the mode can use (a cursor lag needs instants, day windows need dates, ranges integers).
 */
import { RivetError } from '../common/errors.js';
import type { ExportConfig } from '../config/config-types.js';
import type { ColumnSpec } from '../types/rivet-type.js';

export function requireColumn(
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

export function requireTemporal(
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
export function requireLaggable(config: ExportConfig, columns: readonly ColumnSpec[], name: string): void {
  const column = columns.find((c) => c.name === name);
  if (column === undefined || column.type.kind === 'timestamp') return;
  throw new RivetError(
    'RIVET_PLAN_CHUNK_COLUMN',
    `export '${config.name}': cursor_lag needs a TIMESTAMP cursor, but '${name}' is ${column.sourceType}${column.type.kind === 'date' ? ' (a DATE cursor would store today and skip the rows added later today)' : ''}`,
    { hint: 'remove cursor_lag, or use a timestamp cursor column' },
  );
}

export function isInteger(columns: readonly ColumnSpec[], name: string): boolean {
  const type = columns.find((c) => c.name === name)?.type;
  if (type === undefined) return false;
  return (
    type.kind === 'int16' ||
    type.kind === 'int32' ||
    type.kind === 'int64' ||
    (type.kind === 'decimal' && type.scale === 0)
  );
}
