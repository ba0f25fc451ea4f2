import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, postgresAvailable, type TestSchema } from '../../../test/support/pg-test-db.js';
import { parseArrayLiteral } from './pg-array-literal.js';

describe('parseArrayLiteral', () => {
  it('parses the empty array', () => {
    expect(parseArrayLiteral('{}')).toEqual([]);
  });

  it('parses unquoted elements, unquoted NULL as null', () => {
    expect(parseArrayLiteral('{1,NULL,3}')).toEqual(['1', null, '3']);
    expect(parseArrayLiteral('{NULL}')).toEqual([null]);
    expect(parseArrayLiteral('{null}')).toEqual([null]);
    expect(parseArrayLiteral('{-1.5,2e3}')).toEqual(['-1.5', '2e3']);
  });

  it('keeps a quoted "NULL" as the string NULL', () => {
    expect(parseArrayLiteral('{"NULL",NULL,"null"}')).toEqual(['NULL', null, 'null']);
  });

  it('unquotes elements with commas, quotes, backslashes, braces and spaces', () => {
    expect(parseArrayLiteral('{"a,b","q\\"x","b\\\\s","{x}"," sp ","",""}')).toEqual([
      'a,b',
      'q"x',
      'b\\s',
      '{x}',
      ' sp ',
      '',
      '',
    ]);
    expect(parseArrayLiteral('{"}","{","\\\\","\\""}')).toEqual(['}', '{', '\\', '"']);
    expect(parseArrayLiteral('{"line\nbreak","tab\there","😀"}')).toEqual(['line\nbreak', 'tab\there', '😀']);
  });

  it('skips a [lower:upper]= bounds prefix', () => {
    expect(parseArrayLiteral('[0:2]={1,2,3}')).toEqual(['1', '2', '3']);
    expect(parseArrayLiteral('[-5:-4]={"a=b",NULL}')).toEqual(['a=b', null]);
  });

  it('reports multidimensional arrays instead of flattening them', () => {
    expect(parseArrayLiteral('{{1,2},{3,4}}')).toBe('multidimensional');
    expect(parseArrayLiteral('[1:2][1:1]={{1},{2}}')).toBe('multidimensional');
    expect(parseArrayLiteral('{{}}')).toBe('multidimensional');
  });

  it('throws on malformed text', () => {
    expect(() => parseArrayLiteral('')).toThrow(/malformed/);
    expect(() => parseArrayLiteral('1,2')).toThrow(/malformed/);
    expect(() => parseArrayLiteral('[0:2]{1}')).toThrow(/malformed/);
    expect(() => parseArrayLiteral('{1,2')).toThrow(/malformed|unterminated/);
    expect(() => parseArrayLiteral('{"abc')).toThrow(/malformed|unterminated/);
    expect(() => parseArrayLiteral('{"a"b}')).toThrow(/malformed/);
  });
});

const available = await postgresAvailable();

/** Strings PostgreSQL can store (no NUL), weighted towards the characters array output must quote. */
const element = fc
  .oneof(
    fc.constantFrom(
      '',
      'NULL',
      'null',
      'Null',
      ' ',
      'a b',
      '"',
      '\\',
      ',',
      '{',
      '}',
      '{}',
      '[0:1]=',
      '\t',
      '\n',
      '\r',
    ),
    fc
      .array(
        fc.oneof(
          fc.constantFrom(
            '"',
            '\\',
            ',',
            '{',
            '}',
            ' ',
            '\t',
            '\n',
            '=',
            ':',
            '[',
            ']',
            "'",
            'NULL',
            '😀',
            'é',
          ),
          fc.string({ unit: 'binary', maxLength: 4 }),
        ),
        { maxLength: 8 },
      )
      .map((parts) => parts.join('')),
  )
  .map((s) => s.replace(/\0/g, ''));

describe.skipIf(!available)('parseArrayLiteral reads what PostgreSQL writes', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('rivet_array');
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** The server's text form of a text[] built from JSON (no client-side array encoding involved). */
  async function serverArrayText(values: readonly (string | null)[]): Promise<string> {
    const result = await db.query(
      `SELECT ARRAY(SELECT e FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS t(e, n) ORDER BY n)::text AS t`,
      [JSON.stringify(values)],
    );
    return result.rows[0].t as string;
  }

  it('fixed server renderings: bounds prefix, quoted NULL, empty strings', async () => {
    const result = await db.query(
      `SELECT '[0:2]={1,2,3}'::int[]::text AS a, ARRAY['NULL', NULL, '', 'a,b', 'q"x', E'b\\\\s', '{x}', ' sp ']::text AS b,
              '{}'::text[]::text AS c, '{{1,2},{3,4}}'::int[]::text AS d, '[-2:-2]={"x y"}'::text[]::text AS e`,
    );
    const row = result.rows[0];
    expect(parseArrayLiteral(row.a)).toEqual(['1', '2', '3']);
    expect(parseArrayLiteral(row.b)).toEqual(['NULL', null, '', 'a,b', 'q"x', 'b\\s', '{x}', ' sp ']);
    expect(parseArrayLiteral(row.c)).toEqual([]);
    expect(parseArrayLiteral(row.d)).toBe('multidimensional');
    expect(row.e).toBe('[-2:-2]={"x y"}');
    expect(parseArrayLiteral(row.e)).toEqual(['x y']);
  });

  it('property: random string arrays (with NULLs) survive the server’s text output', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.option(element, { nil: null, freq: 5 }), { maxLength: 12 }),
        async (values) => {
          const text = await serverArrayText(values);
          expect(parseArrayLiteral(text), text).toEqual(values);
        },
      ),
      { numRuns: 300 },
    );
  });
});
