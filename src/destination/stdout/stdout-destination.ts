/**
 * Layer: destination/stdout. Streams the data to standard output. There is no commit
 * point and no place for markers: bytes are visible as written (capability
 * `streaming`), and a failed run may leave a partial stream behind.
 */
import type { Writable } from 'node:stream';
import { RivetError } from '../../common/errors.js';
import type { CommittedObject, Destination, PartSink } from '../destination.js';

export class StdoutDestination implements Destination {
  readonly kind = 'stdout';
  readonly uri = 'stdout';
  readonly capabilities = { commit: 'streaming', markers: false } as const;
  readonly #out: Writable;

  constructor(out: Writable = process.stdout) {
    this.#out = out;
  }

  async open(key: string): Promise<PartSink> {
    const out = this.#out;
    let bytes = 0;
    return {
      write: async (chunk) => {
        bytes += chunk.length;
        // The stream may hold the chunk after write() returns; the caller reuses its buffer.
        if (!out.write(Buffer.from(chunk))) await waitForDrain(out);
      },
      commit: async (): Promise<CommittedObject> => ({ key, uri: 'stdout', bytes }),
      abort: async () => undefined,
    };
  }

  async putObject(): Promise<void> {
    throw new RivetError('RIVET_DEST_UNSUPPORTED', 'stdout cannot store objects');
  }

  async deleteObject(): Promise<void> {}

  async stat(): Promise<undefined> {
    return undefined;
  }

  async readObject(): Promise<undefined> {
    return undefined;
  }
}

function waitForDrain(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      out.off('drain', onDrain);
      reject(
        new RivetError('RIVET_DEST_WRITE', `writing to stdout failed: ${error.message}`, { cause: error }),
      );
    };
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}
