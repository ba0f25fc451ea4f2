/**
 * Layer: types (leaf). How faithfully a value survives the trip from the source's type
 * to the output type — the vocabulary of the type report, `--strict` and `allow_lossy`:
 * - exact: the same type;
 * - widened: a wider type that holds every value unchanged;
 * - compatible: every value kept, in another representation (text form, ISO-8601, WKB);
 * - checked: the output type cannot hold every value the source type can, so each value
 *   is checked as it is read and one that does not fit fails the run (nothing is altered);
 * - lossy: values may be rounded or truncated (needs `allow_lossy: true`);
 * - unsupported: no conversion exists.
 */
import { type Fidelity, type FidelityVerdict, formatRivetType, type RivetType } from './rivet-type.js';

export type { Fidelity, FidelityVerdict };

/** Digits an integer type always holds in full (int16 holds every 4-digit number, …). */
const INT_DIGITS = { int16: 4, int32: 9, int64: 18 } as const;
/** Digits an integer type may need (its largest value's length). */
const INT_WIDTH = { int16: 5, int32: 10, int64: 19 } as const;
const INT_RANK = { int16: 1, int32: 2, int64: 3 } as const;

type IntKind = keyof typeof INT_RANK;

const verdict = (fidelity: Fidelity, reason: string): FidelityVerdict => ({ fidelity, reason });

function isInt(type: RivetType): type is { kind: IntKind } {
  return type.kind === 'int16' || type.kind === 'int32' || type.kind === 'int64';
}

/** Fidelity of reading a `from` value (as the source's text form) into `to`. */
export function conversionFidelity(from: RivetType, to: RivetType): FidelityVerdict {
  if (formatRivetType(from) === formatRivetType(to)) return verdict('exact', 'same type');
  switch (to.kind) {
    case 'bool':
      return toBool(from);
    case 'int16':
    case 'int32':
    case 'int64':
      return toInt(from, to.kind);
    case 'float32':
    case 'float64':
      return toFloat(from, to.kind);
    case 'decimal':
      return toDecimal(from, to);
    case 'date':
      return toDate(from);
    case 'timestamp':
      return toTimestamp(from, to.utc);
    case 'uuid':
      return toUuid(from);
    case 'json':
      return from.kind === 'utf8' || from.kind === 'enum'
        ? verdict('checked', 'every value must be valid JSON')
        : unsupported(from, to);
    case 'binary':
      return ['utf8', 'json', 'enum'].includes(from.kind)
        ? verdict('compatible', 'the UTF-8 bytes of the text')
        : from.kind === 'uuid'
          ? verdict('compatible', 'the 16 bytes of the UUID')
          : unsupported(from, to);
    default:
      return unsupported(from, to);
  }
}

function unsupported(from: RivetType, to: RivetType): FidelityVerdict {
  return verdict('unsupported', `a ${formatRivetType(from)} value cannot be read as ${formatRivetType(to)}`);
}

function toBool(from: RivetType): FidelityVerdict {
  if (isInt(from)) return verdict('checked', 'every value must be 0 or 1');
  if (from.kind === 'utf8') return verdict('checked', 'every value must be true/false/t/f/1/0');
  return unsupported(from, { kind: 'bool' });
}

function toInt(from: RivetType, to: IntKind): FidelityVerdict {
  if (from.kind === 'bool') return verdict('widened', 'false/true as 0/1');
  if (isInt(from)) {
    return INT_RANK[from.kind] < INT_RANK[to]
      ? verdict('widened', `every ${from.kind} fits ${to}`)
      : verdict('checked', `every value must fit ${to}`);
  }
  if (from.kind === 'decimal') {
    if (from.scale > 0) return verdict('lossy', 'fractions are rounded half away from zero');
    return from.precision <= INT_DIGITS[to]
      ? verdict('widened', `every ${from.precision}-digit integer fits ${to}`)
      : verdict('checked', `every value must fit ${to}`);
  }
  if (from.kind === 'float32' || from.kind === 'float64') {
    return verdict('lossy', 'fractions are rounded half away from zero; NaN and infinities fail');
  }
  if (from.kind === 'utf8') return verdict('checked', `every value must be an integer that fits ${to}`);
  return unsupported(from, { kind: to });
}

function toFloat(from: RivetType, to: 'float32' | 'float64'): FidelityVerdict {
  if (from.kind === 'float32') return verdict('widened', 'every float32 is a float64');
  if (from.kind === 'float64') return verdict('lossy', 'values are rounded to the nearest float32');
  if (from.kind === 'int16') return verdict('widened', `every int16 is a ${to}`);
  if (from.kind === 'int32') {
    return to === 'float64'
      ? verdict('widened', 'every int32 is a float64')
      : verdict('lossy', 'integers beyond 2^24 are rounded');
  }
  if (from.kind === 'int64') {
    return to === 'float64'
      ? verdict('checked', 'every value must be an integer a float64 holds exactly (|v| ≤ 2^53)')
      : verdict('lossy', 'integers beyond 2^24 are rounded');
  }
  if (from.kind === 'decimal') {
    return from.scale === 0 && from.precision <= (to === 'float64' ? 15 : 6)
      ? verdict('widened', `every ${from.precision}-digit integer is a ${to}`)
      : verdict('lossy', 'binary floating point rounds most decimal fractions');
  }
  if (from.kind === 'utf8')
    return verdict('checked', 'every value must be a number (read to the nearest float)');
  return unsupported(from, { kind: to });
}

function toDecimal(from: RivetType, to: { precision: number; scale: number }): FidelityVerdict {
  const integerDigits = to.precision - to.scale;
  const target = `decimal(${to.precision},${to.scale})`;
  if (from.kind === 'decimal') {
    if (from.scale > to.scale) return verdict('lossy', `fractions beyond ${to.scale} digits are rounded`);
    return from.precision - from.scale <= integerDigits
      ? verdict('widened', `every ${formatRivetType(from)} fits ${target}`)
      : verdict('checked', `every value must fit ${target}`);
  }
  if (isInt(from)) {
    return INT_WIDTH[from.kind] <= integerDigits
      ? verdict('widened', `every ${from.kind} fits ${target}`)
      : verdict('checked', `every value must fit ${target}`);
  }
  if (from.kind === 'float32' || from.kind === 'float64') {
    return verdict('lossy', `the float's shortest decimal form, rounded to ${to.scale} digits`);
  }
  if (from.kind === 'utf8') return verdict('checked', `every value must be a number that fits ${target}`);
  return unsupported(from, { kind: 'decimal', ...to });
}

function toDate(from: RivetType): FidelityVerdict {
  if (from.kind === 'timestamp') return verdict('lossy', 'the time of day is dropped');
  if (from.kind === 'utf8') return verdict('checked', 'every value must be a YYYY-MM-DD date');
  return unsupported(from, { kind: 'date' });
}

function toTimestamp(from: RivetType, utc: boolean): FidelityVerdict {
  if (from.kind === 'timestamp') {
    return verdict(
      'compatible',
      utc ? 'the wall-clock time is read as UTC' : 'the UTC instant is written as its UTC wall-clock time',
    );
  }
  if (from.kind === 'date') return verdict('widened', 'midnight of the date');
  if (from.kind === 'utf8') {
    return verdict('checked', 'every value must be an ISO-8601 timestamp; an offset is converted to UTC');
  }
  return unsupported(from, { kind: 'timestamp', utc });
}

function toUuid(from: RivetType): FidelityVerdict {
  if (from.kind === 'utf8') return verdict('checked', 'every value must be a UUID in text (32 hex digits)');
  if (from.kind === 'binary') return verdict('checked', 'every value must be exactly 16 bytes');
  return unsupported(from, { kind: 'uuid' });
}

/** Whether a fidelity lets a value change: what `--strict` refuses. */
export function altersValues(fidelity: Fidelity): boolean {
  return fidelity === 'lossy' || fidelity === 'unsupported';
}
