/**
 * Layer: source/postgres. The bounded read for anything without a usable key:
 * `DECLARE … NO SCROLL CURSOR` + `FETCH n`, each FETCH its own short statement
 * (never a portal, which the server times as one statement). n is sized from a
 * probe so one FETCH stays under work_mem × 0.7 (no temp spill) and the batch budget.
 */
import type pg from 'pg';
import type { ReadSpec } from '../../contracts/run-plan.js';
import type { Batch } from '../../types/column-data.js';
import { PageSizer } from '../page-sizer.js';
import type { ReadBudget, ReadOptions } from '../source.js';
import { PgBatchDecoder, reportNumericSpecials } from './pg-batch-decoder.js';
import { selectSql } from './pg-sql.js';

/** A small probe measures row width first (rows can be megabytes wide). */
const PROBE_ROWS = 16;
/** A FETCH materialises its rows in a tuplestore on the server; text rows weigh more there. */
const SERVER_ROW_OVERHEAD = 1.2;

export async function* readWithCursor(
  client: pg.Client,
  spec: ReadSpec,
  budget: ReadBudget,
  options: ReadOptions,
): AsyncGenerator<Batch> {
  const workMem = await workMemBytes(client);
  await client.query(
    `DECLARE _rivet NO SCROLL CURSOR FOR ${selectSql(spec.relation, spec.columns, spec.window)}`,
  );
  const sizer = new PageSizer(Math.min(PROBE_ROWS, budget.batchRows), {
    targetMs: budget.targetStatementMs,
    maxBytes: Math.min(budget.batchBytes, (workMem * 0.7) / SERVER_ROW_OVERHEAD),
    minRows: 1,
    maxRows: Math.min(150_000, budget.maxBatchRows),
  });
  const decoder = new PgBatchDecoder(spec.columns, budget.maxValueBytes, spec.policy.numericSpecials);
  for (;;) {
    options.signal?.throwIfAborted();
    const limit = sizer.rows;
    const sql = `FETCH ${limit} FROM _rivet`;
    const started = performance.now();
    const result = await client.query<(string | null)[]>({ text: sql, rowMode: 'array' });
    const ms = performance.now() - started;
    options.onStatement?.({ sql, ms, rows: result.rows.length });
    let bytes = 0;
    for (const row of result.rows) {
      for (const value of row) bytes += value === null ? 1 : value.length + 4;
      decoder.appendTextRow(row);
    }
    if (result.rows.length === 0) break;
    sizer.observe(result.rows.length, bytes, ms);
    yield decoder.take();
    if (result.rows.length < limit) break;
  }
  await client.query('CLOSE _rivet');
  reportNumericSpecials(decoder, options.onWarning);
}

async function workMemBytes(client: pg.Client): Promise<number> {
  const result = await client.query<{ bytes: string }>(
    "SELECT pg_size_bytes(current_setting('work_mem'))::text AS bytes",
  );
  return Number(result.rows[0]?.bytes ?? 4 * 1024 * 1024);
}
