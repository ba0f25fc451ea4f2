/**
 * Layer: destination/gcs. One object through a resumable upload session, sent in
 * 8 MiB chunks (each acknowledged by the store, so a failed chunk is retried alone and
 * memory stays near one chunk). Nothing is visible until the last chunk finalizes the
 * session. Abort cancels the session (a DELETE on its URI); a killed process leaves an
 * unfinalized session, which shows no object and which the store drops after a week.
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { File } from '@google-cloud/storage';
import type { RivetError } from '../../common/errors.js';
import type { CommittedObject, PartSink } from '../destination.js';
import { bucketMissing, corruptedInTransit, errorFacts, objectExists } from '../object-store-error.js';

export const GCS_CHUNK_BYTES = 8 * 1024 * 1024;

export interface GcsPartTarget {
  readonly file: File;
  readonly key: string;
  readonly uri: string;
  /** `ifGenerationMatch: 0`: the upload fails if an object already has the name. */
  readonly createOnly: boolean;
  readonly fail: (doing: string, error: unknown) => RivetError;
}

export class GcsPartSink implements PartSink {
  readonly #target: GcsPartTarget;
  readonly #stream: Writable;
  readonly #settled: Promise<unknown>;
  #failure: unknown;
  #finished = false;
  /** The resumable session URI: it authorizes requests on the session by itself. */
  readonly #session: string;
  #bytes = 0;

  /** Opens the session first, so its URI is known and an abort can always cancel it. */
  static async open(target: GcsPartTarget): Promise<GcsPartSink> {
    const options = {
      metadata: { contentType: 'application/octet-stream' },
      ...(target.createOnly ? { preconditionOpts: { ifGenerationMatch: 0 } } : {}),
    };
    let session: string;
    try {
      [session] = await target.file.createResumableUpload(options);
    } catch (error) {
      throw target.fail(`starting the upload of ${target.key}`, error);
    }
    return new GcsPartSink(target, session, options);
  }

  private constructor(target: GcsPartTarget, session: string, options: object) {
    this.#target = target;
    this.#session = session;
    this.#stream = target.file.createWriteStream({
      ...options,
      uri: session,
      resumable: true,
      validation: 'crc32c',
      chunkSize: GCS_CHUNK_BYTES,
    });
    this.#settled = new Promise<void>((resolve) => {
      this.#stream.once('finish', () => {
        this.#finished = true;
        resolve();
      });
      this.#stream.once('error', (error) => {
        this.#failure ??= error;
        resolve();
      });
      // Destroyed without an error (abort): nothing more will come.
      this.#stream.once('close', () => resolve());
    });
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#throwIfFailed();
    this.#bytes += chunk.length;
    // The stream may hold the chunk until the uploader takes it: a copy, since callers reuse buffers.
    if (!this.#stream.write(Buffer.from(chunk))) {
      await Promise.race([once(this.#stream, 'drain').catch(() => undefined), this.#settled]);
      this.#throwIfFailed();
    }
  }

  async commit(): Promise<CommittedObject> {
    this.#throwIfFailed();
    this.#stream.end();
    await this.#settled;
    if (this.#failure === undefined && !this.#finished)
      this.#failure = new Error('upload stream closed early');
    if (this.#failure !== undefined && isCrcMismatch(this.#failure)) {
      // The client deletes a mismatching object, but may fail to: it must not stay under a final name.
      await this.#target.file.delete({ ignoreNotFound: true }).catch(() => undefined);
    }
    this.#throwIfFailed();
    const size = Number(this.#target.file.metadata.size);
    if (size !== this.#bytes) {
      await this.#target.file.delete({ ignoreNotFound: true }).catch(() => undefined);
      throw corruptedInTransit(this.#target.uri, `the store holds ${size} bytes, ${this.#bytes} were sent`);
    }
    return { key: this.#target.key, uri: this.#target.uri, bytes: this.#bytes };
  }

  async abort(): Promise<void> {
    if (this.#finished) return;
    this.#failure ??= new Error('part aborted');
    this.#stream.destroy();
    await Promise.race([this.#settled, once(this.#stream, 'close')]).catch(() => undefined);
    // Cancelling the session frees what was uploaded now rather than when the store expires it.
    await fetch(this.#session, { method: 'DELETE', signal: AbortSignal.timeout(10_000) }).catch(
      () => undefined,
    );
  }

  #throwIfFailed(): void {
    if (this.#failure === undefined) return;
    throw this.#target.fail(`uploading ${this.#target.key}`, this.#failure);
  }
}

/** A missing object; a missing bucket is an error to report, not an absent object. */
export function gcsNotFound(error: unknown): boolean {
  const facts = errorFacts(error);
  return facts.status === 404 && !bucketMissing(facts.message);
}

function isCrcMismatch(error: unknown): boolean {
  const message = (error as { message?: unknown })?.message;
  return typeof message === 'string' && message.includes('did not match the data from the server');
}

/** The client's own verdicts: a CRC32C mismatch (the object is removed by then), a failed precondition. */
export function gcsUploadError(error: unknown, where: string): RivetError | undefined {
  const facts = errorFacts(error);
  if (isCrcMismatch(error)) {
    return corruptedInTransit(
      where,
      `the CRC32C the store computed differs from the bytes sent (${facts.message})`,
      error,
    );
  }
  if (facts.status === 412) return objectExists(where, error);
  return undefined;
}
