/**
 * Layer: types. Exact 128-bit two's-complement arithmetic on four little-endian
 * uint32 words, just enough to build Decimal128 values from base-10 or base-10000
 * digits without floats and without a BigInt per value.
 */

const TWO_32 = 0x1_0000_0000;

/** words[at..at+3] = words × mul + add; `mul` and `add` must stay below 2^21. Returns false on overflow. */
export function mulAdd(words: Uint32Array, at: number, mul: number, add: number): boolean {
  let carry = add;
  for (let i = at; i < at + 4; i++) {
    const t = words[i]! * mul + carry;
    const low = t % TWO_32;
    words[i] = low;
    carry = (t - low) / TWO_32;
  }
  // Bit 127 is the sign bit: the magnitude must stay below 2^127.
  return carry === 0 && words[at + 3]! < 0x8000_0000;
}

/** Two's-complement negation in place. */
export function negate(words: Uint32Array, at: number): void {
  let carry = 1;
  for (let i = at; i < at + 4; i++) {
    const t = (~words[i]! >>> 0) + carry;
    words[i] = t % TWO_32;
    carry = t >= TWO_32 ? 1 : 0;
  }
}

/** Multiplies by 10^exp (exp ≥ 0); false on overflow. */
export function scaleUp(words: Uint32Array, at: number, exp: number): boolean {
  let ok = true;
  while (exp > 0 && ok) {
    const step = Math.min(exp, 6);
    ok = mulAdd(words, at, 10 ** step, 0);
    exp -= step;
  }
  return ok;
}

/** 10^precision as four words: the exclusive bound of a decimal(precision, s) magnitude. */
export function precisionLimit(precision: number): Uint32Array {
  const limit = new Uint32Array(4);
  limit[0] = 1;
  scaleUp(limit, 0, precision);
  return limit;
}

/** Unsigned comparison: words[at..at+3] < limit. */
export function below(words: Uint32Array, at: number, limit: Uint32Array): boolean {
  for (let i = 3; i >= 0; i--) {
    if (words[at + i]! !== limit[i]!) return words[at + i]! < limit[i]!;
  }
  return false;
}

function magnitudeToBigInt(words: Uint32Array, at: number): bigint {
  return (
    (BigInt(words[at + 3]!) << 96n) |
    (BigInt(words[at + 2]!) << 64n) |
    (BigInt(words[at + 1]!) << 32n) |
    BigInt(words[at]!)
  );
}

/** The signed unscaled integer held in words[at..at+3]. */
export function decimalToBigInt(words: Uint32Array, at: number): bigint {
  return BigInt.asIntN(128, magnitudeToBigInt(words, at));
}

/** Exact decimal text: unscaled integer with the point inserted `scale` digits from the right. */
export function formatDecimal(words: Uint32Array, at: number, scale: number): string {
  const value = decimalToBigInt(words, at);
  const negative = value < 0n;
  let digits = (negative ? -value : value).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

export type DecimalParseResult = 'ok' | 'overflow' | 'scale' | 'syntax';

/**
 * Parses plain decimal text (`-123.4500`, no exponent) into words[at..] scaled to `scale`.
 * Extra fraction digits are accepted only when they are zeros; nothing is rounded.
 */
export function parseDecimalText(
  text: string,
  scale: number,
  words: Uint32Array,
  at: number,
): DecimalParseResult {
  let i = 0;
  let negative = false;
  if (text[0] === '-' || text[0] === '+') {
    negative = text[0] === '-';
    i = 1;
  }
  let fraction = -1;
  let sawDigit = false;
  words.fill(0, at, at + 4);
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */ && fraction < 0) {
      fraction = 0;
      continue;
    }
    if (c < 48 || c > 57) return 'syntax';
    sawDigit = true;
    if (fraction >= 0 && fraction >= scale) {
      if (c !== 48) return 'scale';
      continue;
    }
    if (fraction >= 0) fraction++;
    if (!mulAdd(words, at, 10, c - 48)) return 'overflow';
  }
  if (!sawDigit) return 'syntax';
  if (!scaleUp(words, at, scale - Math.max(fraction, 0))) return 'overflow';
  if (negative) negate(words, at);
  return 'ok';
}
