/**
 * Layer: format/csv. A growable byte buffer with the few writes CSV needs: ASCII
 * text, raw UTF-8 bytes, and bytes quoted per RFC 4180 (inner quotes doubled).
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

export class CsvOutput {
  buf: Buffer;
  pos = 0;

  constructor(capacity = 1 << 20) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  ensure(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + extra));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Text known to need no quoting (numbers, dates, hex). */
  ascii(text: string): void {
    this.ensure(text.length);
    this.pos += this.buf.write(text, this.pos, 'latin1');
  }

  /** A text field: quoted when empty (so it differs from NULL) or when it holds `,` `"` CR or LF. */
  field(source: Uint8Array, start: number, end: number): void {
    if (start === end) {
      this.ensure(2);
      this.buf[this.pos++] = QUOTE;
      this.buf[this.pos++] = QUOTE;
      return;
    }
    let quotes = 0;
    let special = false;
    for (let i = start; i < end; i++) {
      const c = source[i]!;
      if (c === QUOTE) quotes++;
      else if (c === COMMA || c === LF || c === CR) special = true;
    }
    if (!special && quotes === 0) {
      this.ensure(end - start);
      this.buf.set(source.subarray(start, end), this.pos);
      this.pos += end - start;
      return;
    }
    this.ensure(end - start + quotes + 2);
    this.buf[this.pos++] = QUOTE;
    if (quotes === 0) {
      this.buf.set(source.subarray(start, end), this.pos);
      this.pos += end - start;
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

  take(): Uint8Array {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }
}
