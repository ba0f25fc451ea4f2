/**
 * Layer: format/csv. A growable byte buffer with the few writes CSV needs: ASCII
 * text, raw UTF-8 bytes, and bytes quoted per RFC 4180 (inner quotes doubled). ASCII
 * pieces (numbers, dates, separators) gather in one short string per row and are
 * written with a single call: a native write per cell dominated narrow rows.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

type Latin1Writer = Buffer & { latin1Write(text: string, offset: number): number };

export class CsvOutput {
  buf: Buffer;
  pos = 0;
  #pending = '';

  constructor(capacity = 1 << 20) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** Text known to need no quoting (numbers, dates, hex). */
  ascii(text: string): void {
    this.#pending += text;
  }

  /** `,` between fields, LF after the last one. */
  separator(last: boolean): void {
    this.#pending += last ? '\n' : ',';
  }

  /** Moves the gathered ASCII into the buffer (before raw bytes, and at the end of a row). */
  settle(): void {
    const text = this.#pending;
    if (text.length === 0) return;
    this.ensure(text.length);
    this.pos += (this.buf as Latin1Writer).latin1Write(text, this.pos);
    this.#pending = '';
  }

  /** A text field: quoted when empty (so it differs from NULL) or when it holds `,` `"` CR or LF. */
  field(source: Buffer, start: number, end: number): void {
    this.settle();
    if (start === end) {
      this.ensure(2);
      this.buf[this.pos++] = QUOTE;
      this.buf[this.pos++] = QUOTE;
      return;
    }
    const quotes = countQuotes(source, start, end);
    if (quotes === 0 && !hasSeparator(source, start, end)) {
      this.ensure(end - start);
      this.pos += source.copy(this.buf, this.pos, start, end);
      return;
    }
    this.ensure(end - start + quotes + 2);
    this.buf[this.pos++] = QUOTE;
    if (quotes === 0) {
      this.pos += source.copy(this.buf, this.pos, start, end);
    } else {
      for (let i = start; i < end; i++) {
        const c = source[i]!;
        if (c === QUOTE) this.buf[this.pos++] = QUOTE;
        this.buf[this.pos++] = c;
      }
    }
    this.buf[this.pos++] = QUOTE;
  }

  /** A JS string as a text field (header names, rendered lists). */
  textField(text: string): void {
    const bytes = Buffer.from(text, 'utf8');
    this.field(bytes, 0, bytes.length);
  }

  /** Hands the bytes so far to `write` and reuses the buffer once the write has settled. */
  async flushTo(write: (chunk: Uint8Array) => Promise<void>): Promise<number> {
    this.settle();
    const length = this.pos;
    if (length === 0) return 0;
    await write(this.buf.subarray(0, length));
    this.pos = 0;
    return length;
  }
}

/** Short fields are scanned in JS; long ones with native searches (wide text columns). */
const NATIVE_SCAN_FROM = 48;

function countQuotes(source: Uint8Array, start: number, end: number): number {
  if (end - start < NATIVE_SCAN_FROM) {
    let n = 0;
    for (let i = start; i < end; i++) if (source[i] === QUOTE) n++;
    return n;
  }
  const view = Buffer.from(source.buffer, source.byteOffset + start, end - start);
  let n = 0;
  for (let at = view.indexOf(QUOTE); at !== -1; at = view.indexOf(QUOTE, at + 1)) n++;
  return n;
}

function hasSeparator(source: Uint8Array, start: number, end: number): boolean {
  if (end - start < NATIVE_SCAN_FROM) {
    for (let i = start; i < end; i++) {
      const c = source[i];
      if (c === COMMA || c === LF || c === CR) return true;
    }
    return false;
  }
  const view = Buffer.from(source.buffer, source.byteOffset + start, end - start);
  return view.indexOf(COMMA) !== -1 || view.indexOf(LF) !== -1 || view.indexOf(CR) !== -1;
}
