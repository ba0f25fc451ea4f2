import { describe, expect, it } from 'vitest';
import { parseOverrideType } from './override-type.js';
import type { RivetType } from './rivet-type.js';
import { conversionFidelity } from './type-fidelity.js';

const t = (spelling: string): RivetType => {
  const parsed = parseOverrideType(spelling);
  if (parsed.kind !== 'type') throw new Error(spelling);
  return parsed.type;
};

describe('conversionFidelity', () => {
  it.each([
    ['int32', 'int32', 'exact'],
    ['int16', 'int64', 'widened'],
    ['int64', 'int32', 'checked'],
    ['bool', 'int16', 'widened'],
    ['int32', 'bool', 'checked'],
    ['decimal(9,0)', 'int32', 'widened'],
    ['decimal(10,0)', 'int32', 'checked'],
    ['decimal(10,2)', 'int64', 'lossy'],
    ['float64', 'int64', 'lossy'],
    ['float32', 'float64', 'widened'],
    ['float64', 'float32', 'lossy'],
    ['int32', 'float64', 'widened'],
    ['int64', 'float64', 'checked'],
    ['int32', 'float32', 'lossy'],
    ['decimal(10,2)', 'float64', 'lossy'],
    ['decimal(10,2)', 'decimal(12,2)', 'widened'],
    ['decimal(10,2)', 'decimal(10,4)', 'checked'],
    ['decimal(10,4)', 'decimal(12,2)', 'lossy'],
    ['int64', 'decimal(19,0)', 'widened'],
    ['int64', 'decimal(18,0)', 'checked'],
    ['float64', 'decimal(18,6)', 'lossy'],
    ['text', 'decimal(18,6)', 'checked'],
    ['timestamp', 'date', 'lossy'],
    ['date', 'timestamp_tz', 'widened'],
    ['timestamp', 'timestamp_tz', 'compatible'],
    ['text', 'timestamp', 'checked'],
    ['text', 'uuid', 'checked'],
    ['binary', 'uuid', 'checked'],
    ['text', 'json', 'checked'],
    ['uuid', 'binary', 'compatible'],
    ['text', 'binary', 'compatible'],
    ['date', 'int32', 'unsupported'],
    ['json', 'uuid', 'unsupported'],
    ['binary', 'json', 'unsupported'],
  ])('%s → %s is %s', (from, to, fidelity) => {
    const source: RivetType = from === 'text' ? { kind: 'utf8' } : t(from);
    expect(conversionFidelity(source, t(to)).fidelity).toBe(fidelity);
  });

  it('never calls a narrowing widened: every widened pair is exact in the other direction or checked/lossy', () => {
    const types = ['int16', 'int32', 'int64', 'float32', 'float64', 'decimal(10,2)', 'decimal(20,4)'].map(t);
    for (const a of types) {
      for (const b of types) {
        if (conversionFidelity(a, b).fidelity !== 'widened') continue;
        expect(['checked', 'lossy']).toContain(conversionFidelity(b, a).fidelity);
      }
    }
  });
});

describe('parseOverrideType', () => {
  it('accepts upstream spellings and SQL aliases', () => {
    expect(parseOverrideType('int8')).toEqual({ kind: 'type', type: { kind: 'int64' } });
    expect(parseOverrideType('BIGINT')).toEqual({ kind: 'type', type: { kind: 'int64' } });
    expect(parseOverrideType('timestamp_tz')).toEqual({
      kind: 'type',
      type: { kind: 'timestamp', utc: true },
    });
    expect(parseOverrideType('Numeric( 18 , 2 )')).toEqual({
      kind: 'type',
      type: { kind: 'decimal', precision: 18, scale: 2 },
    });
    expect(parseOverrideType('string')).toEqual({ kind: 'text' });
  });

  it('refuses unknown spellings, bad decimals and nanosecond timestamps with a reason', () => {
    expect(parseOverrideType('int128')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('known:'),
    });
    expect(parseOverrideType('decimal(40,2)')).toMatchObject({
      reason: expect.stringContaining('precision ≤ 38'),
    });
    expect(parseOverrideType('decimal(4,5)')).toMatchObject({ kind: 'invalid' });
    expect(parseOverrideType('timestamp_ns')).toMatchObject({
      reason: expect.stringContaining('microseconds'),
    });
  });
});
