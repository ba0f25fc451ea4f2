/**
 * Layer: format/parquet. Generic Thrift Compact Protocol codec: decodes a struct into a tree that keeps
 * every field in wire order, so re-encoding an untouched tree reproduces the input byte for byte.
 */

export type ThriftValue =
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'i8' | 'i16' | 'i32'; readonly value: number }
  | { readonly kind: 'double'; readonly value: number }
  | { readonly kind: 'i64'; readonly value: bigint }
  | { readonly kind: 'binary'; readonly value: Uint8Array }
  | { readonly kind: 'struct'; readonly value: ThriftStruct }
  | { readonly kind: 'list' | 'set'; readonly elem: ThriftKind; readonly value: readonly ThriftValue[] }
  | {
      readonly kind: 'map';
      /** An empty map carries no key/value kinds on the wire; the reader then reports 'binary' for both. */
      readonly key: ThriftKind;
      readonly val: ThriftKind;
      readonly value: readonly (readonly [ThriftValue, ThriftValue])[];
    }
  /** A field value left undecoded: its compact type code and its exact bytes (top-level fields only). */
  | { readonly kind: 'raw'; readonly code: number; readonly value: Uint8Array };

export interface ThriftField {
  readonly id: number;
  readonly value: ThriftValue;
}

export type ThriftKind = ThriftValue['kind'];

/** Fields in wire order; writers should keep ids increasing so field-id deltas stay in the short form. */
export type ThriftStruct = readonly ThriftField[];

// Index = compact type code (0 = STOP). A bool field header is 1 (true) or 2 (false); in collections bool is 1.
const KIND = ' bool bool i8 i16 i32 i64 double binary list set map struct'.split(' ');
const INT_BITS = { i8: 8, i16: 16, i32: 32 } as const;

function kindOf(code: number): ThriftKind {
  const kind = KIND[code];
  if (!kind) throw new Error(`Thrift compact: unknown type code ${code}`);
  return kind as ThriftKind;
}

function codeOf(kind: ThriftKind): number {
  return KIND.indexOf(kind);
}

function checkInt(n: number | bigint, bits: number): void {
  const ok =
    typeof n === 'bigint'
      ? BigInt.asIntN(bits, n) === n
      : Number.isInteger(n) && n === (n << (32 - bits)) >> (32 - bits);
  if (!ok) throw new Error(`Thrift compact: ${n} is not a ${bits}-bit integer`);
}

class Reader {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
  ) {}

  /** `decode(id) === false` keeps that field's value as raw bytes (skipped, not built). */
  struct(decode?: (id: number) => boolean): ThriftField[] {
    const fields: ThriftField[] = [];
    let lastId = 0;
    for (let header = this.byte(); header !== 0; header = this.byte()) {
      const code = header & 0x0f;
      lastId = header >> 4 === 0 ? this.zigzag() : lastId + (header >> 4);
      let value: ThriftValue;
      if (code === 1 || code === 2) value = { kind: 'bool', value: code === 1 };
      else if (decode !== undefined && !decode(lastId)) {
        const start = this.pos;
        this.skip(kindOf(code));
        value = { kind: 'raw', code, value: this.bytes.subarray(start, this.pos) };
      } else value = this.value(kindOf(code));
      fields.push({ id: lastId, value });
    }
    return fields;
  }

  /** Advances over one value without building it. */
  private skip(kind: ThriftKind): void {
    switch (kind) {
      case 'bool':
      case 'i8':
        this.byte();
        return;
      case 'i16':
      case 'i32':
      case 'i64':
        while (this.byte() >= 0x80);
        return;
      case 'double':
        this.take(8);
        return;
      case 'binary': {
        const length = this.varint(); // read before `pos +=` evaluates pos
        this.pos += length;
        if (this.pos > this.bytes.length) throw new Error('Thrift compact: unexpected end of input');
        return;
      }
      case 'list':
      case 'set': {
        const header = this.byte();
        const size = header >> 4 === 15 ? this.varint() : header >> 4;
        for (let i = 0; i < size; i++) this.skip(kindOf(header & 0x0f));
        return;
      }
      case 'map': {
        const size = this.varint();
        const kinds = size === 0 ? 0 : this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(kindOf(kinds >> 4));
          this.skip(kindOf(kinds & 0x0f));
        }
        return;
      }
      case 'struct':
        for (let header = this.byte(); header !== 0; header = this.byte()) {
          if (header >> 4 === 0) this.zigzag();
          const code = header & 0x0f;
          if (code !== 1 && code !== 2) this.skip(kindOf(code));
        }
        return;
      case 'raw':
        throw new Error('Thrift compact: raw is not a wire type');
    }
  }

  private value(kind: ThriftKind): ThriftValue {
    switch (kind) {
      case 'bool':
        return { kind, value: this.byte() === 1 };
      case 'i8':
        return { kind, value: (this.byte() << 24) >> 24 };
      case 'i16':
      case 'i32':
        return { kind, value: this.zigzag() };
      case 'i64': {
        const u = this.varint64();
        return { kind, value: (u >> 1n) ^ -(u & 1n) };
      }
      case 'double':
        return { kind, value: new DataView(this.take(8).buffer).getFloat64(0, true) };
      case 'binary':
        return { kind, value: this.take(this.varint()) };
      case 'list':
      case 'set':
        return this.collection(kind);
      case 'map':
        return this.map();
      case 'struct':
        return { kind, value: this.struct() };
      case 'raw':
        throw new Error('Thrift compact: raw is not a wire type');
    }
  }

  private collection(kind: 'list' | 'set'): ThriftValue {
    const header = this.byte();
    const elem = kindOf(header & 0x0f);
    const size = header >> 4 === 15 ? this.varint() : header >> 4;
    const value: ThriftValue[] = [];
    for (let i = 0; i < size; i++) value.push(this.value(elem));
    return { kind, elem, value };
  }

  private map(): ThriftValue {
    const size = this.varint();
    const kinds = size === 0 ? 0x88 : this.byte();
    const key = kindOf(kinds >> 4);
    const val = kindOf(kinds & 0x0f);
    const value: (readonly [ThriftValue, ThriftValue])[] = [];
    for (let i = 0; i < size; i++) value.push([this.value(key), this.value(val)]);
    return { kind: 'map', key, val, value };
  }

  private byte(): number {
    const b = this.bytes[this.pos++];
    if (b === undefined) throw new Error('Thrift compact: unexpected end of input');
    return b;
  }

  private take(length: number): Uint8Array {
    if (this.pos + length > this.bytes.length) throw new Error('Thrift compact: unexpected end of input');
    this.pos += length;
    return this.bytes.slice(this.pos - length, this.pos);
  }

  // Arithmetic, not bitwise ops: a zigzagged 32-bit value reaches 2^32 - 1.
  private varint(): number {
    let result = 0;
    for (let scale = 1; scale < 2 ** 35; scale *= 128) {
      const b = this.byte();
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
    }
    throw new Error('Thrift compact: varint longer than 5 bytes');
  }

  private varint64(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.byte();
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
    }
    throw new Error('Thrift compact: varint longer than 10 bytes');
  }

  private zigzag(): number {
    const n = this.varint();
    return (n >>> 1) ^ -(n & 1);
  }
}

class Writer {
  private out = new Uint8Array(4096);
  private length = 0;

  result(): Uint8Array {
    return this.out.slice(0, this.length);
  }

  struct(fields: ThriftStruct): void {
    let lastId = 0;
    for (const { id, value } of fields) {
      const code =
        value.kind === 'bool'
          ? value.value
            ? 1
            : 2
          : value.kind === 'raw'
            ? value.code
            : codeOf(value.kind);
      if (id > lastId && id - lastId <= 15) this.byte(((id - lastId) << 4) | code);
      else {
        checkInt(id, 16);
        this.byte(code);
        this.zigzag(id);
      }
      lastId = id;
      if (value.kind !== 'bool') this.value(value);
    }
    this.byte(0);
  }

  private value(v: ThriftValue): void {
    switch (v.kind) {
      case 'bool':
        this.byte(v.value ? 1 : 2);
        break;
      case 'i8':
      case 'i16':
      case 'i32':
        checkInt(v.value, INT_BITS[v.kind]);
        if (v.kind === 'i8') this.byte(v.value & 0xff);
        else this.zigzag(v.value);
        break;
      case 'i64':
        checkInt(v.value, 64);
        this.varint64(BigInt.asUintN(64, (v.value << 1n) ^ (v.value >> 63n)));
        break;
      case 'double': {
        const raw = new Uint8Array(8);
        new DataView(raw.buffer).setFloat64(0, v.value, true);
        this.raw(raw);
        break;
      }
      case 'binary':
        this.varint(v.value.length);
        this.raw(v.value);
        break;
      case 'list':
      case 'set':
        this.collection(v.elem, v.value);
        break;
      case 'map':
        this.map(v);
        break;
      case 'struct':
        this.struct(v.value);
        break;
      case 'raw':
        this.raw(v.value);
    }
  }

  private collection(elem: ThriftKind, values: readonly ThriftValue[]): void {
    if (values.length < 15) this.byte((values.length << 4) | codeOf(elem));
    else {
      this.byte(0xf0 | codeOf(elem));
      this.varint(values.length);
    }
    for (const v of values) this.element(elem, v);
  }

  private map(v: Extract<ThriftValue, { kind: 'map' }>): void {
    this.varint(v.value.length);
    if (v.value.length > 0) this.byte((codeOf(v.key) << 4) | codeOf(v.val));
    for (const [key, val] of v.value) {
      this.element(v.key, key);
      this.element(v.val, val);
    }
  }

  // A collection declares one element kind up front; a stray element kind would corrupt the stream.
  private element(kind: ThriftKind, v: ThriftValue): void {
    if (v.kind !== kind) throw new Error(`Thrift compact: ${v.kind} element in a collection of ${kind}`);
    this.value(v);
  }

  private raw(chunk: Uint8Array): void {
    this.reserve(chunk.length);
    this.out.set(chunk, this.length);
    this.length += chunk.length;
  }

  private byte(b: number): void {
    this.reserve(1);
    this.out[this.length++] = b;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.out.length) return;
    const next = new Uint8Array(Math.max(this.out.length * 2, this.length + extra));
    next.set(this.out.subarray(0, this.length));
    this.out = next;
  }

  private varint(n: number): void {
    for (; n >= 0x80; n = Math.floor(n / 128)) this.byte((n & 0x7f) | 0x80);
    this.byte(n);
  }

  private varint64(u: bigint): void {
    for (; u >= 0x80n; u >>= 7n) this.byte(Number(u & 0x7fn) | 0x80);
    this.byte(Number(u));
  }

  private zigzag(n: number): void {
    this.varint(((n << 1) ^ (n >> 31)) >>> 0);
  }
}

/** Decodes the struct starting at `offset`; `end` is the offset just past its stop byte. */
export function readThriftStruct(
  bytes: Uint8Array,
  offset = 0,
  decode?: (fieldId: number) => boolean,
): { readonly struct: ThriftStruct; readonly end: number } {
  const reader = new Reader(bytes, offset);
  const struct = reader.struct(decode);
  return { struct, end: reader.pos };
}

export function writeThriftStruct(struct: ThriftStruct): Uint8Array {
  const writer = new Writer();
  writer.struct(struct);
  return writer.result();
}
