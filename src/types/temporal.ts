/**
 * Layer: types. Calendar arithmetic on the proleptic Gregorian calendar and the
 * ISO-8601 spellings Rivet writes: astronomical years (1 BC = 0000, 2 BC = -0001),
 * a `+` sign past 9999, microsecond fractions, `Z` only for instants.
 */

export const MICROS_PER_DAY = 86_400_000_000;
/** Days from 1970-01-01 to 2000-01-01 (PostgreSQL's epoch). */
export const PG_EPOCH_DAYS = 10_957;

/** Days since 1970-01-01 → civil date (Hinnant's algorithm; exact for any int32 day count). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Civil date → days since 1970-01-01. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : String(n)));

function pad2(n: number): string {
  return TWO_DIGITS[n] ?? String(n);
}

export function formatYear(year: number): string {
  if (year < 0) return `-${String(-year).padStart(4, '0')}`;
  if (year > 9999) return `+${year}`;
  return String(year).padStart(4, '0');
}

let lastDays = Number.NaN;
let lastDate = '';

/** `YYYY-MM-DD` for days since 1970-01-01 (consecutive values mostly share a day: memoised). */
export function formatDate(days: number): string {
  if (days === lastDays) return lastDate;
  const { year, month, day } = civilFromDays(days);
  lastDays = days;
  lastDate = `${formatYear(year)}-${pad2(month)}-${pad2(day)}`;
  return lastDate;
}

/** `HH:MM:SS.ffffff` for microseconds since midnight (24:00:00 allowed). */
export function formatTimeOfDay(micros: number): string {
  const totalSeconds = Math.floor(micros / 1_000_000);
  const fraction = micros - totalSeconds * 1_000_000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}.${String(fraction).padStart(6, '0')}`;
}

/** `YYYY-MM-DDTHH:MM:SS.ffffff[Z]` from µs since the Unix epoch, as a 64-bit (low, high) word pair. */
export function formatTimestampWords(low: number, high: number, utc: boolean): string {
  let days: number;
  let micros: number;
  if (high >= -0x20_0000 && high < 0x20_0000) {
    // |value| < 2^53: plain doubles are exact.
    const value = high * 0x1_0000_0000 + (low >>> 0);
    days = Math.floor(value / MICROS_PER_DAY);
    micros = value - days * MICROS_PER_DAY;
  } else {
    const value = (BigInt(high) << 32n) | BigInt(low >>> 0);
    const perDay = BigInt(MICROS_PER_DAY);
    let d = value / perDay;
    let r = value % perDay;
    if (r < 0n) {
      d -= 1n;
      r += perDay;
    }
    days = Number(d);
    micros = Number(r);
  }
  return `${formatDate(days)}T${formatTimeOfDay(micros)}${utc ? 'Z' : ''}`;
}
