/**
 * Layer: source/mysql. The planning probes of the modes — window MIN/MAX, a NULL probe,
 * key boundaries by an index walk, a row estimate, free connections, the index leading
 * with a column. Values come back as the server's text (`CAST(… AS CHAR)`), never as
 * driver-typed JavaScript values, so a bound re-injected later is exact.
 */
import type mysql from 'mysql2';
import type { ReadWindow, SourceRelation } from '../../contracts/run-plan.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import type { WindowRange } from '../source-probes.js';
import { andWhere, windowExpression } from '../window-sql.js';
import { byIndex, type IndexPart, usableIndexParts } from './my-index-parts.js';
import { metaQuery } from './my-query.js';
import { myWindowDialect, myWindowPredicate, probeText, quoteMyIdent, relationSql } from './my-sql.js';

export async function myWindowRange(
  connection: mysql.Connection,
  relation: SourceRelation,
  window: ReadWindow,
  columns: readonly ColumnSpec[],
  lagMs: number | undefined,
): Promise<WindowRange> {
  const values: unknown[] = [];
  const expression = windowExpression(window, myWindowDialect(values));
  // The server's clock stamped the rows; the pinned session is UTC, as DATETIME values are taken to be.
  const lag =
    lagMs === undefined
      ? undefined
      : `${expression} <= UTC_TIMESTAMP(6) - INTERVAL ${Math.trunc(lagMs) * 1000} MICROSECOND`;
  const where = andWhere(myWindowPredicate(window, columns, values), lag);
  const column = columns.find((c) => c.name === window.columns[0]);
  const rows = await metaQuery<{ lo: string | null; hi: string | null }>(
    connection,
    `SELECT ${probeText(`MIN(${expression})`, column)} AS lo, ${probeText(`MAX(${expression})`, column)} AS hi FROM ${relationSql(relation)}${where}`,
    values,
  );
  return { min: rows[0]?.lo ?? null, max: rows[0]?.hi ?? null };
}

export async function myHasNulls(
  connection: mysql.Connection,
  relation: SourceRelation,
  window: Pick<ReadWindow, 'columns'>,
): Promise<boolean> {
  const expression = windowExpression(window, myWindowDialect([]));
  const rows = await metaQuery(
    connection,
    `SELECT 1 AS found FROM ${relationSql(relation)} WHERE ${expression} IS NULL LIMIT 1`,
  );
  return rows.length > 0;
}

/** The key value every `step` rows in key order; each statement walks `step` index entries. */
export async function myKeyBoundaries(
  connection: mysql.Connection,
  relation: SourceRelation,
  column: string,
  columns: readonly ColumnSpec[],
  step: number,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const key = quoteMyIdent(column);
  const spec = columns.find((c) => c.name === column);
  const boundaries: string[] = [];
  for (;;) {
    signal?.throwIfAborted();
    const after = boundaries.at(-1);
    const values: unknown[] = [];
    const where =
      after === undefined ? '' : ` WHERE ${key} > ${myWindowDialect(values).literal(after, spec)}`;
    // A distinct alias: ORDER BY a bare name prefers an output column, which would sort the text.
    const rows = await metaQuery<{ _rivet_boundary: string | null }>(
      connection,
      `SELECT ${probeText(key, spec)} AS _rivet_boundary FROM ${relationSql(relation)}${where} ORDER BY ${key} LIMIT 1 OFFSET ${step - 1}`,
      values,
    );
    const value = rows[0]?._rivet_boundary;
    if (value === undefined || value === null) return boundaries;
    // Each boundary must move past the last one, or the walk would never end.
    if (value === after) throw new Error(`key walk on ${column} did not advance past '${after}'`);
    boundaries.push(value);
  }
}

/** InnoDB's estimate (`TABLE_ROWS`); undefined for a query. */
export async function myEstimateRows(
  connection: mysql.Connection,
  relation: SourceRelation,
): Promise<number | undefined> {
  if (relation.kind !== 'table') return undefined;
  const rows = await metaQuery<{ n: unknown }>(
    connection,
    `SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ${relation.schema === undefined ? 'DATABASE()' : '?'} AND TABLE_NAME = ?`,
    relation.schema === undefined ? [relation.name] : [relation.schema, relation.name],
  );
  const n = Number(rows[0]?.n ?? Number.NaN);
  return Number.isFinite(n) ? n : undefined;
}

/** `max_connections` minus `Threads_connected` (MySQL reserves one extra for SUPER on its own). */
export async function myFreeConnections(connection: mysql.Connection): Promise<number | undefined> {
  const max = await metaQuery<{ m: unknown }>(connection, 'SELECT @@max_connections AS m');
  const used = await metaQuery<{ Value: unknown }>(connection, "SHOW GLOBAL STATUS LIKE 'Threads_connected'");
  const n = Number(max[0]?.m) - Number(used[0]?.Value);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * An index that orders `(column, key…)` by itself: its columns are `column` followed by a
 * prefix of the key. InnoDB appends the rest of the primary key to every secondary index,
 * so `ORDER BY column, key` walks it without a sort; `(column, other)` would need one.
 */
export async function myLeadingIndex(
  connection: mysql.Connection,
  relation: SourceRelation,
  column: string,
  key: readonly string[],
): Promise<string | undefined> {
  if (relation.kind !== 'table') return undefined;
  const parts = await usableIndexParts(connection, relation, { uniqueOnly: false });
  const fits = ([name, index]: [string, IndexPart[]]) =>
    name !== 'PRIMARY' &&
    index[0]?.column_name === column &&
    index.every((p) => p.sub_part === null) &&
    index.slice(1).every((p, i) => p.column_name === key[i]);
  return [...byIndex(parts).entries()]
    .filter(fits)
    .sort(([a, x], [b, y]) => x.length - y.length || a.localeCompare(b))[0]?.[0];
}
