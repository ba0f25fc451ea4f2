/**
 * Layer: source/mysql. Output columns of a relation from a `LIMIT 0` probe (the
 * protocol's field packets) plus, for tables, information_schema: the declared column
 * type for messages and metadata, and MariaDB's JSON (a LONGTEXT with a `json_valid`
 * check, invisible in the protocol). Overrides from `columns:` are applied; every
 * unsupported column is reported at once.
 */
import type mysql from 'mysql2';
import { RivetError } from '../../common/errors.js';
import type { SourceRelation } from '../../contracts/run-plan.js';
import { type ColumnSpec, MAX_DECIMAL128_PRECISION, type RivetType } from '../../types/rivet-type.js';
import type { ColumnOverride } from '../source.js';
import { type DeclaredColumn, parseCreateTable } from './my-create-table.js';
import { fieldsOf, type MyFieldPacket, metaQuery } from './my-query.js';
import { quoteMyIdent, relationSql } from './my-sql.js';
import { MY, type MyField, mapMyField, protocolTypeName } from './my-type-map.js';

export async function describeMyRelation(
  connection: mysql.Connection,
  relation: SourceRelation,
  overrides: readonly ColumnOverride[],
): Promise<readonly ColumnSpec[]> {
  const fields = await fieldsOf(connection, `SELECT * FROM ${relationSql(relation)} LIMIT 0`);
  const duplicates = fields.map((f) => f.name).filter((name, i, all) => all.indexOf(name) !== i);
  if (duplicates.length > 0) {
    throw new RivetError(
      'RIVET_SOURCE_DUPLICATE_COLUMN',
      `the result has duplicate column names: ${[...new Set(duplicates)].join(', ')}`,
      { hint: 'give every output column a unique name with `AS` in the query' },
    );
  }
  const origins = await originsOf(connection, relation, fields);
  const declared = await declaredColumns(connection, origins);
  const overrideFor = new Map(overrides.map((o) => [o.column, o.type]));
  const problems: string[] = overrides
    .filter((o) => !fields.some((f) => f.name === o.column))
    .map((o) => `columns.${o.column}: no such column in the result`);
  const columns: ColumnSpec[] = [];
  for (const [i, packet] of fields.entries()) {
    const field = toField(packet);
    const known = declared.get(originKey(origins[i]!));
    const sourceType = known?.json ? 'json' : (known?.columnType ?? protocolTypeName(field));
    const mapped = known?.json ? { type: { kind: 'json' } as RivetType } : mapMyField(field);
    const override = overrideFor.get(field.name);
    if (override !== undefined) {
      const applied = applyMyOverride(field, sourceType, override, mapped);
      if (typeof applied === 'string') problems.push(applied);
      else columns.push(applied);
    } else if ('unsupported' in mapped) {
      problems.push(`column '${field.name}' (${sourceType}): ${mapped.unsupported}`);
    } else {
      columns.push({ name: field.name, type: mapped.type, sourceType });
    }
  }
  if (problems.length > 0) {
    throw new RivetError(
      'RIVET_SOURCE_TYPE_UNSUPPORTED',
      `cannot export every column exactly:\n  - ${problems.join('\n  - ')}`,
      { hint: 'add a `columns:` override per column (e.g. `shape: text` for a GEOMETRY column as WKT text)' },
    );
  }
  return columns;
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

const DECIMAL_OVERRIDE = /^(?:decimal|numeric)\(\s*(\d+)\s*,\s*(\d+)\s*\)$/i;
const TEXT_OVERRIDE = /^(?:text|string|varchar)$/i;
const INT_OVERRIDE = /^(?:tinyint|smallint|int|integer)$/i;

function applyMyOverride(
  field: MyField,
  sourceType: string,
  override: string,
  mapped: { type: RivetType } | { unsupported: string },
): ColumnSpec | string {
  const name = field.name;
  if (TEXT_OVERRIDE.test(override))
    return { name, type: { kind: 'utf8' }, sourceType, readAsText: true, override };
  if (INT_OVERRIDE.test(override)) {
    // The boolean reading of TINYINT(1) and BIT(1) is a policy: `int` keeps the number.
    const boolLike = 'type' in mapped && mapped.type.kind === 'bool';
    if (!boolLike)
      return `columns.${name}: an integer override applies to TINYINT(1) and BIT(1) columns (the column is ${sourceType})`;
    return { name, type: { kind: 'int16' }, sourceType, override };
  }
  const decimal = DECIMAL_OVERRIDE.exec(override);
  if (decimal !== null) {
    const precision = Number(decimal[1]);
    const scale = Number(decimal[2]);
    if (field.columnType !== MY.NEWDECIMAL && field.columnType !== MY.DECIMAL) {
      return `columns.${name}: decimal override needs a DECIMAL column (the column is ${sourceType})`;
    }
    if (precision < 1 || precision > MAX_DECIMAL128_PRECISION || scale > precision) {
      return `columns.${name}: ${override} must have 1 ≤ precision ≤ 38 and scale ≤ precision`;
    }
    const declared = 'type' in mapped && mapped.type.kind === 'decimal' ? mapped.type : undefined;
    if (declared && (scale < declared.scale || precision - scale < declared.precision - declared.scale)) {
      return `columns.${name}: ${override} is narrower than the column's ${sourceType} and could lose digits`;
    }
    return { name, type: { kind: 'decimal', precision, scale }, sourceType, override };
  }
  return `columns.${name}: override '${override}' is not supported (supported: decimal(p,s), text, and int for TINYINT(1)/BIT(1))`;
}
