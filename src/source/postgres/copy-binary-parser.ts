/**
 * Layer: source/postgres. Incremental parser of the COPY … (FORMAT binary) stream:
 * tuples may span network chunks; each complete tuple's fields go straight to the
 * column decoders. A tuple split across many chunks is joined once, not per chunk.
 */
import { RivetError } from '../../common/errors.js';
import type { BinaryDecoder } from './pg-binary-decoders.js';
import { valueTooLarge } from './pg-value-error.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_FIXED = SIGNATURE.length + 8;

export interface CopyColumn {
  readonly name: string;
  readonly decode: BinaryDecoder;
  readonly appendNull: () => void;
}

export class CopyBinaryParser {
  readonly #columns: readonly CopyColumn[];
  readonly #maxValueBytes: number;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes needed before parsing is worth retrying. */
  #needBytes = 0;
  #headerDone = false;
  #ended = false;
  rows = 0;
  /** Wire bytes of the tuples decoded so far (field payloads and framing). */
  bytes = 0;

  constructor(columns: readonly CopyColumn[], maxValueBytes: number) {
    this.#columns = columns;
    this.#maxValueBytes = maxValueBytes > 0 ? maxValueBytes : Number.MAX_SAFE_INTEGER;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Feeds one chunk; returns the number of rows decoded from it. */
  push(chunk: Buffer): number {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes < this.#needBytes) return 0;
    const data = this.#pending.length === 1 ? chunk : Buffer.concat(this.#pending, this.#pendingBytes);
    const before = this.rows;
    const consumed = this.#parse(data);
    const rest = data.length - consumed;
    this.#pending = rest > 0 ? [data.subarray(consumed)] : [];
    this.#pendingBytes = rest;
    return this.rows - before;
  }

  /** Call at end of stream: the trailer must have arrived and nothing may be left over. */
  finish(): void {
    if (!this.#ended || this.#pendingBytes > 0) {
      throw new RivetError('RIVET_SOURCE_PROTOCOL', 'COPY binary stream ended before its trailer', {
        retryable: true,
      });
    }
  }

  #parse(data: Buffer): number {
    let pos = 0;
    if (!this.#headerDone) {
      if (data.length < HEADER_FIXED) return this.#need(0, HEADER_FIXED);
      if (!data.subarray(0, SIGNATURE.length).equals(SIGNATURE)) {
        throw new RivetError('RIVET_SOURCE_PROTOCOL', 'COPY stream does not start with the binary signature');
      }
      const extension = data.readUInt32BE(SIGNATURE.length + 4);
      if (data.length < HEADER_FIXED + extension) return this.#need(0, HEADER_FIXED + extension);
      pos = HEADER_FIXED + extension;
      this.#headerDone = true;
    }
    const columns = this.#columns;
    const count = columns.length;
    while (pos + 2 <= data.length) {
      const fields = data.readInt16BE(pos);
      if (fields === -1) {
        this.#ended = true;
        this.#needBytes = 0;
        return pos + 2;
      }
      if (fields !== count) {
        throw new RivetError('RIVET_SOURCE_PROTOCOL', `COPY tuple has ${fields} fields, expected ${count}`);
      }
      // First pass: make sure the whole tuple is here (decoders cannot be rolled back).
      let p = pos + 2;
      for (let i = 0; i < count; i++) {
        if (p + 4 > data.length) return this.#need(pos, p + 4 - pos);
        const len = data.readInt32BE(p);
        if (len > this.#maxValueBytes) throw valueTooLarge(columns[i]!.name, len, this.#maxValueBytes);
        p += 4 + Math.max(len, 0);
        if (p > data.length) return this.#need(pos, p - pos);
      }
      p = pos + 2;
      for (let i = 0; i < count; i++) {
        const len = data.readInt32BE(p);
        p += 4;
        const column = columns[i]!;
        if (len < 0) column.appendNull();
        else {
          column.decode(data, p, len);
          p += len;
        }
      }
      this.bytes += p - pos;
      this.rows++;
      pos = p;
    }
    return this.#need(pos, 2);
  }

  /** Remembers how many bytes the unfinished tuple at `from` needs at least; returns `from`. */
  #need(from: number, bytes: number): number {
    this.#needBytes = bytes;
    return from;
  }
}
