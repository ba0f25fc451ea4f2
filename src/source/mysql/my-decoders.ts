/**
 * Layer: source/mysql. Decoders from MySQL/MariaDB text-protocol bytes (the driver
 * hands raw Buffers: no number, Date or JSON conversion) into column builders. Zero
 * dates (`0000-00-00`, or a zero month/day) follow the export's policy: NULL and a
 * count, or an error naming the column.
 */
import type { ColumnBuilder } from '../../types/column-builder.js';
import type { DecimalBuilder, Int64Builder, NumberBuilder } from '../../types/fixed-builders.js';
import type { RivetType } from '../../types/rivet-type.js';
import { daysFromCivil, MICROS_PER_DAY } from '../../types/temporal.js';
import type { VarBuilder } from '../../types/var-builder.js';
import { decimalTextAppender } from '../decimal-text.js';
import { unrepresentable } from '../value-errors.js';
import { formatIsoDuration } from './my-duration.js';

/**
 * Within ±100,000 days of 1970 (years 1696–2243) microseconds stay below 2^53 and are
 * computed as plain numbers; BigInt arithmetic per value cost ~10% of a narrow read.
 */
const SAFE_MICROS_DAYS = 100_000;

/** Text-protocol numbers, dates and durations are ASCII. */
function ascii(buf: Buffer, start: number, end: number): string {
  return buf.toString('latin1', start, end);
}

/** Appends the value held in `buf[start, end)` (never NULL: the caller handles NULL). */
export type MyDecoder = (buf: Buffer, start: number, end: number) => void;

export interface MyDecoderContext {
  readonly column: string;
  readonly checkPrecision: boolean;
  readonly zeroDates: 'null' | 'error';
  /** Called once per zero date turned into NULL. */
  readonly onZeroDate: () => void;
}

export function myDecoder(type: RivetType, builder: ColumnBuilder, ctx: MyDecoderContext): MyDecoder {
  switch (type.kind) {
    case 'bool': {
      const b = builder as NumberBuilder<'bool'>;
      return (buf, start, end) => b.append(boolValue(buf, start, end, ctx.column));
    }
    case 'int16':
    case 'int32': {
      const b = builder as NumberBuilder<'int16' | 'int32'>;
      return (buf, start, end) => b.append(parseSmallInt(buf, start, end));
    }
    case 'int64': {
      const b = builder as Int64Builder;
      return (buf, start, end) =>
        end - start < 16
          ? b.appendNumber(parseSmallInt(buf, start, end))
          : b.appendBigInt(BigInt(ascii(buf, start, end)));
    }
    case 'float32':
    case 'float64': {
      const b = builder as NumberBuilder<'float32' | 'float64'>;
      return (buf, start, end) => b.append(Number(ascii(buf, start, end)));
    }
    case 'decimal':
      return decimalDecoder(builder as DecimalBuilder, ctx);
    case 'date': {
      const b = builder as NumberBuilder<'int32'>;
      return (buf, start, end) => {
        const days = parseDate(buf, start);
        if (days === undefined) zeroDate(b, ctx, ascii(buf, start, end));
        else b.append(days);
      };
    }
    case 'timestamp': {
      const b = builder as Int64Builder;
      return (buf, start, end) => {
        const days = parseDate(buf, start);
        const clock = start + 11;
        if (days === undefined) zeroDate(b, ctx, ascii(buf, start, end));
        else if (Math.abs(days) < SAFE_MICROS_DAYS)
          b.appendNumber(days * MICROS_PER_DAY + parseClock(buf, clock, end));
        else b.appendBigInt(BigInt(days) * BigInt(MICROS_PER_DAY) + BigInt(parseClock(buf, clock, end)));
      };
    }
    case 'interval': {
      const b = builder as VarBuilder;
      return (buf, start, end) => b.appendString(formatIsoDuration(ascii(buf, start, end)));
    }
    case 'utf8':
    case 'json':
    case 'enum':
    case 'binary': {
      const b = builder as VarBuilder;
      return (buf, start, end) => b.appendBytes(buf, start, end - start);
    }
    default:
      throw new Error(`no MySQL decoder for ${type.kind}`);
  }
}

/**
 * TINYINT(1) arrives as digits, BIT(1) as one raw byte. A TINYINT(1) holding 2 or -1 is
 * not a boolean: reading it as `true` would lose the value, so it is an error.
 */
function boolValue(buf: Buffer, start: number, end: number, column: string): number {
  if (end - start === 1) {
    const byte = buf[start]!;
    if (byte === 0x30 || byte === 0) return 0;
    if (byte === 0x31 || byte === 1) return 1;
  }
  throw unrepresentable(
    column,
    `the value ${ascii(buf, start, end)} of a boolean-like TINYINT(1) is neither 0 nor 1`,
    `add \`columns: { ${column}: int }\` to the export to read the column as a number`,
  );
}

/** ASCII digits (optional sign) → number; exact for up to 15 digits. */
function parseSmallInt(buf: Buffer, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (buf[start] === 0x2d) {
    negative = true;
    i++;
  }
  let n = 0;
  for (; i < end; i++) n = n * 10 + (buf[i]! - 0x30);
  return negative ? -n : n;
}

function digits(buf: Buffer, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i++) n = n * 10 + (buf[i]! - 0x30);
  return n;
}

/** `YYYY-MM-DD` at `at` → days since 1970-01-01, or undefined for a zero date. */
function parseDate(buf: Buffer, at: number): number | undefined {
  const year = digits(buf, at, 4);
  const month = digits(buf, at + 5, 2);
  const day = digits(buf, at + 8, 2);
  if (month === 0 || day === 0) return undefined;
  return daysFromCivil(year, month, day);
}

/** `HH:MM:SS[.ffffff]` at `at` (ending at `end`) → microseconds since midnight. */
function parseClock(buf: Buffer, at: number, end: number): number {
  if (end < at + 8) return 0;
  const seconds = digits(buf, at, 2) * 3600 + digits(buf, at + 3, 2) * 60 + digits(buf, at + 6, 2);
  let micros = 0;
  if (buf[at + 8] === 0x2e) {
    const fraction = end - (at + 9);
    micros = digits(buf, at + 9, fraction) * 10 ** (6 - fraction);
  }
  return seconds * 1_000_000 + micros;
}

/** A zero date: NULL and a count, or an error naming the column, per `zero_dates`. */
export function zeroDate(b: ColumnBuilder, ctx: MyDecoderContext, text: string): void {
  if (ctx.zeroDates === 'error') {
    throw unrepresentable(
      ctx.column,
      `the zero date '${text}' is not a date`,
      'remove `zero_dates: error` from the export (the default `as_null` reads zero dates as NULL and counts them in the summary), or fix the data',
    );
  }
  ctx.onZeroDate();
  b.appendNull();
}

function decimalDecoder(b: DecimalBuilder, ctx: MyDecoderContext): MyDecoder {
  const append = decimalTextAppender(b, ctx.column, ctx.checkPrecision);
  return (buf, start, end) => append(ascii(buf, start, end));
}
