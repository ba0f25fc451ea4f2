import { describe, expect, it } from 'vitest';
import { createBuilder } from '../types/column-builder.js';
import type { RivetType } from '../types/rivet-type.js';
import { parseUuidText } from '../types/text-values.js';
import { columnSpecs } from './column-specs.js';
import { textConverter } from './override-converter.js';

/** Converts one text value; returns the built column, or throws the converter's error. */
function convert(from: RivetType, to: RivetType, text: string, lossy = false) {
  const builder = createBuilder(to);
  let altered = 0;
  textConverter(to, builder, { column: 'c', from, lossy, onAltered: () => altered++ })(text);
  return { column: builder.finish(), altered };
}

const utf8: RivetType = { kind: 'utf8' };

describe('checked conversions refuse what they would have to change', () => {
  it('text → date refuses a time of day or an offset that moves the day; lossy counts it', () => {
    expect(() => convert(utf8, { kind: 'date' }, '2024-01-01T00:00:00+05:00')).toThrow(
      /RIVET|rounded or truncated/,
    );
    expect(() => convert(utf8, { kind: 'date' }, '2024-01-01 10:00')).toThrow(/would have to be rounded/);
    expect(convert(utf8, { kind: 'date' }, '2024-01-01').altered).toBe(0);
    const lossy = convert({ kind: 'timestamp', utc: false }, { kind: 'date' }, '2024-01-01 10:00', true);
    expect(lossy.altered).toBe(1);
  });

  it('refuses dates and timestamps beyond what the column type can hold', () => {
    expect(() => convert(utf8, { kind: 'date' }, '9999999-12-31')).toThrow(/out of the date range/);
    expect(() => convert(utf8, { kind: 'timestamp', utc: true }, '300000-01-01')).toThrow(
      /out of the timestamp range/,
    );
  });

  it('text → float refuses overflow and underflow instead of writing Infinity or 0', () => {
    expect(() => convert(utf8, { kind: 'float64' }, '1e400')).toThrow(/out of float64 range/);
    expect(() => convert(utf8, { kind: 'float64' }, '1e-400')).toThrow(/rounded or truncated/);
    expect(() => convert(utf8, { kind: 'float32' }, '1e39')).toThrow(/out of float32 range/);
    expect(convert(utf8, { kind: 'float64' }, '0.000').altered).toBe(0);
  });

  it('decimal → float counts digits the float cannot keep', () => {
    const decimal: RivetType = { kind: 'decimal', precision: 20, scale: 2 };
    expect(convert(decimal, { kind: 'float64' }, '0.10', true).altered).toBe(0);
    expect(convert(decimal, { kind: 'float64' }, '123456789012345678.91', true).altered).toBe(1);
  });

  it('reads braced UUIDs only when both braces are there', () => {
    const out = new Uint8Array(16);
    expect(parseUuidText('{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}', out, 0)).toBe(true);
    expect(parseUuidText('{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', out, 0)).toBe(false);
  });
});

describe('columnSpecs', () => {
  it('an override to the type a column already has keeps how the column is read (WKB stays ST_AsBinary)', () => {
    const [spec] = columnSpecs(
      [
        {
          name: 'shape',
          sourceType: 'geometry',
          mapped: { type: { kind: 'binary' }, readAsWkb: true },
          decimalOverridable: false,
        },
      ],
      [{ column: 'shape', type: 'binary' }],
      { hint: '' },
    );
    expect(spec).toMatchObject({ readAsWkb: true, override: 'binary' });
    expect(spec!.convert).toBeUndefined();
  });
});
