/**
 * Layer: destination/memory. An in-memory destination with the same contract as the
 * real ones (atomic commit, no overwrite), for engine tests; `failAfterBytes` makes
 * a write fail part-way to exercise failure paths.
 */
import { RivetError } from '../../common/errors.js';
import type { CommittedObject, Destination, PartSink, PutOptions } from '../destination.js';

export class MemoryDestination implements Destination {
  readonly kind = 'memory';
  readonly uri = 'memory://';
  readonly capabilities = { commit: 'atomic', markers: true } as const;
  readonly objects = new Map<string, Uint8Array>();
  failAfterBytes: number | undefined;
  /** Sinks opened and neither committed nor aborted (a leak, if it outlives a run). */
  openSinks = 0;

  async open(key: string): Promise<PartSink> {
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    let open = true;
    this.openSinks++;
    return {
      write: async (chunk) => {
        if (this.failAfterBytes !== undefined && bytes + chunk.length > this.failAfterBytes) {
          throw new RivetError('RIVET_DEST_WRITE', `memory destination: injected failure writing ${key}`);
        }
        chunks.push(Uint8Array.from(chunk));
        bytes += chunk.length;
      },
      commit: async (): Promise<CommittedObject> => {
        if (!open) throw new Error('part already closed');
        open = false;
        this.openSinks--;
        if (this.objects.has(key)) {
          throw new RivetError('RIVET_DEST_EXISTS', `refusing to overwrite existing part ${key}`);
        }
        this.objects.set(key, Buffer.concat(chunks));
        return { key, uri: `memory://${key}`, bytes };
      },
      abort: async () => {
        if (open) this.openSinks--;
        open = false;
      },
    };
  }

  async putObject(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<void> {
    if (options.createOnly && this.objects.has(key)) {
      throw new RivetError('RIVET_DEST_EXISTS', `refusing to overwrite existing object ${key}`);
    }
    this.objects.set(key, Uint8Array.from(bytes));
  }

  async deleteObject(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async stat(key: string): Promise<{ bytes: number } | undefined> {
    const object = this.objects.get(key);
    return object === undefined ? undefined : { bytes: object.length };
  }

  async readObject(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key);
  }
}
