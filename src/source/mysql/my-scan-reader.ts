/**
 * Layer: source/mysql. The opt-in read for relations without a usable key
 * (`allow_unbounded_read: true`): one streaming SELECT for the whole relation, with
 * backpressure (the socket is paused while a full batch is consumed) so memory stays
 * bounded even though the statement does not. Leaving early kills the statement from a
 * side connection rather than draining the rest of the table.
 */
import type mysql from 'mysql2';
import type { ReadSpec } from '../../contracts/run-plan.js';
import type { Batch } from '../../types/column-data.js';
import type { ReadBudget, ReadOptions } from '../source.js';
import type { MyBatchDecoder } from './my-batch-decoder.js';
import { streamRows } from './my-query.js';
import { selectSql } from './my-sql.js';

/** Stops the statement running on `threadId`; never rejects (it cuts the connection instead). */
export type KillQuery = (threadId: number) => Promise<void>;

export async function* readMyScan(
  connection: mysql.Connection,
  spec: ReadSpec,
  decoder: MyBatchDecoder,
  budget: ReadBudget,
  options: ReadOptions,
  killQuery: KillQuery,
): AsyncGenerator<Batch> {
  const { sql, values } = selectSql(spec.relation, spec.columns, spec.window);
  let paused = false;
  /** Rows the parser had already read from the socket when it was paused. */
  const pending: [Buffer, number, number][] = [];
  let wake: (() => void) | undefined;
  const full = () => decoder.rows >= budget.maxBatchRows || decoder.bytes >= budget.batchBytes;
  const started = performance.now();
  /** A value that cannot be written: the statement is paused and then killed, not drained. */
  let rowError: unknown;
  /** Leaving early: rows still in flight until the kill lands are dropped, never kept. */
  let closing = false;
  const statement = streamRows(connection, sql, values, (buf, start, end) => {
    if (closing) return;
    if (paused) {
      pending.push([buf, start, end]);
      return;
    }
    try {
      decoder.appendPacket(buf, start, end);
    } catch (error) {
      rowError = error;
      paused = true;
      statement.pause();
      wake?.();
      return;
    }
    if (full()) {
      paused = true;
      statement.pause();
      wake?.();
    }
  });
  let ended = false;
  const done = statement.done.finally(() => {
    ended = true;
    wake?.();
  });
  // The statement's own rejection is awaited below; this keeps it from being reported as unhandled.
  done.catch(() => undefined);
  const onAbort = () => wake?.();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      if (!ended && !paused) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      options.signal?.throwIfAborted();
      if (rowError !== undefined) throw rowError;
      if (ended) break;
      yield decoder.take();
      for (const row of pending.splice(0)) decoder.appendPacket(...row);
      paused = full();
      if (!paused) statement.resume();
    }
    const rows = await done;
    options.onStatement?.({ sql, ms: performance.now() - started, rows });
    if (decoder.rows > 0) yield decoder.take();
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (!ended) {
      closing = true;
      pending.length = 0;
      // killQuery never throws: when it cannot stop the statement it cuts the connection,
      // which ends `done` through the lost-connection path.
      await killQuery(statement.threadId);
      statement.resume();
      await done.catch(() => undefined);
    }
  }
}
