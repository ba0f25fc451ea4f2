import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  below,
  type DecimalParseResult,
  decimalToBigInt,
  formatDecimal,
  mulAdd,
  negate,
  parseDecimalText,
  precisionLimit,
  scaleUp,
} from './decimal128.js';

const TWO_127 = 2n ** 127n;

/** Words holding `value` (two's complement, 128 bits), placed at `at` in a larger array. */
function wordsOf(value: bigint, at = 0, size = at + 4): Uint32Array {
  const words = new Uint32Array(size);
  const raw = BigInt.asUintN(128, value);
  for (let i = 0; i < 4; i++) words[at + i] = Number((raw >> BigInt(32 * i)) & 0xffff_ffffn);
  return words;
}

function parse(text: string, scale: number): { result: DecimalParseResult; value: bigint } {
  // A non-zero offset proves the functions honour `at` and leave other words alone.
  const words = new Uint32Array(12).fill(0xdead_beef);
  const result = parseDecimalText(text, scale, words, 4);
  expect(words.subarray(0, 4).every((w) => w === 0xdead_beef)).toBe(true);
  expect(words.subarray(8).every((w) => w === 0xdead_beef)).toBe(true);
  return { result, value: decimalToBigInt(words, 4) };
}

/** parse → format must give `canonical` back, and parsing that again gives the same words. */
function expectRoundTrip(text: string, scale: number, canonical: string, unscaled: bigint): void {
  const { result, value } = parse(text, scale);
  expect(result, text).toBe('ok');
  expect(value, text).toBe(unscaled);
  const words = wordsOf(value, 4, 8);
  expect(formatDecimal(words, 4, scale)).toBe(canonical);
  expect(parse(canonical, scale)).toEqual({ result: 'ok', value: unscaled });
}

/** The reference: the unscaled integer of a plain decimal string at `scale`, by BigInt. */
function referenceUnscaled(text: string, scale: number): bigint {
  const negative = text.startsWith('-');
  const body = negative || text.startsWith('+') ? text.slice(1) : text;
  const [int = '', frac = ''] = body.split('.');
  // Callers only pass zeros beyond the scale, so cutting them off loses nothing.
  const magnitude = BigInt(`${int}${frac.padEnd(scale, '0').slice(0, scale)}` || '0');
  return negative ? -magnitude : magnitude;
}

/** The reference: canonical text of an unscaled integer at `scale`. */
function referenceText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

const NINES_38 = '9'.repeat(38);

describe('parseDecimalText / formatDecimal at the edges', () => {
  it('round-trips zero, with or without sign and fraction', () => {
    expectRoundTrip('0', 0, '0', 0n);
    expectRoundTrip('0', 4, '0.0000', 0n);
    expectRoundTrip('-0', 2, '0.00', 0n);
    expectRoundTrip('+0.00', 2, '0.00', 0n);
    expectRoundTrip('.5', 1, '0.5', 5n);
    expectRoundTrip('5.', 0, '5', 5n);
  });

  it('round-trips the smallest negative fraction -0.0000000001 at scale 10', () => {
    expectRoundTrip('-0.0000000001', 10, '-0.0000000001', -1n);
    expectRoundTrip('0.0000000001', 10, '0.0000000001', 1n);
  });

  it('round-trips ±(10^38 - 1) at scale 0 and at scale 10', () => {
    const max = 10n ** 38n - 1n;
    expectRoundTrip(NINES_38, 0, NINES_38, max);
    expectRoundTrip(`-${NINES_38}`, 0, `-${NINES_38}`, -max);
    const scaled = `${'9'.repeat(28)}.${'9'.repeat(10)}`;
    expectRoundTrip(scaled, 10, scaled, max);
    expectRoundTrip(`-${scaled}`, 10, `-${scaled}`, -max);
  });

  it('round-trips 38-digit values with every word in use', () => {
    expectRoundTrip(
      '12345678901234567890123456789012345678',
      0,
      '12345678901234567890123456789012345678',
      12345678901234567890123456789012345678n,
    );
    expectRoundTrip(
      '-1234567890123456789012345678.9012345678',
      10,
      '-1234567890123456789012345678.9012345678',
      -12345678901234567890123456789012345678n,
    );
    expectRoundTrip(
      '0.10000000000000000000000000000000000001',
      38,
      '0.10000000000000000000000000000000000001',
      10n ** 37n + 1n,
    );
    expectRoundTrip(`-0.${NINES_38}`, 38, `-0.${NINES_38}`, -(10n ** 38n - 1n));
  });

  it('accepts leading zeros beyond 38 digits (they carry no magnitude)', () => {
    expectRoundTrip(`${'0'.repeat(60)}42.5`, 1, '42.5', 425n);
  });

  it('accepts extra fraction digits only when they are zeros', () => {
    expectRoundTrip('1.50000000', 2, '1.50', 150n);
    expectRoundTrip('-7.000', 0, '-7', -7n);
    expectRoundTrip('3.', 2, '3.00', 300n);
    expect(parse('1.501', 2).result).toBe('scale');
    expect(parse('-0.0000000001', 9).result).toBe('scale');
    expect(parse('7.1', 0).result).toBe('scale');
    expect(parse('1.000000000000000000000000000000000000000001', 2).result).toBe('scale');
  });

  it('pads missing fraction digits up to the scale', () => {
    expectRoundTrip('12', 5, '12.00000', 1_200_000n);
    expectRoundTrip('-12.3', 3, '-12.300', -12_300n);
  });

  it('rejects text that is not a plain decimal', () => {
    for (const text of [
      '',
      '-',
      '+',
      '.',
      '-.',
      '1e5',
      '1.2.3',
      ' 1',
      '1 ',
      '--1',
      '+-1',
      'NaN',
      '0x10',
      '1,5',
    ]) {
      expect(parse(text, 2).result, JSON.stringify(text)).toBe('syntax');
    }
  });

  it('detects overflow of the 127-bit magnitude, in the digits or in the scale-up', () => {
    // 2^127 - 1 is the largest magnitude the words can hold; 2^127 is not.
    expect(parse((TWO_127 - 1n).toString(), 0)).toEqual({ result: 'ok', value: TWO_127 - 1n });
    expect(parse(`-${(TWO_127 - 1n).toString()}`, 0)).toEqual({ result: 'ok', value: -(TWO_127 - 1n) });
    expect(parse(TWO_127.toString(), 0).result).toBe('overflow');
    expect(parse(`-${TWO_127.toString()}`, 0).result).toBe('overflow');
    expect(parse(`1${'0'.repeat(39)}`, 0).result).toBe('overflow');
    expect(parse('9'.repeat(60), 0).result).toBe('overflow');
    // 10^28 scaled by 10^10 is 10^38 < 2^127; 2·10^28 scaled is 2·10^38 > 2^127.
    expect(parse(`1${'0'.repeat(28)}`, 10)).toEqual({ result: 'ok', value: 10n ** 38n });
    expect(parse(`2${'0'.repeat(28)}`, 10).result).toBe('overflow');
    expect(parse(`2${'0'.repeat(28)}.5`, 10).result).toBe('overflow');
  });

  it('formats with a leading zero and the point exactly `scale` digits from the right', () => {
    expect(formatDecimal(wordsOf(-5n), 0, 3)).toBe('-0.005');
    expect(formatDecimal(wordsOf(5n), 0, 1)).toBe('0.5');
    expect(formatDecimal(wordsOf(-123456n), 0, 2)).toBe('-1234.56');
    expect(formatDecimal(wordsOf(0n), 0, 0)).toBe('0');
    // The most negative 128-bit value still formats (no Decimal128 column holds it, but no crash).
    expect(formatDecimal(wordsOf(-TWO_127), 0, 0)).toBe(`-${TWO_127}`);
  });
});

describe('parseDecimalText property: random decimals with precision ≤ 38 round-trip exactly', () => {
  const decimalCase = fc
    .integer({ min: 1, max: 38 })
    .chain((precision) =>
      fc.record({
        precision: fc.constant(precision),
        scale: fc.integer({ min: 0, max: precision }),
        digits: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: precision, maxLength: precision }),
        sign: fc.constantFrom('', '-', '+'),
        extraZeros: fc.integer({ min: 0, max: 5 }),
        leadingZeros: fc.integer({ min: 0, max: 3 }),
      }),
    )
    .map(({ precision, scale, digits, sign, extraZeros, leadingZeros }) => {
      const all = digits.join('');
      const int = all.slice(0, precision - scale).replace(/^0+/, '');
      const frac = all.slice(precision - scale);
      const intText = `${'0'.repeat(leadingZeros)}${int}` || '0';
      const fracText = frac + '0'.repeat(extraZeros);
      const text = `${sign}${intText}${fracText === '' ? '' : `.${fracText}`}`;
      return { text, scale };
    });

  it('matches BigInt arithmetic for the value and the canonical text', () => {
    fc.assert(
      fc.property(decimalCase, ({ text, scale }) => {
        const expected = referenceUnscaled(text, scale);
        const { result, value } = parse(text, scale);
        expect(result).toBe('ok');
        expect(value).toBe(expected);
        expect(formatDecimal(wordsOf(value), 0, scale)).toBe(referenceText(expected, scale));
        // Below 10^38 in magnitude: a decimal(38, s) value.
        const magnitude = wordsOf(value < 0n ? -value : value);
        expect(below(magnitude, 0, precisionLimit(38))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('reports scale, never rounds, when a non-zero digit lies beyond the scale', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.integer({ min: 1, max: 9 }),
        (scale, unscaled, extra) => {
          const text = `${referenceText(unscaled, scale)}${scale === 0 ? '.' : ''}${extra}`;
          expect(parse(text, scale).result).toBe('scale');
          expect(parse(`-${text}`, scale).result).toBe('scale');
        },
      ),
    );
  });
});

describe('word arithmetic agrees with BigInt', () => {
  const u128 = fc.bigInt({ min: 0n, max: TWO_127 - 1n });

  it('mulAdd multiplies and adds, and reports overflow past 2^127', () => {
    fc.assert(
      fc.property(
        u128,
        fc.integer({ min: 0, max: 2 ** 21 - 1 }),
        fc.integer({ min: 0, max: 2 ** 21 - 1 }),
        (value, mul, add) => {
          const words = wordsOf(value);
          const ok = mulAdd(words, 0, mul, add);
          const expected = value * BigInt(mul) + BigInt(add);
          expect(ok).toBe(expected < TWO_127);
          if (ok) expect(decimalToBigInt(words, 0)).toBe(expected);
        },
      ),
    );
  });

  it('scaleUp multiplies by 10^exp and reports overflow', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 40 }), (value, exp) => {
        const words = wordsOf(value);
        const expected = value * 10n ** BigInt(exp);
        const ok = scaleUp(words, 0, exp);
        expect(ok).toBe(expected < TWO_127);
        if (ok) expect(decimalToBigInt(words, 0)).toBe(expected);
      }),
    );
  });

  it('negate is two’s-complement negation (and -0 is 0)', () => {
    fc.assert(
      fc.property(u128, (value) => {
        const words = wordsOf(value);
        negate(words, 0);
        expect(decimalToBigInt(words, 0)).toBe(-value);
        negate(words, 0);
        expect(decimalToBigInt(words, 0)).toBe(value);
      }),
    );
  });
});

describe('precisionLimit / below', () => {
  it('precisionLimit(p) is exactly 10^p for every precision 0..38', () => {
    for (let p = 0; p <= 38; p++)
      expect(decimalToBigInt(precisionLimit(p), 0), `p=${p}`).toBe(10n ** BigInt(p));
  });

  it('below is an unsigned strict comparison against the limit', () => {
    for (const p of [1, 9, 10, 18, 19, 28, 37, 38]) {
      const limit = precisionLimit(p);
      const bound = 10n ** BigInt(p);
      expect(below(wordsOf(bound - 1n), 0, limit), `10^${p}-1`).toBe(true);
      expect(below(wordsOf(bound), 0, limit), `10^${p}`).toBe(false);
      expect(below(wordsOf(bound + 1n), 0, limit), `10^${p}+1`).toBe(false);
      expect(below(wordsOf(0n), 0, limit)).toBe(true);
    }
    // Differences only in a low word are still seen once the high words tie.
    expect(below(wordsOf((1n << 96n) + 5n), 0, wordsOf((1n << 96n) + 6n))).toBe(true);
    expect(below(wordsOf((1n << 96n) + 6n), 0, wordsOf((1n << 96n) + 6n))).toBe(false);
    // Honours `at`.
    expect(below(wordsOf(99n, 4, 8), 4, precisionLimit(2))).toBe(true);
    expect(below(wordsOf(100n, 4, 8), 4, precisionLimit(2))).toBe(false);
  });

  it('below agrees with BigInt comparison for random values', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: TWO_127 - 1n }), fc.integer({ min: 0, max: 38 }), (value, p) => {
        expect(below(wordsOf(value), 0, precisionLimit(p))).toBe(value < 10n ** BigInt(p));
      }),
    );
  });
});
