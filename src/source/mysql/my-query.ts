/**
 * Layer: source/mysql. Two ways to run a statement on a raw-bytes connection: small
 * metadata queries with the driver's ordinary typing (object rows), and streamed reads
 * whose rows (arrays of raw Buffers) go straight to a callback. A callback that throws
 * does not break the protocol: the rest of the result is drained and the error is
 * raised when the statement has ended, so the connection stays usable.
 */
import type mysql from 'mysql2';

export type Row = Record<string, unknown>;

/** A metadata query: typed values, object rows. */
export function metaQuery<T extends Row = Row>(
  connection: mysql.Connection,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  return new Promise((resolve, reject) => {
    connection.query({ sql, values, rowsAsArray: false, typeCast: true }, (error, rows) =>
      error ? reject(error) : resolve(rows as T[]),
    );
  });
}

/** The result columns of a statement (mysql2's FieldPacket). */
export type MyFieldPacket = mysql.FieldPacket & { columnType: number; flags: number; columnLength: number };

export async function fieldsOf(connection: mysql.Connection, sql: string): Promise<MyFieldPacket[]> {
  return new Promise((resolve, reject) => {
    connection.query({ sql, rowsAsArray: true }, (error, _rows, fields) =>
      error ? reject(error) : resolve((fields ?? []) as MyFieldPacket[]),
    );
  });
}

export interface StreamedStatement {
  /** Resolves with the row count when the result has ended; rejects with the first error. */
  readonly done: Promise<number>;
  /** Stops reading from the socket (backpressure) and starts again. */
  pause(): void;
  resume(): void;
  /** The server-side connection id, for `KILL QUERY` from another connection. */
  readonly threadId: number;
}

/** What mysql2 hands a row parser: one packet, payload at `offset`..`end` of `buffer`. */
interface RawPacket {
  readonly buffer: Buffer;
  readonly offset: number;
  readonly end: number;
}

const PARSED_BY_RIVET: readonly unknown[] = Object.freeze([]);

export function streamRows(
  connection: mysql.Connection,
  sql: string,
  values: unknown[],
  onRow: (buf: Buffer, start: number, end: number) => void,
): StreamedStatement {
  let rows = 0;
  let failure: unknown;
  const done = new Promise<number>((resolve, reject) => {
    // A lost connection is reported on the connection, not the query, and the query then
    // never ends: without this listener a dropped server would hang the read.
    const lost = (error: unknown) => {
      failure ??= error;
      reject(failure);
    };
    connection.once('error', lost);
    const query = connection.query({ sql, values, rowsAsArray: true });
    // mysql2 builds a row parser per result set (an array and a Buffer per value) and
    // stores it in `_rowParser`; this accessor keeps Rivet's own packet walker in its place
    // (mysql2 3.24.x, pinned). A row parsed by mysql2 anyway fails the read loudly below.
    const raw = {
      next: (packet: RawPacket) => {
        if (failure === undefined) {
          try {
            onRow(packet.buffer, packet.offset, packet.end);
            rows++;
          } catch (error) {
            failure = error;
          }
        }
        return PARSED_BY_RIVET;
      },
    };
    Object.defineProperty(query, '_rowParser', { configurable: true, get: () => raw, set: () => undefined });
    query.on('result', (row) => {
      if (row !== PARSED_BY_RIVET)
        failure ??= new Error('mysql2 parsed a row itself: the row parser hook is not in effect');
    });
    query.on('error', (error) => {
      failure ??= error;
    });
    query.on('end', () => {
      connection.removeListener('error', lost);
      if (failure === undefined) resolve(rows);
      else reject(failure);
    });
  });
  return {
    done,
    pause: () => connection.pause(),
    resume: () => connection.resume(),
    threadId: connection.threadId ?? 0,
  };
}
