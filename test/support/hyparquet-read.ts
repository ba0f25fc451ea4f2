/**
 * Test support: hyparquet as the second independent Parquet reader, with parsers
 * that keep values exact where it can (µs timestamps as bigint text, bytes as hex).
 */
import { readFile } from 'node:fs/promises';
import { parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const text = new TextDecoder();

export async function hyparquetRows(path: string): Promise<Record<string, unknown>[]> {
  const bytes = await readFile(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return parquetReadObjects({
    file,
    compressors,
    utf8: false,
    parsers: {
      timestampFromMicroseconds: (micros: bigint) => micros.toString(),
      dateFromDays: (days: number) => String(days),
      stringFromBytes: (b: Uint8Array) => text.decode(b),
      jsonFromBytes: (b: Uint8Array) => text.decode(b),
      uuidFromBytes: (b: Uint8Array) => Buffer.from(b).toString('hex'),
    },
  }) as Promise<Record<string, unknown>[]>;
}

export async function hyparquetSchema(path: string) {
  const bytes = await readFile(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return parquetMetadataAsync(file);
}
