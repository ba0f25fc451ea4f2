/**
 * Layer: engine. Wraps a destination sink and fingerprints every byte on its way
 * through (XXH3-64 and MD5), so a part's identity is known at commit without
 * reading it back.
 */
import { createHash, type Hash } from 'node:crypto';
import { xxh3 } from '@node-rs/xxhash';
import type { PartSink } from '../destination/destination.js';
import type { ByteSink } from '../format/format.js';

export class HashingSink implements ByteSink {
  readonly inner: PartSink;
  readonly #xxh3 = xxh3.Xxh3.withSeed();
  readonly #md5: Hash = createHash('md5');
  bytes = 0;

  constructor(inner: PartSink) {
    this.inner = inner;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#xxh3.update(chunk);
    this.#md5.update(chunk);
    this.bytes += chunk.length;
    await this.inner.write(chunk);
  }

  /** `xxh3:<16 hex>` and base64 MD5 of everything written. */
  digests(): { xxh3: string; md5: string } {
    return { xxh3: xxh3Hex(this.#xxh3.digest()), md5: this.#md5.digest('base64') };
  }
}

export function xxh3Hex(value: bigint): string {
  return `xxh3:${value.toString(16).padStart(16, '0')}`;
}

export function xxh3Of(bytes: Uint8Array | string): string {
  return xxh3Hex(xxh3.xxh64(bytes));
}
