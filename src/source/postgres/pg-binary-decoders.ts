/**
 * Layer: source/postgres. Decoders from PostgreSQL binary wire values (COPY
 * binary) straight into column builders: no driver parsers, no Date, no floats
 * for exact types, no BigInt on the int64 hot path.
 */
import type { ColumnBuilder, ColumnListBuilder } from '../../types/column-builder.js';
import { below, mulAdd, negate, precisionLimit, scaleUp } from '../../types/decimal128.js';
import type {
  DecimalBuilder,
  FixedBytesBuilder,
  Int64Builder,
  NumberBuilder,
} from '../../types/fixed-builders.js';
import type { RivetType } from '../../types/rivet-type.js';
import { PG_EPOCH_DAYS } from '../../types/temporal.js';
import type { VarBuilder } from '../../types/var-builder.js';
import {
  decimalDoesNotFit,
  INFINITY_HINT,
  infiniteValue,
  numericSpecial,
  unrepresentable,
} from '../value-errors.js';
import { formatIsoInterval } from './pg-interval.js';

/** Appends one non-NULL value of `len` bytes at `buf[start]`. */
export type BinaryDecoder = (buf: Buffer, start: number, len: number) => void;

const TWO_32 = 0x1_0000_0000;
/** 946,684,800,000,000 µs (2000-01-01 in Unix µs) as a (low, high) word pair. */
const EPOCH_SHIFT_LOW = 0x3b37e000;
const EPOCH_SHIFT_HIGH = 0x00035d01;

export interface DecoderContext {
  readonly column: string;
  /** Values must be checked against the declared precision (a `columns:` decimal override). */
  readonly checkPrecision: boolean;
  /** `numeric_special: as_null`: a NaN / ±Infinity numeric becomes NULL and is counted. */
  readonly onNumericSpecial?: () => void;
}

export function binaryDecoder(type: RivetType, builder: ColumnBuilder, ctx: DecoderContext): BinaryDecoder {
  switch (type.kind) {
    case 'bool': {
      const b = builder as NumberBuilder<'bool'>;
      return (buf, start) => b.append(buf[start]! === 0 ? 0 : 1);
    }
    case 'int16': {
      const b = builder as NumberBuilder<'int16'>;
      return (buf, start) => b.append(buf.readInt16BE(start));
    }
    case 'int32': {
      const b = builder as NumberBuilder<'int32'>;
      return (buf, start) => b.append(buf.readInt32BE(start));
    }
    case 'float32': {
      const b = builder as NumberBuilder<'float32'>;
      return (buf, start) => b.append(buf.readFloatBE(start));
    }
    case 'float64': {
      const b = builder as NumberBuilder<'float64'>;
      return (buf, start) => b.append(buf.readDoubleBE(start));
    }
    case 'int64':
    case 'time': {
      const b = builder as Int64Builder;
      return (buf, start) => b.appendWords(buf.readInt32BE(start + 4), buf.readInt32BE(start));
    }
    case 'timestamp':
      return timestampDecoder(builder as Int64Builder, ctx);
    case 'date':
      return dateDecoder(builder as NumberBuilder<'int32'>, ctx);
    case 'decimal':
      return numericDecoder(builder as DecimalBuilder, ctx);
    case 'uuid': {
      const b = builder as FixedBytesBuilder;
      return (buf, start) => {
        const at = b.next();
        buf.copy(b.bytes, at, start, start + 16);
      };
    }
    case 'json':
      return jsonDecoder(builder as VarBuilder);
    case 'interval': {
      const b = builder as VarBuilder;
      return (buf, start) => {
        const micros = buf.readBigInt64BE(start);
        const months = buf.readInt32BE(start + 12);
        if ((months === 0x7fffffff || months === -0x80000000) && buf.readInt32BE(start + 8) === months) {
          throw infiniteValue(ctx.column, `interval ${months > 0 ? '' : '-'}infinity`);
        }
        b.appendString(formatIsoInterval(buf.readInt32BE(start + 12), buf.readInt32BE(start + 8), micros));
      };
    }
    case 'utf8':
    case 'binary':
    case 'enum': {
      const b = builder as VarBuilder;
      return (buf, start, len) => b.appendBytes(buf, start, len);
    }
    case 'list':
      return arrayDecoder(type.item, builder as ColumnListBuilder, ctx);
  }
}

function jsonDecoder(b: VarBuilder): BinaryDecoder {
  // jsonb's binary form is a version byte (1) then the text; json is plain text, and
  // valid JSON text never starts with byte 0x01, so the two cannot be confused.
  return (buf, start, len) => {
    if (len > 0 && buf[start] === 1) b.appendBytes(buf, start + 1, len - 1);
    else b.appendBytes(buf, start, len);
  };
}

function timestampDecoder(b: Int64Builder, ctx: DecoderContext): BinaryDecoder {
  return (buf, start) => {
    const high = buf.readInt32BE(start);
    const low = buf.readUInt32BE(start + 4);
    if ((high === 0x7fffffff && low === 0xffffffff) || (high === -0x80000000 && low === 0)) {
      throw infiniteValue(ctx.column, `timestamp ${high > 0 ? '' : '-'}infinity`);
    }
    let shiftedLow = low + EPOCH_SHIFT_LOW;
    let carry = 0;
    if (shiftedLow >= TWO_32) {
      shiftedLow -= TWO_32;
      carry = 1;
    }
    const shiftedHigh = high + EPOCH_SHIFT_HIGH + carry;
    if (shiftedHigh > 0x7fffffff) {
      throw unrepresentable(
        ctx.column,
        'timestamp beyond the int64 microsecond range cannot be exported',
        INFINITY_HINT,
      );
    }
    b.appendWords(shiftedLow | 0, shiftedHigh);
  };
}

function dateDecoder(b: NumberBuilder<'int32'>, ctx: DecoderContext): BinaryDecoder {
  return (buf, start) => {
    const days = buf.readInt32BE(start);
    if (days === 0x7fffffff || days === -0x80000000) {
      throw infiniteValue(ctx.column, `date ${days > 0 ? '' : '-'}infinity`);
    }
    b.append(days + PG_EPOCH_DAYS);
  };
}

const NUMERIC_NEG = 0x4000;
const NUMERIC_NAN = 0xc000;
const NUMERIC_NINF = 0xf000;

function numericDecoder(b: DecimalBuilder, ctx: DecoderContext): BinaryDecoder {
  const { precision, scale } = b;
  const limit = precisionLimit(precision);
  return (buf, start) => {
    const ndigits = buf.readInt16BE(start);
    const weight = buf.readInt16BE(start + 2);
    const sign = buf.readUInt16BE(start + 4);
    if (sign >= NUMERIC_NAN) {
      if (ctx.onNumericSpecial !== undefined) {
        b.appendNull();
        ctx.onNumericSpecial();
        return;
      }
      throw numericSpecial(
        ctx.column,
        sign === NUMERIC_NAN ? 'NaN' : sign === NUMERIC_NINF ? '-Infinity' : 'Infinity',
      );
    }
    const at = b.next();
    const words = b.words;
    // Digits past the column's scale (possible in the last base-10000 group) must be
    // zeros; they are divided away as they are read so the accumulator never exceeds
    // the final magnitude.
    const exponent = ndigits === 0 ? 0 : scale - 4 * (ndigits - 1 - weight);
    const drop = Math.max(0, -exponent);
    let ok = true;
    for (let i = 0; i < ndigits && ok; i++) {
      const digit = buf.readInt16BE(start + 8 + i * 2);
      const dropHere = Math.min(4, Math.max(0, drop - 4 * (ndigits - 1 - i)));
      if (dropHere === 0) ok = mulAdd(words, at, 10_000, digit);
      else {
        const divisor = 10 ** dropHere;
        ok = digit % divisor === 0 && mulAdd(words, at, 10 ** (4 - dropHere), digit / divisor);
      }
    }
    if (ok && exponent > 0) ok = scaleUp(words, at, exponent);
    if (ok && ctx.checkPrecision) ok = below(words, at, limit);
    if (!ok) {
      b.undoNext();
      throw decimalDoesNotFit(ctx.column, precision, scale);
    }
    if (sign === NUMERIC_NEG) negate(words, at);
  };
}

function arrayDecoder(item: RivetType, b: ColumnListBuilder, ctx: DecoderContext): BinaryDecoder {
  const element = binaryDecoder(item, b.child, ctx);
  const child = b.child;
  return (buf, start) => {
    const ndim = buf.readInt32BE(start);
    if (ndim > 1) {
      throw unrepresentable(
        ctx.column,
        `a ${ndim}-dimensional array cannot be written as a list`,
        'export one-dimensional arrays only, or flatten the column in a `query:`',
      );
    }
    if (ndim === 0) {
      b.closeList();
      return;
    }
    const count = buf.readInt32BE(start + 12);
    let p = start + 20;
    for (let i = 0; i < count; i++) {
      const len = buf.readInt32BE(p);
      p += 4;
      if (len < 0) child.appendNull();
      else {
        element(buf, p, len);
        p += len;
      }
    }
    b.closeList();
  };
}
