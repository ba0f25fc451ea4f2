/**
 * Layer: source/mysql. One text-protocol row packet: each value is a length-encoded
 * string (0xFB = NULL). Rivet walks the packet itself and hands each value to its
 * decoder as a (buffer, start, end) range, so no Buffer or array is made per value.
 */

export const NULL_VALUE = 0xfb;

/**
 * Calls `onValue(column, start, end)` (start = -1 for NULL) for each value of the row
 * payload `buf[start, end)`; returns the number of values.
 */
export function walkRow(
  buf: Buffer,
  start: number,
  end: number,
  onValue: (column: number, start: number, end: number) => void,
): number {
  let at = start;
  let column = 0;
  while (at < end) {
    const first = buf[at]!;
    let length: number;
    if (first < 0xfb) {
      length = first;
      at += 1;
    } else if (first === NULL_VALUE) {
      onValue(column++, -1, -1);
      at += 1;
      continue;
    } else if (first === 0xfc) {
      length = buf[at + 1]! | (buf[at + 2]! << 8);
      at += 3;
    } else if (first === 0xfd) {
      length = buf[at + 1]! | (buf[at + 2]! << 8) | (buf[at + 3]! << 16);
      at += 4;
    } else {
      length = buf.readUInt32LE(at + 1) + buf.readUInt32LE(at + 5) * 0x1_0000_0000;
      at += 9;
    }
    onValue(column++, at, at + length);
    at += length;
  }
  return column;
}

/** The row's values as Buffer views (NULL as null): for the one row per page whose key bounds the next. */
export function splitRow(buf: Buffer, start: number, end: number): (Buffer | null)[] {
  const values: (Buffer | null)[] = [];
  walkRow(buf, start, end, (_, s, e) => values.push(s < 0 ? null : buf.subarray(s, e)));
  return values;
}
