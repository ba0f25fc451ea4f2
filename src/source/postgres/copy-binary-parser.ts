/**
 * Layer: source/postgres. Incremental parser of the COPY … (FORMAT binary) stream:
 * tuples may span network chunks; each complete tuple's fields go straight to the
 * column decoders. A tuple split across many chunks is joined once, not per chunk.
 */
import { RivetError } from '../../common/errors.js';
import { effectiveValueLimit, valueTooLarge } from '../value-errors.js';
import type { BinaryDecoder } from './pg-binary-decoders.js';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_FIXED = SIGNATURE.length + 8;
const MAX_PIECES = 64;

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
    this.#maxValueBytes = effectiveValueLimit(maxValueBytes);
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Feeds one chunk; returns the number of rows decoded from it. */
  push(chunk: Buffer): number {
    const before = this.rows;
    if (this.#pendingBytes === 0) {
      this.#parseChunk(chunk);
      return this.rows - before;
    }
    // Chunks may be views into the driver's buffer: anything kept past this call is copied.
    this.#pending.push(Buffer.from(chunk));
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes < this.#needBytes) return 0;
    // Many small pieces would make every framing read walk a long list: join them once.
    if (this.#pending.length > MAX_PIECES) this.#pending = [Buffer.concat(this.#pending, this.#pendingBytes)];
    // Join only the split unit (header or tuple), never the whole chunk: wide rows split
    // at almost every chunk boundary, and re-copying 64 KB chunks doubled the memcpy.
    const unit = this.#pendingUnitLength();
    if (unit === undefined) return 0;
    const pending = this.#pending;
    this.#pending = [];
    this.#pendingBytes = 0;
    const head = Buffer.concat(pending, unit);
    if (this.#parse(head) !== unit)
      throw new RivetError('RIVET_SOURCE_PROTOCOL', 'COPY tuple framing mismatch');
    let skip = unit;
    for (const piece of pending) {
      if (skip >= piece.length) {
        skip -= piece.length;
        continue;
      }
      this.#parseChunk(piece.subarray(skip));
      skip = 0;
    }
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

  /** Parses what it can of `data` and keeps a copy of the unfinished tail. */
  #parseChunk(data: Buffer): void {
    if (this.#pendingBytes > 0) {
      this.#pending.push(Buffer.from(data));
      this.#pendingBytes += data.length;
      return;
    }
    const consumed = this.#parse(data);
    if (consumed < data.length) {
      this.#pending = [Buffer.from(data.subarray(consumed))];
      this.#pendingBytes = data.length - consumed;
    }
  }

  /**
   * Length of the first whole unit (the header, a tuple or the trailer) across the
   * pending pieces, or undefined (with #needBytes raised) while it is incomplete.
   */
  #pendingUnitLength(): number | undefined {
    const read = new PieceReader(this.#pending);
    if (!this.#headerDone) {
      if (read.length < HEADER_FIXED) return this.#needMore(HEADER_FIXED);
      const total = HEADER_FIXED + read.uint32(SIGNATURE.length + 4);
      return read.length < total ? this.#needMore(total) : total;
    }
    if (read.length < 2) return this.#needMore(2);
    const fields = read.int16(0);
    if (fields === -1) return 2;
    let p = 2;
    for (let i = 0; i < fields; i++) {
      if (p + 4 > read.length) return this.#needMore(p + 4);
      const len = read.int32(p);
      if (len > this.#maxValueBytes)
        throw valueTooLarge(this.#columns[i]?.name ?? `#${i}`, len, this.#maxValueBytes);
      p += 4 + Math.max(len, 0);
      if (p > read.length) return this.#needMore(p);
    }
    return p;
  }

  #needMore(bytes: number): undefined {
    this.#needBytes = bytes;
    return undefined;
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

/** Big-endian reads at an offset into a list of buffers treated as one. */
class PieceReader {
  readonly #pieces: readonly Buffer[];
  readonly length: number;

  constructor(pieces: readonly Buffer[]) {
    this.#pieces = pieces;
    this.length = pieces.reduce((n, p) => n + p.length, 0);
  }

  int16(offset: number): number {
    const v = (this.#byte(offset) << 8) | this.#byte(offset + 1);
    return v >= 0x8000 ? v - 0x10000 : v;
  }

  int32(offset: number): number {
    return (
      (this.#byte(offset) << 24) |
      (this.#byte(offset + 1) << 16) |
      (this.#byte(offset + 2) << 8) |
      this.#byte(offset + 3)
    );
  }

  uint32(offset: number): number {
    return this.int32(offset) >>> 0;
  }

  #byte(offset: number): number {
    for (const piece of this.#pieces) {
      if (offset < piece.length) return piece[offset]!;
      offset -= piece.length;
    }
    throw new RangeError('read past the pending bytes');
  }
}
