/**
 * Layer: types (leaf). Strict readers of the text forms databases print — numbers
 * (plain or with an exponent), ISO dates and timestamps (with an optional offset and
 * `BC`), UUIDs — into exact values. Each returns undefined for text it does not accept,
 * and says when a reading had to round or truncate, so callers can refuse or count it.
 */
import { civilFromDays, daysFromCivil, MICROS_PER_DAY } from './temporal.js';

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
/** Beyond this many digits a value cannot fit any type Rivet writes (Decimal128 holds 38). */
const MAX_SHIFT = 400;

export interface Rounded<T> {
  readonly value: T;
  /** Non-zero digits were dropped (and the value rounded half away from zero). */
  readonly altered: boolean;
}

/** `text` × 10^scale as an integer, rounded half away from zero; undefined for non-numbers. */
export function scaledInteger(text: string, scale: number): Rounded<bigint> | 'overflow' | undefined {
  const m = NUMBER.exec(text.trim());
  if (m === null) return undefined;
  const whole = m[2] ?? '';
  const fraction = m[3] ?? '';
  if (whole === '' && fraction === '') return undefined;
  const digits = (whole + fraction).replace(/^0+/, '');
  if (digits === '') return { value: 0n, altered: false };
  const shift = Number(m[4] ?? '0') - fraction.length + scale;
  if (digits.length + shift > MAX_SHIFT) return 'overflow';
  let value: bigint;
  let altered = false;
  if (shift >= 0) {
    value = BigInt(digits) * 10n ** BigInt(shift);
  } else {
    const cut = digits.length + shift;
    const kept = cut > 0 ? digits.slice(0, cut) : '';
    const dropped = cut > 0 ? digits.slice(cut) : digits;
    altered = /[1-9]/.test(dropped);
    const roundUp = cut >= 0 && dropped.charCodeAt(0) >= 53; /* '5' */
    value = BigInt(kept === '' ? '0' : kept) + (roundUp ? 1n : 0n);
  }
  return { value: m[1] === '-' ? -value : value, altered };
}

const TIMESTAMP =
  /^(\d{4,})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2}){0,2})?( BC)?$/i;

export interface ParsedTimestamp {
  /** Microseconds since 1970-01-01 00:00 UTC (the offset applied). */
  readonly micros: bigint;
  /** Digits below the microsecond were dropped. */
  readonly truncated: boolean;
  /** Whether the text carried an offset (or `Z`). */
  readonly hasOffset: boolean;
}

/**
 * `YYYY-MM-DD[ HH:MM[:SS[.f…]]][offset][ BC]` → an instant. A zero month or day (MySQL's
 * zero dates) returns 'zero'; an impossible date (Feb 30) returns undefined.
 */
export function parseTimestampText(text: string): ParsedTimestamp | 'zero' | undefined {
  const m = TIMESTAMP.exec(text.trim());
  if (m === null) return undefined;
  const [, y, mo, d, hh = '0', mm = '0', ss = '0', fraction = '', offset, bc] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month === 0 || day === 0) return 'zero';
  const year = bc === undefined ? Number(y) : 1 - Number(y);
  const days = daysFromCivil(year, month, day);
  const civil = civilFromDays(days);
  if (civil.month !== month || civil.day !== day || month > 12) return undefined;
  const [h, min, s] = [Number(hh), Number(mm), Number(ss)];
  if (h > 24 || min > 59 || s > 60 || (h === 24 && (min > 0 || s > 0))) return undefined;
  const micros = Number(fraction.slice(0, 6).padEnd(6, '0'));
  const clock = BigInt(((h * 60 + min) * 60 + s) * 1_000_000 + micros);
  return {
    micros: BigInt(days) * BigInt(MICROS_PER_DAY) + clock - offsetMicros(offset),
    truncated: /[1-9]/.test(fraction.slice(6)),
    hasOffset: offset !== undefined,
  };
}

function offsetMicros(offset: string | undefined): bigint {
  if (offset === undefined || offset.toUpperCase() === 'Z') return 0n;
  const digits = offset.slice(1).replaceAll(':', '');
  const seconds =
    Number(digits.slice(0, 2)) * 3600 +
    Number(digits.slice(2, 4) || '0') * 60 +
    Number(digits.slice(4, 6) || '0');
  return BigInt(offset[0] === '-' ? -seconds : seconds) * 1_000_000n;
}

/** Floor division of microseconds into whole days since 1970-01-01. */
export function daysOfMicros(micros: bigint): Rounded<number> {
  const perDay = BigInt(MICROS_PER_DAY);
  let days = micros / perDay;
  const rest = micros % perDay;
  if (rest < 0n) days -= 1n;
  return { value: Number(days), altered: rest !== 0n };
}

const UUID = /^([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})$/i;

/** A UUID's text (hyphenated, bare or braced) → its 16 bytes, written at `out[at]`. */
export function parseUuidText(text: string, out: Uint8Array, at: number): boolean {
  const trimmed = text.trim();
  const bare = trimmed.startsWith('{') && trimmed.endsWith('}') ? trimmed.slice(1, -1) : trimmed;
  const m = UUID.exec(bare);
  if (m === null) return false;
  const hex = m.slice(1).join('');
  for (let i = 0; i < 16; i++) out[at + i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return true;
}

const BOOL_TEXT: Readonly<Record<string, number>> = { t: 1, true: 1, '1': 1, f: 0, false: 0, '0': 0 };

/** `t`/`true`/`1` → 1, `f`/`false`/`0` → 0 (any case), else undefined. */
export function parseBoolText(text: string): number | undefined {
  return BOOL_TEXT[text.trim().toLowerCase()];
}
