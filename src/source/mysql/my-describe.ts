/**
 * Layer: source/mysql. Output columns of a relation from a `LIMIT 0` probe (the
 * protocol's field packets) plus SHOW CREATE TABLE of the tables behind the columns:
 * the declared column type for messages and metadata, and MariaDB's JSON (a LONGTEXT
 * with a `json_valid` check, invisible in the protocol). Overrides from `columns:` are applied; every
 * unsupported column is reported at once.
 */
import type mysql from 'mysql2';
import type { SourceRelation } from '../../contracts/run-plan.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import { type ColumnOutcome, columnOutcomes, columnSpecs, type DescribedColumn } from '../column-specs.js';
import type { ColumnOverride } from '../source.js';
import { type DeclaredColumn, parseCreateTable } from './my-create-table.js';
import { fieldsOf, type MyFieldPacket, metaQuery } from './my-query.js';
import { quoteMyIdent, relationSql } from './my-sql.js';
import { MY, type MyField, mapMyField, protocolTypeName } from './my-type-map.js';

const HINT = 'add a `columns:` override per column (e.g. `shape: text` for a GEOMETRY column as WKT text)';

export async function describeMyRelation(
  connection: mysql.Connection,
  relation: SourceRelation,
  overrides: readonly ColumnOverride[],
): Promise<readonly ColumnSpec[]> {
  return columnSpecs(await describedColumns(connection, relation), overrides, { hint: HINT });
}

/** Every column with its spec or the reason it cannot be exported (the type report). */
export async function inspectMyRelation(
  connection: mysql.Connection,
  relation: SourceRelation,
  overrides: readonly ColumnOverride[],
): Promise<readonly ColumnOutcome[]> {
  return columnOutcomes(await describedColumns(connection, relation), overrides);
}

async function describedColumns(
  connection: mysql.Connection,
  relation: SourceRelation,
): Promise<DescribedColumn[]> {
  const fields = await fieldsOf(connection, `SELECT * FROM ${relationSql(relation)} LIMIT 0`);
  const origins = await originsOf(connection, relation, fields);
  const declared = await declaredColumns(connection, origins);
  return fields.map((packet, i): DescribedColumn => {
    const field = toField(packet);
    const known = declared.get(originKey(origins[i]!));
    return {
      name: field.name,
      sourceType: known?.json ? 'json' : (known?.columnType ?? protocolTypeName(field)),
      mapped: known?.json ? { type: { kind: 'json' } } : mapMyField(field),
      decimalOverridable: field.columnType === MY.NEWDECIMAL || field.columnType === MY.DECIMAL,
    };
  });
}

function toField(packet: MyFieldPacket): MyField {
  return {
    name: packet.name,
    columnType: packet.columnType,
    flags: packet.flags,
    columnLength: packet.columnLength,
    decimals: packet.decimals,
    characterSet: packet.characterSet ?? 0,
  };
}

interface Origin {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
}

/** The table column a result column comes from (empty for expressions). */
function packetOrigin(packet: MyFieldPacket): Origin {
  const p = packet as MyFieldPacket & { schema?: string; orgTable?: string; orgName?: string };
  return { schema: p.schema ?? '', table: p.orgTable ?? '', column: p.orgName ?? '' };
}

function originKey(origin: Origin): string {
  return JSON.stringify([origin.schema, origin.table, origin.column]);
}

/**
 * Declared types of the table columns behind the result (tables and plain queries
 * alike, through the protocol's origin table and column).
 */
/**
 * A query is probed wrapped in a derived table, which hides the origin of its columns;
 * preparing the query itself (never executed) reveals them.
 */
async function originsOf(
  connection: mysql.Connection,
  relation: SourceRelation,
  fields: readonly MyFieldPacket[],
): Promise<Origin[]> {
  if (relation.kind === 'table') return fields.map(packetOrigin);
  const columns = await new Promise<MyFieldPacket[] | undefined>((resolve) => {
    connection.prepare(relation.sql, (error, statement) => {
      if (error) return resolve(undefined);
      const found = (statement as unknown as { columns?: MyFieldPacket[] }).columns;
      statement.close();
      resolve(found);
    });
  });
  if (columns?.length === fields.length) return columns.map(packetOrigin);
  return fields.map(() => ({ schema: '', table: '', column: '' }));
}

async function declaredColumns(
  connection: mysql.Connection,
  origins: readonly Origin[],
): Promise<Map<string, DeclaredColumn>> {
  const tables = new Map<string, Origin>();
  for (const origin of origins) {
    if (origin.table !== '' && origin.column !== '') tables.set(originKey({ ...origin, column: '' }), origin);
  }
  const declared = new Map<string, DeclaredColumn>();
  for (const { schema, table } of tables.values()) {
    const name = schema === '' ? quoteMyIdent(table) : `${quoteMyIdent(schema)}.${quoteMyIdent(table)}`;
    // A view (or a table dropped meanwhile) has no column declarations to offer.
    const rows = await metaQuery(connection, `SHOW CREATE TABLE ${name}`).catch(() => []);
    const text = rows[0]?.['Create Table'];
    if (typeof text !== 'string') continue;
    for (const [column, found] of parseCreateTable(text)) {
      declared.set(originKey({ schema, table, column }), found);
    }
  }
  return declared;
}
