/**
 * Layer: types. Copies row ranges of one or more batches into a new batch that owns its
 * memory. Writers use it to carry a few rows over to the next batch (a batch's views are
 * only valid until the next read), so what they hand on can be cut at fixed row counts.
 */
import type { Batch, ColumnData, Validity } from './column-data.js';

/** A range of rows of one batch. */
export interface RowRange {
  readonly batch: Batch;
  readonly start: number;
  readonly end: number;
}

export function copyRows(ranges: readonly RowRange[]): Batch {
  const first = ranges[0];
  if (first === undefined) throw new Error('copyRows needs at least one range');
  const length = ranges.reduce((n, r) => n + r.end - r.start, 0);
  const columns = first.batch.columns.map((_, i) =>
    copyColumn(ranges.map((r) => ({ column: r.batch.columns[i]!, start: r.start, end: r.end }))),
  );
  const byteSize = ranges.reduce(
    (n, r) => n + (r.batch.length === 0 ? 0 : (r.batch.byteSize * (r.end - r.start)) / r.batch.length),
    0,
  );
  return { schema: first.batch.schema, length, columns, byteSize: Math.round(byteSize) };
}

interface ColumnRange {
  readonly column: ColumnData;
  readonly start: number;
  readonly end: number;
}

function copyColumn(parts: readonly ColumnRange[]): ColumnData {
  const length = parts.reduce((n, p) => n + p.end - p.start, 0);
  const { validity, nullCount } = copyValidity(parts, length);
  const c = parts[0]!.column;
  switch (c.layout) {
    case 'bool':
    case 'int16':
    case 'int32':
    case 'int64':
    case 'float32':
    case 'float64': {
      const values = concatTyped(parts.map((p) => valuesOf(p.column).subarray(p.start, p.end)));
      return { layout: c.layout, length, values, validity, nullCount } as ColumnData;
    }
    case 'decimal128': {
      const words = concatTyped(parts.map((p) => wordsOf(p.column).subarray(p.start * 4, p.end * 4)));
      return { layout: 'decimal128', length, words, validity, nullCount };
    }
    case 'fixedBinary': {
      const w = c.width;
      const data = concatTyped(parts.map((p) => bytesOf(p.column).subarray(p.start * w, p.end * w)));
      return { layout: 'fixedBinary', length, width: w, data, validity, nullCount };
    }
    case 'var': {
      const { offsets, ranges } = rebaseOffsets(parts, length);
      const data = concatTyped(ranges.map((r) => bytesOf(r.column).subarray(r.start, r.end)));
      return { layout: 'var', length, offsets, data, validity, nullCount };
    }
    case 'list': {
      const { offsets, ranges } = rebaseOffsets(parts, length);
      const child = copyColumn(
        ranges.map((r) => ({ column: childOf(r.column), start: r.start, end: r.end })),
      );
      return { layout: 'list', length, offsets, child, validity, nullCount };
    }
  }
}

/** New offsets for the concatenated rows, and the value ranges (bytes or child rows) they cover. */
function rebaseOffsets(
  parts: readonly ColumnRange[],
  length: number,
): { offsets: Int32Array; ranges: ColumnRange[] } {
  const offsets = new Int32Array(length + 1);
  const ranges: ColumnRange[] = [];
  let row = 0;
  let base = 0;
  for (const p of parts) {
    const source = offsetsOf(p.column);
    const from = source[p.start]!;
    for (let i = p.start; i < p.end; i++) offsets[++row] = base + source[i + 1]! - from;
    const to = source[p.end]!;
    ranges.push({ column: p.column, start: from, end: to });
    base += to - from;
  }
  return { offsets, ranges };
}

function copyValidity(
  parts: readonly ColumnRange[],
  length: number,
): { validity: Validity; nullCount: number } {
  if (parts.every((p) => p.column.validity === null)) return { validity: null, nullCount: 0 };
  const bits = new Uint8Array(Math.ceil(length / 8)).fill(0xff);
  let at = 0;
  let nullCount = 0;
  for (const p of parts) {
    const source = p.column.validity;
    for (let i = p.start; i < p.end; i++, at++) {
      if (source !== null && ((source[i >> 3] ?? 0) & (1 << (i & 7))) === 0) {
        bits[at >> 3]! &= ~(1 << (at & 7));
        nullCount++;
      }
    }
  }
  return nullCount === 0 ? { validity: null, nullCount: 0 } : { validity: bits, nullCount };
}

type Typed = Uint8Array | Int16Array | Int32Array | Uint32Array | BigInt64Array | Float32Array | Float64Array;

function concatTyped<T extends Typed>(arrays: readonly T[]): T {
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const out = new (arrays[0]!.constructor as new (n: number) => T)(total);
  let at = 0;
  for (const a of arrays) {
    (out as unknown as { set(a: T, at: number): void }).set(a, at);
    at += a.length;
  }
  return out;
}

const valuesOf = (c: ColumnData) => (c as { values: Typed }).values;
const wordsOf = (c: ColumnData) => (c as { words: Uint32Array }).words;
const bytesOf = (c: ColumnData) => (c as { data: Uint8Array }).data;
const offsetsOf = (c: ColumnData) => (c as { offsets: Int32Array }).offsets;
const childOf = (c: ColumnData) => (c as { child: ColumnData }).child;
