/**
 * Layer: engine. Wraps a destination sink and fingerprints every byte on its way
 * through (XXH3-64 and MD5), so a part's identity is known at commit without reading
 * it back. Hashing runs on a worker thread fed through a small shared ring of slots:
 * MD5 of a 10 GB CSV is ~16 s of CPU that would otherwise sit on the thread decoding
 * rows, while the second core (the database's) is mostly idle during encoding. The
 * ring is fixed memory (4 × 1 MB); a write waits only when every slot is in use.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { xxh3 } from '@node-rs/xxhash';
import type { PartSink } from '../destination/destination.js';
import type { ByteSink } from '../format/format.js';

const SLOTS = 4;
const SLOT_BYTES = 1024 * 1024;

export class HashingSink implements ByteSink {
  readonly inner: PartSink;
  readonly #hasher = HashWorker.shared().open();
  bytes = 0;

  constructor(inner: PartSink) {
    this.inner = inner;
  }

  async write(chunk: Uint8Array): Promise<void> {
    await this.#hasher.update(chunk);
    this.bytes += chunk.length;
    await this.inner.write(chunk);
  }

  /** `xxh3:<16 hex>` and base64 MD5 of everything written. */
  async digests(): Promise<{ xxh3: string; md5: string }> {
    const { xxh3: value, md5 } = await this.#hasher.digest();
    return { xxh3: xxh3Hex(BigInt(`0x${value}`)), md5 };
  }

  /** Forgets the part (it was aborted). */
  release(): void {
    this.#hasher.release();
  }
}

export function xxh3Hex(value: bigint): string {
  return `xxh3:${value.toString(16).padStart(16, '0')}`;
}

export function xxh3Of(bytes: Uint8Array | string): string {
  return xxh3Hex(xxh3.xxh64(bytes));
}

type Message =
  | { readonly op: 'data'; readonly id: number; readonly slot: number; readonly length: number }
  | { readonly op: 'digest' | 'drop'; readonly id: number };
type Reply = { readonly slot: number } | { readonly id: number; readonly xxh3: string; readonly md5: string };

/**
 * One worker for the process, shared by every part; it keeps the process alive only
 * while a part is open. Its code is a string so it runs the same from TypeScript tests
 * and from the built CLI; the xxhash module is resolved here and passed in.
 */
class HashWorker {
  static #instance: HashWorker | undefined;
  readonly #worker: Worker;
  readonly #ring = new SharedArrayBuffer(SLOTS * SLOT_BYTES);
  readonly #free: number[] = Array.from({ length: SLOTS }, (_, i) => i);
  readonly #slotWaiters: (() => void)[] = [];
  readonly #digests = new Map<number, (reply: { xxh3: string; md5: string }) => void>();
  #open = 0;
  #nextId = 0;

  static shared(): HashWorker {
    HashWorker.#instance ??= new HashWorker();
    return HashWorker.#instance;
  }

  private constructor() {
    const xxhashPath = createRequire(import.meta.url).resolve('@node-rs/xxhash');
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { xxhashPath, ring: this.#ring, slotBytes: SLOT_BYTES },
    });
    this.#worker.unref();
    this.#worker.on('message', (reply: Reply) => {
      if ('slot' in reply) {
        this.#free.push(reply.slot);
        this.#slotWaiters.shift()?.();
      } else this.#digests.get(reply.id)?.(reply);
    });
  }

  open(): PartHasher {
    if (this.#open++ === 0) this.#worker.ref();
    return new PartHasher(this, this.#nextId++);
  }

  close(): void {
    if (--this.#open === 0) this.#worker.unref();
  }

  async copyIn(id: number, chunk: Uint8Array): Promise<void> {
    for (let at = 0; at < chunk.length; at += SLOT_BYTES) {
      while (this.#free.length === 0) await new Promise<void>((resolve) => this.#slotWaiters.push(resolve));
      const slot = this.#free.pop()!;
      const piece = chunk.subarray(at, Math.min(chunk.length, at + SLOT_BYTES));
      new Uint8Array(this.#ring, slot * SLOT_BYTES, piece.length).set(piece);
      this.#post({ op: 'data', id, slot, length: piece.length });
    }
  }

  digest(id: number): Promise<{ xxh3: string; md5: string }> {
    return new Promise((resolve) => {
      this.#digests.set(id, (reply) => {
        this.#digests.delete(id);
        resolve(reply);
      });
      this.#post({ op: 'digest', id });
    });
  }

  drop(id: number): void {
    this.#post({ op: 'drop', id });
  }

  #post(message: Message): void {
    this.#worker.postMessage(message);
  }
}

class PartHasher {
  readonly #pool: HashWorker;
  readonly #id: number;
  #closed = false;

  constructor(pool: HashWorker, id: number) {
    this.#pool = pool;
    this.#id = id;
  }

  update(chunk: Uint8Array): Promise<void> {
    return this.#pool.copyIn(this.#id, chunk);
  }

  async digest(): Promise<{ xxh3: string; md5: string }> {
    const result = await this.#pool.digest(this.#id);
    this.#close();
    return result;
  }

  release(): void {
    if (this.#closed) return;
    this.#pool.drop(this.#id);
    this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pool.close();
  }
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { xxh3 } = require(workerData.xxhashPath);
const { ring, slotBytes } = workerData;
const parts = new Map();
const part = (id) => {
  let p = parts.get(id);
  if (p === undefined) {
    p = { xxh3: xxh3.Xxh3.withSeed(), md5: createHash('md5') };
    parts.set(id, p);
  }
  return p;
};
parentPort.on('message', (m) => {
  if (m.op === 'data') {
    const p = part(m.id);
    const view = new Uint8Array(ring, m.slot * slotBytes, m.length);
    p.xxh3.update(view);
    p.md5.update(view);
    parentPort.postMessage({ slot: m.slot });
  } else if (m.op === 'digest') {
    const p = part(m.id);
    parts.delete(m.id);
    parentPort.postMessage({ id: m.id, xxh3: p.xxh3.digest().toString(16), md5: p.md5.digest('base64') });
  } else {
    parts.delete(m.id);
  }
});
`;
