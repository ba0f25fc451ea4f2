/**
 * Layer: source/postgres. The fast bounded read for tables with a unique key: one
 * `COPY (SELECT … WHERE key > last ORDER BY key LIMIT n) TO STDOUT (FORMAT binary)`
 * per page inside the caller's snapshot, decoded straight into columns.
 */
import type pg from 'pg';
import type { KeyColumn, ReadSpec } from '../../contracts/run-plan.js';
import type { Batch, ColumnData } from '../../types/column-data.js';
import { keysetPageSizer } from '../page-sizer.js';
import type { ReadBudget, ReadOptions } from '../source.js';
import { CopyBinaryParser } from './copy-binary-parser.js';
import { PgBatchDecoder, reportNumericSpecials } from './pg-batch-decoder.js';
import { copyOut } from './pg-copy-out.js';
import { escapeLiteral, keysetPageSql } from './pg-sql.js';

export async function* readKeysetPages(
  client: pg.Client,
  spec: ReadSpec,
  key: readonly KeyColumn[],
  budget: ReadBudget,
  options: ReadOptions,
): AsyncGenerator<Batch> {
  const keyIndexes = key.map((k) => spec.columns.findIndex((c) => c.name === k.name));
  const sizer = keysetPageSizer(budget, options.pageHint);
  const decoder = new PgBatchDecoder(spec.columns, budget.maxValueBytes, spec.policy.numericSpecials);
  try {
    let after: string[] | undefined;
    for (;;) {
      options.signal?.throwIfAborted();
      const limit = sizer.rows;
      const sql = keysetPageSql(spec.relation, spec.columns, key, after, limit, spec.window);
      const parser = new CopyBinaryParser(decoder.copyColumns, budget.maxValueBytes);
      const started = performance.now();
      await copyInto(client, `COPY (${sql}) TO STDOUT (FORMAT binary)`, parser);
      const ms = performance.now() - started;
      options.onStatement?.({ sql, ms, rows: parser.rows });
      if (parser.rows === 0) return;
      const batch = decoder.take();
      sizer.observe(parser.rows, parser.bytes, ms);
      if (options.pageHint !== undefined) options.pageHint.rows = sizer.rows;
      after = keyIndexes.map((index, i) => keyLiteral(batch.columns[index]!, batch.length - 1, key[i]!));
      yield batch;
      if (parser.rows < limit) return;
    }
  } finally {
    reportNumericSpecials(decoder, options.onWarning);
  }
}

async function copyInto(client: pg.Client, sql: string, parser: CopyBinaryParser): Promise<void> {
  await copyOut(client, sql, (payload) => parser.push(payload));
  parser.finish();
}

/** The SQL literal of key column value `row` (keys are integers, text or uuid: see pg-facts). */
function keyLiteral(column: ColumnData, row: number, key: KeyColumn): string {
  switch (column.layout) {
    case 'int16':
    case 'int32':
    case 'int64':
      return String(column.values[row]);
    case 'var': {
      const text = Buffer.from(column.data.buffer, column.data.byteOffset, column.data.length)
        .subarray(column.offsets[row]!, column.offsets[row + 1]!)
        .toString('utf8');
      return escapeLiteral(text);
    }
    case 'fixedBinary': {
      const hex = Buffer.from(column.data.subarray(row * 16, row * 16 + 16)).toString('hex');
      return `'${hex}'::uuid`;
    }
    default:
      throw new Error(`key column '${key.name}' has an unsupported layout ${column.layout}`);
  }
}
