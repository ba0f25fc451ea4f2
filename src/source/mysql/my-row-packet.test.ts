import { describe, expect, it } from 'vitest';
import { splitRow, walkRow } from './my-row-packet.js';

/** A length-encoded string as the text protocol writes it. */
function lenenc(value: Buffer | null): Buffer {
  if (value === null) return Buffer.from([0xfb]);
  const n = value.length;
  if (n < 0xfb) return Buffer.concat([Buffer.from([n]), value]);
  if (n < 0x10000) return Buffer.concat([Buffer.from([0xfc, n & 0xff, n >> 8]), value]);
  if (n < 0x1000000) return Buffer.concat([Buffer.from([0xfd, n & 0xff, (n >> 8) & 0xff, n >> 16]), value]);
  const header = Buffer.alloc(9);
  header[0] = 0xfe;
  header.writeUInt32LE(n, 1);
  return Buffer.concat([header, value]);
}

describe('text-protocol row packets', () => {
  it('walks 1-, 3-, 4- and 9-byte lengths, NULL and empty values inside a larger buffer', () => {
    const values = [
      Buffer.from('42'),
      null,
      Buffer.alloc(0),
      Buffer.alloc(300, 'a'),
      Buffer.alloc(70_000, 'b'),
      Buffer.from('😀', 'utf8'),
    ];
    const payload = Buffer.concat(values.map(lenenc));
    const packet = Buffer.concat([Buffer.from([9, 9, 9]), payload, Buffer.from([7, 7])]);
    const seen: [number, number][] = [];
    const count = walkRow(packet, 3, 3 + payload.length, (column, start, end) => {
      expect(column).toBe(seen.length);
      seen.push([start, end]);
    });
    expect(count).toBe(values.length);
    expect(seen[1]).toEqual([-1, -1]);
    expect(splitRow(packet, 3, 3 + payload.length)).toEqual(values);
  });

  it('reads a 9-byte length (values past 16 MB)', () => {
    const big = Buffer.alloc(16_777_216, 'z');
    const payload = lenenc(big);
    expect(payload[0]).toBe(0xfe);
    expect(splitRow(payload, 0, payload.length)[0]!.length).toBe(big.length);
  });
});
