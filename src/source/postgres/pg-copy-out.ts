/**
 * Layer: source/postgres. `COPY … TO STDOUT` with the CopyData payloads handed to a
 * callback as views of the socket chunks, before the driver buffers them: no stream,
 * no re-concatenation (pg-copy-streams copied every byte twice), and the tuple parser
 * sees a field's length as soon as it arrives, so the per-value ceiling holds before
 * a huge value is in memory. A view is valid only during the call; keepers copy.
 *
 * While the COPY streams, this query takes the socket's data from the driver; at
 * CopyDone (or an ErrorResponse) it hands the rest back, and the driver finishes the
 * query (CommandComplete, ReadyForQuery) as usual.
 */
import type pg from 'pg';

type PayloadHandler = (payload: Buffer) => void;
type DataHandler = (chunk: Buffer) => void;

interface PgConnection {
  readonly stream: NodeJS.EventEmitter;
  query(text: string): void;
}

const COPY_DATA = 0x64; // 'd'
const EMPTY = Buffer.alloc(0);
const PASS_THROUGH = new Set([0x48, 0x4e, 0x53, 0x41]); // CopyOutResponse, Notice, ParameterStatus, Notification

/** Runs `sql` (a COPY … TO STDOUT) and resolves once the server is ready for the next query. */
export function copyOut(client: pg.Client, sql: string, onPayload: PayloadHandler): Promise<void> {
  return new Promise((resolve, reject) => {
    client.query(new CopyOutQuery(sql, onPayload, resolve, reject) as unknown as pg.QueryConfig);
  });
}

class CopyOutQuery {
  readonly #sql: string;
  readonly #onPayload: PayloadHandler;
  readonly #resolve: () => void;
  readonly #reject: (error: unknown) => void;
  #stream: NodeJS.EventEmitter | undefined;
  #driverHandler: DataHandler | undefined;
  readonly #ownHandler: DataHandler = (chunk) => this.#consume(chunk);
  /** Header bytes of the next message gathered so far (a header may straddle chunks). */
  #header = EMPTY;
  #type = 0;
  #remaining = 0;
  #failure: unknown;
  #settled = false;

  constructor(sql: string, onPayload: PayloadHandler, resolve: () => void, reject: (error: unknown) => void) {
    this.#sql = sql;
    this.#onPayload = onPayload;
    this.#resolve = resolve;
    this.#reject = reject;
  }

  /** Called by `pg` when this query reaches the front of its queue. */
  submit(connection: PgConnection): void {
    const stream = connection.stream;
    const [driverHandler] = stream.listeners('data') as DataHandler[];
    if (driverHandler === undefined) throw new Error('pg connection has no data listener');
    this.#stream = stream;
    this.#driverHandler = driverHandler;
    stream.removeListener('data', driverHandler);
    stream.on('data', this.#ownHandler);
    connection.query(this.#sql);
  }

  #consume(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.#remaining > 0) {
        const end = Math.min(chunk.length, pos + this.#remaining);
        if (this.#type === COPY_DATA) this.#deliver(chunk.subarray(pos, end));
        this.#remaining -= end - pos;
        pos = end;
        continue;
      }
      let header: Buffer;
      if (this.#header.length === 0 && pos + 5 <= chunk.length) {
        header = chunk.subarray(pos, pos + 5); // the common case: no copy
        pos += 5;
      } else {
        const take = Math.min(5 - this.#header.length, chunk.length - pos);
        this.#header = Buffer.concat([this.#header, chunk.subarray(pos, pos + take)]);
        pos += take;
        if (this.#header.length < 5) return;
        header = this.#header;
        this.#header = EMPTY;
      }
      const type = header[0]!;
      if (type !== COPY_DATA && !PASS_THROUGH.has(type)) {
        // CopyDone, ErrorResponse or anything else: the driver takes it from here.
        this.#handBack(Buffer.concat([header, chunk.subarray(pos)]));
        return;
      }
      this.#type = type;
      this.#remaining = header.readUInt32BE(1) - 4;
    }
  }

  #deliver(view: Buffer): void {
    if (this.#failure !== undefined) return;
    try {
      this.#onPayload(view);
    } catch (error) {
      // A decoder refused a value: fail now; the rest of the COPY is drained and ignored.
      this.#failure = error;
      this.#settle(error);
    }
  }

  #handBack(rest: Buffer): void {
    const stream = this.#stream!;
    stream.removeListener('data', this.#ownHandler);
    stream.on('data', this.#driverHandler!);
    this.#driverHandler!(rest);
  }

  handleError(error: unknown): void {
    this.#failure ??= error;
    this.#settle(error);
  }

  handleReadyForQuery(): void {
    this.#settle(this.#failure);
  }

  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyData(): void {}

  #settle(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    if (error === undefined) this.#resolve();
    else this.#reject(error);
  }
}
