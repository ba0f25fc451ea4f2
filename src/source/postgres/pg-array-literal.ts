/**
 * Layer: source/postgres. Parser for PostgreSQL's one-dimensional array text form
 * (`{1,NULL,"a,b","q\"x"}`, optionally `[0:2]={…}`); nested braces are refused.
 */

export type ArrayLiteral = readonly (string | null)[] | 'multidimensional';

export function parseArrayLiteral(text: string): ArrayLiteral {
  let i = 0;
  if (text[0] === '[') {
    i = text.indexOf('=') + 1;
    if (i === 0) throw new Error(`malformed array literal: ${text.slice(0, 40)}`);
  }
  if (text[i] !== '{') throw new Error(`malformed array literal: ${text.slice(0, 40)}`);
  i++;
  const out: (string | null)[] = [];
  if (text[i] === '}') return out;
  while (i < text.length) {
    const c = text[i];
    if (c === '{') return 'multidimensional';
    let value: string | null;
    if (c === '"') {
      let buf = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') i++;
        buf += text[i];
        i++;
      }
      i++;
      value = buf;
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '}') end++;
      const raw = text.slice(i, end).trim();
      value = raw.toUpperCase() === 'NULL' ? null : raw;
      i = end;
    }
    out.push(value);
    if (text[i] === ',') i++;
    else if (text[i] === '}') return out;
    else throw new Error(`malformed array literal near offset ${i}`);
  }
  throw new Error('unterminated array literal');
}
