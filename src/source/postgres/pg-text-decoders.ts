/**
 * Layer: source/postgres. Decoders from PostgreSQL text output (the cursor path)
 * into the same builders as the binary decoders. The read session pins the
 * formats: DateStyle ISO, IntervalStyle iso_8601, TimeZone UTC, bytea hex.
 */
import type { ColumnBuilder, ColumnListBuilder } from '../../types/column-builder.js';
import type {
  DecimalBuilder,
  FixedBytesBuilder,
  Int64Builder,
  NumberBuilder,
} from '../../types/fixed-builders.js';
import type { RivetType } from '../../types/rivet-type.js';
import { daysFromCivil, MICROS_PER_DAY } from '../../types/temporal.js';
import type { VarBuilder } from '../../types/var-builder.js';
import { decimalTextAppender } from '../decimal-text.js';
import { infiniteValue, numericSpecial, unrepresentable } from '../value-errors.js';
import { parseArrayLiteral } from './pg-array-literal.js';
import type { DecoderContext } from './pg-binary-decoders.js';

export type TextDecoder = (text: string) => void;

export function textDecoder(type: RivetType, builder: ColumnBuilder, ctx: DecoderContext): TextDecoder {
  switch (type.kind) {
    case 'bool': {
      const b = builder as NumberBuilder<'bool'>;
      return (t) => b.append(t === 't' ? 1 : 0);
    }
    case 'int16':
    case 'int32': {
      const b = builder as NumberBuilder<'int16' | 'int32'>;
      return (t) => b.append(Number.parseInt(t, 10));
    }
    case 'float32':
    case 'float64': {
      const b = builder as NumberBuilder<'float32' | 'float64'>;
      return (t) => b.append(parseFloatText(t));
    }
    case 'int64': {
      const b = builder as Int64Builder;
      return (t) => (t.length < 16 ? b.appendNumber(Number(t)) : b.appendBigInt(BigInt(t)));
    }
    case 'time': {
      const b = builder as Int64Builder;
      return (t) => b.appendNumber(parseTimeOfDay(t, 0));
    }
    case 'timestamp': {
      const b = builder as Int64Builder;
      return (t) => b.appendBigInt(parseTimestamp(t, ctx));
    }
    case 'date': {
      const b = builder as NumberBuilder<'int32'>;
      return (t) => b.append(parseDate(t, ctx));
    }
    case 'decimal':
      return decimalText(builder as DecimalBuilder, ctx);
    case 'uuid': {
      const b = builder as FixedBytesBuilder;
      return (t) => {
        const at = b.next();
        b.bytes.set(Buffer.from(t.replace(/-/g, ''), 'hex'), at);
      };
    }
    case 'binary': {
      const b = builder as VarBuilder;
      return (t) => {
        const bytes = Buffer.from(t.slice(2), 'hex');
        b.appendBytes(bytes, 0, bytes.length);
      };
    }
    case 'utf8':
    case 'json':
    case 'enum': {
      const b = builder as VarBuilder;
      return (t) => b.appendString(t);
    }
    case 'interval': {
      const b = builder as VarBuilder;
      return (t) => {
        // PostgreSQL 17+ has infinite intervals; ISO 8601 has no spelling for them.
        if (t === 'infinity' || t === '-infinity') throw infiniteValue(ctx.column, `interval ${t}`);
        b.appendString(t);
      };
    }
    case 'list':
      return arrayText(type.item, builder as ColumnListBuilder, ctx);
  }
}

function parseFloatText(t: string): number {
  if (t === 'NaN') return Number.NaN;
  if (t === 'Infinity') return Number.POSITIVE_INFINITY;
  if (t === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(t);
}

/** `YYYY-MM-DD[ BC]` → days since 1970-01-01 (BC year n is astronomical year 1 - n). */
function parseDate(t: string, ctx: DecoderContext): number {
  if (t === 'infinity' || t === '-infinity') {
    throw infiniteValue(ctx.column, `date ${t}`);
  }
  const dash = t.indexOf('-', 1);
  let year = Number(t.slice(0, dash));
  if (t.endsWith(' BC')) year = 1 - year;
  return daysFromCivil(year, Number(t.slice(dash + 1, dash + 3)), Number(t.slice(dash + 4, dash + 6)));
}

/** `HH:MM:SS[.ffffff]` starting at `at` → microseconds since midnight. */
function parseTimeOfDay(t: string, at: number): number {
  const h = Number(t.slice(at, at + 2));
  const m = Number(t.slice(at + 3, at + 5));
  const s = Number(t.slice(at + 6, at + 8));
  let micros = 0;
  if (t[at + 8] === '.') {
    let end = at + 9;
    while (end < t.length && t.charCodeAt(end) >= 48 && t.charCodeAt(end) <= 57) end++;
    micros = Number(t.slice(at + 9, end).padEnd(6, '0'));
  }
  return ((h * 60 + m) * 60 + s) * 1_000_000 + micros;
}

/** `YYYY-MM-DD HH:MM:SS[.ffffff][±HH[:MM[:SS]]][ BC]` → µs since the Unix epoch (UTC). */
function parseTimestamp(t: string, ctx: DecoderContext): bigint {
  if (t === 'infinity' || t === '-infinity') {
    throw infiniteValue(ctx.column, `timestamp ${t}`);
  }
  const bc = t.endsWith(' BC');
  const body = bc ? t.slice(0, -3) : t;
  const space = body.indexOf(' ');
  const datePart = body.slice(0, space);
  const days = parseDate(bc ? `${datePart} BC` : datePart, ctx);
  const timeStart = space + 1;
  const micros = parseTimeOfDay(body, timeStart);
  let offsetSeconds = 0;
  const zone = body.slice(timeStart + 8).replace(/^\.\d+/, '');
  if (zone !== '') {
    const sign = zone[0] === '-' ? -1 : 1;
    const [hh = '0', mm = '0', ss = '0'] = zone.slice(1).split(':');
    offsetSeconds = sign * (Number(hh) * 3600 + Number(mm) * 60 + Number(ss));
  }
  return BigInt(days) * BigInt(MICROS_PER_DAY) + BigInt(micros) - BigInt(offsetSeconds) * 1_000_000n;
}

function decimalText(b: DecimalBuilder, ctx: DecoderContext): TextDecoder {
  const append = decimalTextAppender(b, ctx.column, ctx.checkPrecision);
  return (t) => {
    if (t === 'NaN' || t === 'Infinity' || t === '-Infinity') {
      if (ctx.onNumericSpecial === undefined) throw numericSpecial(ctx.column, t);
      b.appendNull();
      ctx.onNumericSpecial();
      return;
    }
    append(t);
  };
}

function arrayText(item: RivetType, b: ColumnListBuilder, ctx: DecoderContext): TextDecoder {
  const element = textDecoder(item, b.child, ctx);
  const child = b.child;
  return (t) => {
    const values = parseArrayLiteral(t);
    if (values === 'multidimensional') {
      throw unrepresentable(
        ctx.column,
        'a multi-dimensional array cannot be written as a list',
        'export one-dimensional arrays only, or flatten the column in a `query:`',
      );
    }
    for (const value of values) {
      if (value === null) child.appendNull();
      else element(value);
    }
    b.closeList();
  };
}
