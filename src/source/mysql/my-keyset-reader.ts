/**
 * Layer: source/mysql. The default read: keyset pages on a unique NOT NULL index —
 * `WHERE k1 > ? OR (k1 = ? AND k2 > ?) … ORDER BY k1, k2 LIMIT n`, each page a short
 * statement sized from what the last one measured. The index use of the paging
 * predicate is confirmed with EXPLAIN on the second page, before the table is walked.
 */
import type mysql from 'mysql2';
import { RivetError } from '../../common/errors.js';
import type { KeyColumn, ReadSpec } from '../../contracts/run-plan.js';
import type { Batch } from '../../types/column-data.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import { keysetPageSizer } from '../page-sizer.js';
import type { ReadBudget, ReadOptions } from '../source.js';
import type { MyBatchDecoder } from './my-batch-decoder.js';
import { isKeysetColumn } from './my-facts.js';
import { metaQuery, streamRows } from './my-query.js';
import { splitRow } from './my-row-packet.js';
import { type KeyBound, keysetPage } from './my-sql.js';

export async function* readMyKeysetPages(
  connection: mysql.Connection,
  spec: ReadSpec,
  key: readonly KeyColumn[],
  index: string | undefined,
  decoder: MyBatchDecoder,
  budget: ReadBudget,
  options: ReadOptions,
): AsyncGenerator<Batch> {
  const keyIndexes = key.map((k) => spec.columns.findIndex((c) => c.name === k.name));
  const sizer = keysetPageSizer(budget, options.pageHint);
  let after: KeyBound[] | undefined;
  let explained = false;
  for (;;) {
    options.signal?.throwIfAborted();
    const limit = sizer.rows;
    const page = keysetPage(spec.relation, spec.columns, key, index, after, limit, spec.window);
    if (after !== undefined && !explained) {
      await confirmIndexUse(connection, page.sql, page.values, spec);
      explained = true;
    }
    let last: [Buffer, number, number] | undefined;
    const started = performance.now();
    const rows = await streamRows(connection, page.sql, page.values, (buf, start, end) => {
      decoder.appendPacket(buf, start, end);
      last = [buf, start, end];
    }).done;
    const ms = performance.now() - started;
    options.onStatement?.({ sql: page.sql, ms, rows });
    if (rows === 0 || last === undefined) return;
    sizer.observe(rows, decoder.bytes, ms);
    if (options.pageHint !== undefined) options.pageHint.rows = sizer.rows;
    const lastRow = splitRow(...last);
    after = keyIndexes.map((at, i) => keyBound(lastRow[at]!, key[i]!, spec));
    yield decoder.take();
    if (rows < limit) return;
  }
}

/**
 * The last row's key value as a bound: integers inline (exact digits), strings and bytes
 * bound. A window column leading the key (a cursor, a time column) may also be a date or
 * datetime — bound as the server's own text — or an exact decimal, inlined.
 */
function keyBound(raw: Buffer, key: KeyColumn, spec: ReadSpec): KeyBound {
  const column = spec.columns.find((c) => c.name === key.name)!;
  if (isWindowLead(key, spec)) {
    const text = raw.toString('latin1');
    if (column.type.kind === 'decimal' && /^-?\d+(?:\.\d+)?$/.test(text)) return { inline: text };
    if (isTemporal(column)) return { bind: text };
  }
  if (!isKeysetColumn(column)) throw new Error(`key column '${key.name}' cannot bound a keyset page`);
  if (column.type.kind === 'utf8') return { bind: raw.toString('utf8') };
  if (column.type.kind === 'binary') return { bind: Buffer.from(raw) };
  const digits = raw.toString('latin1');
  if (!/^-?\d+$/.test(digits)) throw new Error(`key column '${key.name}' returned a non-integer '${digits}'`);
  return { inline: digits };
}

/**
 * Whether a window column can lead the keyset `(column, key…)`: its last value must come
 * back as an exact bound (see keyBound). A float, an ENUM, a TEXT cannot — their windows
 * walk the table's key instead.
 */
export function canLeadKeyset(column: ColumnSpec): boolean {
  return isKeysetColumn(column) || column.type.kind === 'decimal' || isTemporal(column);
}

function isTemporal(column: ColumnSpec): boolean {
  return column.type.kind === 'date' || column.type.kind === 'timestamp';
}

function isWindowLead(key: KeyColumn, spec: ReadSpec): boolean {
  return spec.window?.columns.length === 1 && spec.window.columns[0] === key.name;
}

const INDEXED_ACCESS = new Set(['range', 'ref', 'eq_ref', 'const', 'system']);

/** A paging predicate the server runs as a scan would make every page a full-table statement. */
async function confirmIndexUse(
  connection: mysql.Connection,
  sql: string,
  values: unknown[],
  spec: ReadSpec,
): Promise<void> {
  const rows = await metaQuery(connection, `EXPLAIN FORMAT=JSON ${sql}`, values);
  const text = String(Object.values(rows[0] ?? {})[0] ?? '{}');
  const plan = JSON.parse(text) as unknown;
  const access = findKey(plan, 'access_type');
  // MariaDB nests a "filesort" object; MySQL says "using_filesort": true.
  const filesort = text.includes('"filesort"') || /"using_filesort"\s*:\s*true/.test(text);
  if (typeof access === 'string' && INDEXED_ACCESS.has(access) && !filesort) return;
  throw new RivetError(
    'RIVET_SOURCE_KEYSET_PLAN',
    `export '${spec.exportName}': the server would not use the key index for keyset pages (plan access '${String(access)}'${filesort ? ' with a filesort' : ''}), so every page would scan the table`,
    {
      hint: 'run ANALYZE TABLE on the source table and retry; if the plan stays a scan, report it with the EXPLAIN output',
    },
  );
}

function findKey(value: unknown, name: string): unknown {
  if (value === null || typeof value !== 'object') return undefined;
  if (name in value) return (value as Record<string, unknown>)[name];
  for (const child of Object.values(value)) {
    const found = findKey(child, name);
    if (found !== undefined) return found;
  }
  return undefined;
}
