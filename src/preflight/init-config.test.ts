import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { yamlValue } from './init-config.js';

describe('yamlValue', () => {
  it('writes every flag value so that YAML reads back the same string', () => {
    for (const value of [
      'acme-lake',
      '123456',
      'true',
      'null',
      'No',
      '1e10',
      '0x1f',
      '2024.01',
      'a b',
      'x: y',
      '#c',
      '',
    ]) {
      expect(parse(`k: ${yamlValue(value)}`)).toEqual({ k: value });
    }
    expect(yamlValue('acme-lake')).toBe('acme-lake');
    expect(yamlValue('eu-west-1')).toBe('eu-west-1');
  });
});
