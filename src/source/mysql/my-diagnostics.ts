/**
 * Layer: source/mysql. The read-only questions of `check` and `doctor`: server facts
 * (proxy detection, read_only replicas, TLS, the global statement limit), EXPLAIN
 * FORMAT=JSON of the statement a read would start with (MySQL's and MariaDB's trees
 * differ; both are walked for the same few markers), catalog statistics, leading
 * indexes and a LIMIT sample.
 */
import type mysql from 'mysql2';
import type { ReadSpec, SourceRelation } from '../../contracts/run-plan.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import type {
  ListedRelation,
  PlanFacts,
  RelationStats,
  SampleFacts,
  ServerFacts,
} from '../source-diagnostics.js';
import { byIndex, usableIndexParts } from './my-index-parts.js';
import { metaQuery } from './my-query.js';
import type { Flavor } from './my-session.js';
import { keysetPage, type MyStatement, quoteMyIdent, relationSql, selectSql } from './my-sql.js';

const num = (v: unknown): number | undefined => {
  const n = Number(v);
  return v === null || v === undefined || Number.isNaN(n) ? undefined : n;
};

async function status(
  connection: mysql.Connection,
  scope: 'GLOBAL' | 'SESSION',
  name: string,
): Promise<string> {
  const rows = await metaQuery<{ Value: unknown }>(connection, `SHOW ${scope} STATUS LIKE ?`, [name]);
  return String(rows[0]?.Value ?? '');
}

export async function myServerFacts(connection: mysql.Connection, flavor: Flavor): Promise<ServerFacts> {
  const limit = flavor === 'mariadb' ? '@@GLOBAL.max_statement_time * 1000' : '@@GLOBAL.max_execution_time';
  const [row] = await metaQuery(
    connection,
    `SELECT VERSION() AS v, @@version_comment AS comment, @@max_connections AS max, @@read_only AS ro,
            ${limit} AS timeout_ms, CONNECTION_ID() AS id`,
  );
  const [again] = await metaQuery(connection, 'SELECT CONNECTION_ID() AS id');
  const inUse = num(await status(connection, 'GLOBAL', 'Threads_connected'));
  const cipher = await status(connection, 'SESSION', 'Ssl_cipher');
  const max = num(row?.max);
  const version = String(row?.v ?? '?');
  const comment = String(row?.comment ?? '');
  const [major = 0, minor = 0, patch = 0] = version.split(/[.-]/).map(Number);
  const proxy = /proxysql|maxscale/i.exec(comment)?.[0];
  return {
    product: `${flavor === 'mariadb' ? 'MariaDB' : 'MySQL'} ${version.replace(/-MariaDB.*$/i, '')}`,
    versionNumber: major * 10_000 + minor * 100 + patch,
    maxConnections: max,
    connectionsInUse: inUse,
    freeConnections: max === undefined || inUse === undefined ? undefined : Math.max(0, max - inUse),
    pooler:
      proxy !== undefined
        ? `${proxy} (from @@version_comment)`
        : num(row?.id) !== num(again?.id)
          ? 'a multiplexing proxy: CONNECTION_ID() changed between two statements'
          : undefined,
    replica: num(row?.ro) === 1,
    replicaSettings: {},
    tls: cipher !== '',
    statementTimeoutMs: num(row?.timeout_ms),
    workMemBytes: undefined,
  };
}

/** The statement a read starts with: the first keyset page, or the single SELECT. */
export function myFirstStatement(spec: ReadSpec, pageRows: number): MyStatement {
  return spec.strategy.kind === 'keyset'
    ? keysetPage(
        spec.relation,
        spec.columns,
        spec.strategy.key,
        spec.strategy.index,
        undefined,
        pageRows,
        spec.window,
      )
    : selectSql(spec.relation, spec.columns, spec.window);
}

export async function myExplain(connection: mysql.Connection, statement: MyStatement): Promise<PlanFacts> {
  const [row] = await metaQuery(connection, `EXPLAIN FORMAT=JSON ${statement.sql}`, statement.values);
  const text = String(row?.EXPLAIN ?? Object.values(row ?? {})[0] ?? '{}');
  return myPlanFacts(JSON.parse(text), statement.sql);
}

/** Full scans, indexes, sorts and temporary tables anywhere in a MySQL/MariaDB plan. Pure. */
export function myPlanFacts(plan: unknown, statement: string): PlanFacts {
  const fullScans: string[] = [];
  const indexes: string[] = [];
  let sorts = false;
  let temp = false;
  let estimatedRows: number | undefined;
  const visit = (node: unknown, key: string): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n, key);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (key === 'table') {
      const name = String(o.table_name ?? '?');
      if (o.access_type === 'ALL') fullScans.push(name);
      if (typeof o.key === 'string') indexes.push(o.key);
      estimatedRows ??= num(o.rows) ?? num(o.rows_examined_per_scan);
    }
    if (key === 'filesort' || o.using_filesort === true) sorts = true;
    if (key === 'temporary_table' || o.using_temporary_table === true) temp = true;
    for (const [k, v] of Object.entries(o)) visit(v, k);
  };
  visit(plan, '');
  return {
    statement,
    fullScans,
    indexes,
    sorts,
    temp,
    memoryBytes: 0,
    estimatedRows,
    estimatedWidth: undefined,
  };
}

function tableWhere(relation: Extract<SourceRelation, { kind: 'table' }>): { sql: string; values: string[] } {
  return relation.schema === undefined
    ? { sql: 'TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?', values: [relation.name] }
    : { sql: 'TABLE_SCHEMA = ? AND TABLE_NAME = ?', values: [relation.schema, relation.name] };
}

export async function myRelationStats(
  connection: mysql.Connection,
  relation: SourceRelation,
): Promise<RelationStats> {
  if (relation.kind !== 'table') return { rows: undefined, avgRowBytes: undefined };
  const where = tableWhere(relation);
  const [row] = await metaQuery(
    connection,
    `SELECT TABLE_ROWS AS n, AVG_ROW_LENGTH AS w FROM information_schema.TABLES WHERE ${where.sql}`,
    where.values,
  );
  const rows = num(row?.n);
  const width = num(row?.w);
  return { rows: rows === 0 ? undefined : rows, avgRowBytes: width === 0 ? undefined : width };
}

export async function myLeadingIndexOf(
  connection: mysql.Connection,
  relation: SourceRelation,
  column: string,
): Promise<string | undefined> {
  if (relation.kind !== 'table') return undefined;
  const parts = await usableIndexParts(connection, relation, { uniqueOnly: false });
  for (const [name, index] of byIndex(parts)) {
    if (index[0]?.column_name === column && index[0].sub_part === null) return name;
  }
  return undefined;
}

export async function mySample(
  connection: mysql.Connection,
  relation: SourceRelation,
  columns: readonly ColumnSpec[],
  limit: number,
): Promise<SampleFacts> {
  const names = columns.map((c) => quoteMyIdent(c.name));
  const width = names.length === 0 ? '0' : names.map((n) => `COALESCE(LENGTH(${n}), 0)`).join(' + ');
  const [row] = await metaQuery(
    connection,
    `SELECT COUNT(*) AS n, COALESCE(AVG(${width}), 0) AS w FROM (SELECT ${names.join(', ') || '1'} FROM ${relationSql(relation)} LIMIT ${Math.max(1, Math.floor(limit))}) AS _rivet_sample`,
  );
  return { rows: Number(row?.n ?? 0), avgRowBytes: Math.round(Number(row?.w ?? 0)) };
}

export async function myListRelations(
  connection: mysql.Connection,
  schema: string | undefined,
): Promise<ListedRelation[]> {
  const found = await metaQuery(
    connection,
    `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, TABLE_TYPE AS t FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ${schema === undefined ? 'DATABASE()' : '?'} AND TABLE_TYPE IN ('BASE TABLE', 'VIEW')
      ORDER BY TABLE_NAME`,
    schema === undefined ? [] : [schema],
  );
  return found.map((r) => ({
    schema: String(r.s),
    name: String(r.n),
    kind: r.t === 'VIEW' ? 'view' : 'table',
  }));
}
