/**
 * Layer: source/postgres. The planning probes of the modes — window MIN/MAX, a NULL
 * probe, key boundaries by an index walk, a row estimate, free connections. Each is
 * one short statement (LIMIT 1 / index-ordered); none counts or sorts the table.
 */
import type pg from 'pg';
import { quoteIdent } from '../../common/sql-ident.js';
import type { ReadWindow, SourceRelation } from '../../contracts/run-plan.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import type { WindowRange } from '../source-probes.js';
import { andWhere, windowExpression } from '../window-sql.js';
import { escapeLiteral, PG_WINDOW_DIALECT, pgWindowPredicate, relationSql } from './pg-sql.js';

async function one(client: pg.Client, sql: string): Promise<(string | null)[] | undefined> {
  const result = await client.query<(string | null)[]>({ text: sql, rowMode: 'array' });
  return result.rows[0];
}

/** MIN and MAX of the window expression over the window, as text; MAX capped at `now() − lag`. */
export async function pgWindowRange(
  client: pg.Client,
  relation: SourceRelation,
  window: ReadWindow,
  columns: readonly ColumnSpec[],
  lagMs: number | undefined,
): Promise<WindowRange> {
  const expression = windowExpression(window, PG_WINDOW_DIALECT);
  // now() is the server's clock, the clock that stamped the rows; lag guards late commits.
  const lag = lagMs === undefined ? undefined : `${expression} <= now() - interval '${lagMs} milliseconds'`;
  const where = andWhere(pgWindowPredicate(window, columns), lag);
  // MIN and MAX together still become two index walks when the expression is indexed.
  const row = await one(
    client,
    `SELECT MIN(${expression})::text, MAX(${expression})::text FROM ${relationSql(relation)}${where}`,
  );
  return { min: row?.[0] ?? null, max: row?.[1] ?? null };
}

export async function pgHasNulls(
  client: pg.Client,
  relation: SourceRelation,
  window: Pick<ReadWindow, 'columns'>,
): Promise<boolean> {
  const expression = windowExpression(window, PG_WINDOW_DIALECT);
  const row = await one(client, `SELECT 1 FROM ${relationSql(relation)} WHERE ${expression} IS NULL LIMIT 1`);
  return row !== undefined;
}

/** The key value every `step` rows in key order; each statement walks `step` index entries. */
export async function pgKeyBoundaries(
  client: pg.Client,
  relation: SourceRelation,
  column: string,
  step: number,
  signal: AbortSignal | undefined,
): Promise<string[]> {
  const key = quoteIdent(column);
  const boundaries: string[] = [];
  for (;;) {
    signal?.throwIfAborted();
    const after = boundaries.at(-1);
    const where = after === undefined ? '' : ` WHERE ${key} > ${escapeLiteral(after)}`;
    const row = await one(
      client,
      // The alias matters: ORDER BY a bare name prefers an output column, which would sort the text.
      `SELECT ${key}::text AS _rivet_boundary FROM ${relationSql(relation)}${where} ORDER BY ${key} LIMIT 1 OFFSET ${step - 1}`,
    );
    if (row?.[0] === undefined || row[0] === null) return boundaries;
    boundaries.push(row[0]);
  }
}

/** The planner's row estimate of a table (`reltuples`); undefined for queries or never-analyzed tables. */
export async function pgEstimateRows(
  client: pg.Client,
  relation: SourceRelation,
): Promise<number | undefined> {
  if (relation.kind !== 'table') return undefined;
  const name = relationSql(relation);
  const row = await one(
    client,
    `SELECT reltuples::bigint::text FROM pg_class WHERE oid = ${escapeLiteral(name)}::regclass`,
  );
  const n = Number(row?.[0] ?? -1);
  return n >= 0 ? n : undefined;
}

/** Connections a new session could still open: max − reserved − in use. */
export async function pgFreeConnections(client: pg.Client): Promise<number | undefined> {
  const row = await one(
    client,
    `SELECT (current_setting('max_connections')::int
            - current_setting('superuser_reserved_connections')::int
            - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'))::text`,
  );
  const n = Number(row?.[0]);
  return Number.isFinite(n) ? n : undefined;
}
