/**
 * Layer: source (shared by the adapters). Reads an overridden column from the source's
 * text form into the override's type. A `checked` conversion refuses any value that
 * does not fit exactly, naming the column and the value; a `lossy` one (allowed with
 * `allow_lossy: true`) rounds or truncates instead and counts each value it changed.
 */
import { RivetError } from '../common/errors.js';
import type { ColumnBuilder } from '../types/column-builder.js';
import type {
  DecimalBuilder,
  FixedBytesBuilder,
  Int64Builder,
  NumberBuilder,
} from '../types/fixed-builders.js';
import { formatRivetType, type RivetType } from '../types/rivet-type.js';
import {
  daysOfMicros,
  parseBoolText,
  parseTimestampText,
  parseUuidText,
  scaledInteger,
} from '../types/text-values.js';
import type { VarBuilder } from '../types/var-builder.js';

export interface ConvertContext {
  readonly column: string;
  /** The source type's canonical reading (the text is that type's text form). */
  readonly from: RivetType;
  /** Rounding and truncation are allowed (a lossy override under `allow_lossy: true`). */
  readonly lossy: boolean;
  /** Called once per value the conversion changed. */
  readonly onAltered: () => void;
  /** A zero date (MySQL): appends NULL and counts it, or throws, per `zero_dates`. */
  readonly onZeroDate?: (text: string) => void;
}

/** Appends one non-NULL value given as the source's text. */
export type TextConverter = (text: string) => void;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

const INT_RANGE = {
  int16: [-32768n, 32767n],
  int32: [-2147483648n, 2147483647n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
} as const;

export function textConverter(to: RivetType, builder: ColumnBuilder, ctx: ConvertContext): TextConverter {
  switch (to.kind) {
    case 'bool': {
      const b = builder as NumberBuilder<'bool'>;
      return (text) =>
        b.append(parseBoolText(text) ?? fail(ctx, to, text, 'not a boolean (0/1, true/false)'));
    }
    case 'int16':
    case 'int32': {
      const b = builder as NumberBuilder<'int16' | 'int32'>;
      return (text) => b.append(Number(integer(text, to, ctx)));
    }
    case 'int64': {
      const b = builder as Int64Builder;
      return (text) => b.appendBigInt(integer(text, to, ctx));
    }
    case 'float32':
    case 'float64':
      return floatConverter(to, builder as NumberBuilder<'float32' | 'float64'>, ctx);
    case 'decimal':
      return decimalConverter(to, builder as DecimalBuilder, ctx);
    case 'date': {
      const b = builder as NumberBuilder<'int32'>;
      return (text) => {
        const micros = instant(text, to, ctx);
        if (micros === undefined) return; // a zero date: onZeroDate appended NULL
        const days = daysOfMicros(micros);
        // A time of day (or an offset) would be dropped: refused unless the override is lossy.
        if (days.altered) rounded(ctx, to, text);
        if (days.value < INT32_MIN || days.value > INT32_MAX) fail(ctx, to, text, 'out of the date range');
        b.append(days.value);
      };
    }
    case 'timestamp': {
      const b = builder as Int64Builder;
      return (text) => {
        const micros = instant(text, to, ctx);
        if (micros === undefined) return; // a zero date: onZeroDate appended NULL
        if (micros < INT_RANGE.int64[0] || micros > INT_RANGE.int64[1])
          fail(ctx, to, text, 'out of the timestamp range');
        b.appendBigInt(micros);
      };
    }
    case 'uuid': {
      const b = builder as FixedBytesBuilder;
      return (text) => {
        const at = b.next();
        if (!parseUuidText(text, b.bytes, at)) fail(ctx, to, text, 'not a UUID');
      };
    }
    case 'json': {
      const b = builder as VarBuilder;
      return (text) => {
        if (!isJson(text)) fail(ctx, to, text, 'not valid JSON');
        b.appendString(text);
      };
    }
    case 'binary':
      return binaryConverter(builder as VarBuilder, ctx);
    default:
      throw new Error(`no override conversion to ${formatRivetType(to)}`);
  }
}

/** A binary source (raw bytes) read as a UUID: exactly 16 bytes each. */
export function bytesToUuid(
  builder: ColumnBuilder,
  column: string,
): (buf: Uint8Array, start: number, end: number) => void {
  const b = builder as FixedBytesBuilder;
  return (buf, start, end) => {
    if (end - start !== 16) {
      throw mismatchError(
        column,
        'uuid',
        `a value of ${end - start} bytes`,
        'a UUID is exactly 16 bytes',
        false,
      );
    }
    const at = b.next();
    b.bytes.set(buf.subarray(start, end), at);
  };
}

function integer(text: string, to: { kind: 'int16' | 'int32' | 'int64' }, ctx: ConvertContext): bigint {
  const bool = ctx.from.kind === 'bool' ? parseBoolText(text) : undefined;
  if (bool !== undefined) return BigInt(bool);
  const read = scaledInteger(text, 0);
  if (read === undefined) return fail(ctx, to, text, 'not a number');
  const [min, max] = INT_RANGE[to.kind];
  if (read === 'overflow' || read.value < min || read.value > max)
    return fail(ctx, to, text, `out of ${to.kind} range`);
  if (read.altered) rounded(ctx, to, text);
  return read.value;
}

function floatConverter(
  to: { kind: 'float32' | 'float64' },
  b: NumberBuilder<'float32' | 'float64'>,
  ctx: ConvertContext,
): TextConverter {
  const special: Readonly<Record<string, number>> = {
    nan: Number.NaN,
    infinity: Infinity,
    '-infinity': -Infinity,
    inf: Infinity,
    '-inf': -Infinity,
  };
  return (text) => {
    const lower = text.trim().toLowerCase();
    let value = special[lower];
    if (value === undefined) {
      const exact = scaledInteger(text, 0);
      if (exact === undefined) fail(ctx, to, text, 'not a number');
      value = Number(text);
      // 1e400 is not infinity, and 1e-400 is not zero: the float cannot hold them.
      if (!Number.isFinite(value)) fail(ctx, to, text, `out of ${to.kind} range`);
      if (value === 0 && /[1-9]/.test(text.replace(/[eE].*$/, ''))) rounded(ctx, to, text);
    }
    // A float4 source prints its shortest float4 form; read back as float4 it is the same value.
    if (ctx.from.kind === 'float32') value = Math.fround(value);
    if (ctx.from.kind === 'int64' && Number.isFinite(value) && BigInt(value) !== BigInt(text.trim())) {
      rounded(ctx, to, text);
    }
    if (ctx.from.kind === 'decimal' && decimalChanged(text, value, ctx.from.scale)) rounded(ctx, to, text);
    if (to.kind === 'float32' && Math.fround(value) !== value && !Number.isNaN(value)) {
      if (!Number.isFinite(Math.fround(value))) fail(ctx, to, text, 'out of float32 range');
      rounded(ctx, to, text);
    }
    b.append(value);
  };
}

/** The float's shortest form names another decimal than the source's (digits were lost). */
function decimalChanged(text: string, value: number, scale: number): boolean {
  const source = scaledInteger(text, scale);
  const written = scaledInteger(String(value), scale);
  if (typeof source !== 'object' || typeof written !== 'object') return true;
  return written.altered || written.value !== source.value;
}

function decimalConverter(
  to: { kind: 'decimal'; precision: number; scale: number },
  b: DecimalBuilder,
  ctx: ConvertContext,
): TextConverter {
  const limit = 10n ** BigInt(to.precision);
  return (text) => {
    const bool = ctx.from.kind === 'bool' ? parseBoolText(text) : undefined;
    const read =
      bool === undefined
        ? scaledInteger(text, to.scale)
        : { value: BigInt(bool) * 10n ** BigInt(to.scale), altered: false };
    if (read === undefined) fail(ctx, to, text, 'not a number');
    if (read === 'overflow' || read.value >= limit || read.value <= -limit)
      fail(ctx, to, text, 'too many digits');
    if (read.altered) rounded(ctx, to, text);
    const at = b.next();
    let v = BigInt.asUintN(128, read.value);
    for (let i = 0; i < 4; i++) {
      b.words[at + i] = Number(v & 0xffff_ffffn);
      v >>= 32n;
    }
  };
}

/** The instant a date or timestamp text names, or undefined when onZeroDate took a zero date. */
function instant(text: string, to: RivetType, ctx: ConvertContext): bigint | undefined {
  const parsed = parseTimestampText(text);
  if (parsed === 'zero' && ctx.onZeroDate !== undefined) {
    ctx.onZeroDate(text);
    return undefined;
  }
  if (parsed === undefined || parsed === 'zero') {
    return fail(
      ctx,
      to,
      text,
      /infinity/i.test(text) ? 'an infinite date' : 'not an ISO-8601 date or timestamp',
    );
  }
  if (parsed.truncated) rounded(ctx, to, text);
  return parsed.micros;
}

function binaryConverter(b: VarBuilder, ctx: ConvertContext): TextConverter {
  if (ctx.from.kind !== 'uuid') return (text) => b.appendString(text);
  const bytes = new Uint8Array(16);
  return (text) => {
    if (!parseUuidText(text, bytes, 0)) fail(ctx, { kind: 'binary' }, text, 'not a UUID');
    b.appendBytes(Buffer.from(bytes.buffer, bytes.byteOffset, 16), 0, 16);
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** A value the conversion had to change: counted when lossy is allowed, else refused. */
function rounded(ctx: ConvertContext, to: RivetType, text: string): void {
  if (ctx.lossy) ctx.onAltered();
  else fail(ctx, to, text, 'it would have to be rounded or truncated', true);
}

function fail(ctx: ConvertContext, to: RivetType, text: string, why: string, roundable = false): never {
  throw mismatchError(ctx.column, formatRivetType(to), `the value '${shorten(text)}'`, why, roundable);
}

function mismatchError(
  column: string,
  target: string,
  what: string,
  why: string,
  roundable: boolean,
): RivetError {
  return new RivetError(
    'RIVET_DATA_OVERRIDE_MISMATCH',
    `column '${column}': ${what} does not fit the \`columns:\` override ${target}: ${why}`,
    {
      hint: roundable
        ? 'widen the override, fix the data, or set `allow_lossy: true` on the export to round such values (each one is counted in the summary)'
        : 'fix the data, filter it in a `query:`, or change the `columns:` override of this column',
    },
  );
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Counts one value of `column` in a per-column tally. */
export function countValue(counts: Map<string, number>, column: string): void {
  counts.set(column, (counts.get(column) ?? 0) + 1);
}

/** One warning per column whose values a lossy override changed. */
export function reportAltered(
  altered: ReadonlyMap<string, number>,
  onWarning: ((message: string) => void) | undefined,
): void {
  for (const [column, count] of altered) {
    onWarning?.(
      `column '${column}': ${count} value(s) rounded or truncated by its lossy \`columns:\` override`,
    );
  }
}
