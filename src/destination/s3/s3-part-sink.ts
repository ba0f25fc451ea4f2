/**
 * Layer: destination/s3. One part, streamed through lib-storage's multipart `Upload`:
 * bytes are cut into 8 MiB parts and at most two are in flight, so a part costs about
 * 8 MiB being filled + 2 × 8 MiB uploading + 1 MiB queued, whatever its size. A part
 * smaller than 8 MiB goes as one PUT. Each request carries a CRC32 the store verifies;
 * nothing is visible under the key until CompleteMultipartUpload, which is sent
 * `If-None-Match: *` after a HEAD (servers without conditional writes ignore the header).
 * Abort and failure send AbortMultipartUpload, so no orphan parts are billed.
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import * as zlib from 'node:zlib';
import type { CompleteMultipartUploadCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { RivetError } from '../../common/errors.js';
import type { CommittedObject, PartSink } from '../destination.js';
import { exists, preconditionFailed } from './s3-responses.js';

export const S3_PART_BYTES = 8 * 1024 * 1024;
export const S3_PARTS_IN_FLIGHT = 2;
const QUEUED_BYTES = 1024 * 1024;

/** `zlib.crc32` exists from Node 20.15; without it the whole-object CRC comparison is skipped. */
const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

export interface S3PartTarget {
  readonly client: S3Client;
  readonly bucket: string;
  readonly objectKey: string;
  /** Key relative to the prefix (what the manifest records). */
  readonly key: string;
  readonly uri: string;
  readonly fail: (doing: string, error: unknown) => RivetError;
  readonly exists: () => Promise<boolean>;
  readonly remove: () => Promise<void>;
}

type Settled = { ok: true; output: CompleteMultipartUploadCommandOutput } | { ok: false; error: unknown };

export class S3PartSink implements PartSink {
  readonly #target: S3PartTarget;
  readonly #body = new PassThrough({ highWaterMark: QUEUED_BYTES });
  readonly #settled: Promise<Settled>;
  #outcome: Settled | undefined;
  #bytes = 0;
  #crc = 0;
  #closed = false;

  constructor(target: S3PartTarget) {
    this.#target = target;
    // Failures arrive through the upload's outcome; a destroyed body must not crash the process.
    this.#body.on('error', () => undefined);
    const upload = new Upload({
      client: target.client,
      params: {
        Bucket: target.bucket,
        Key: target.objectKey,
        Body: this.#body,
        IfNoneMatch: '*',
        ChecksumAlgorithm: 'CRC32',
        ContentType: contentType(target.key),
      },
      partSize: S3_PART_BYTES,
      queueSize: S3_PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    this.#settled = upload.done().then(
      (output) => (this.#outcome = { ok: true, output: output as CompleteMultipartUploadCommandOutput }),
      (error: unknown) => (this.#outcome = { ok: false, error }),
    );
  }

  async write(chunk: Uint8Array): Promise<void> {
    await this.#throwIfFailed();
    if (crc32 !== undefined) this.#crc = crc32(chunk, this.#crc);
    this.#bytes += chunk.length;
    // The stream keeps what it is given until the uploader takes it: a copy, since callers reuse buffers.
    if (!this.#body.write(Buffer.from(chunk))) {
      await Promise.race([once(this.#body, 'drain').catch(() => undefined), this.#settled]);
      await this.#throwIfFailed();
    }
  }

  async commit(): Promise<CommittedObject> {
    if (this.#closed) throw new RivetError('RIVET_INTERNAL', `part ${this.#target.key} already closed`);
    try {
      if (await this.#target.exists())
        throw exists(this.#target.uri.slice(0, -this.#target.key.length), this.#target.key);
    } catch (error) {
      await this.abort();
      throw error;
    }
    this.#closed = true;
    this.#body.end();
    const outcome = await this.#settled;
    if (!outcome.ok) {
      if (preconditionFailed(outcome.error)) {
        throw exists(this.#target.uri.slice(0, -this.#target.key.length), this.#target.key);
      }
      throw this.#target.fail(`uploading ${this.#target.key}`, outcome.error);
    }
    await this.#verify(outcome.output);
    return { key: this.#target.key, uri: this.#target.uri, bytes: this.#bytes };
  }

  async abort(): Promise<void> {
    if (this.#outcome?.ok) return;
    this.#closed = true;
    // Ends the upload with an error: lib-storage then sends AbortMultipartUpload (best effort).
    this.#body.destroy(new Error('part aborted'));
    await this.#settled;
  }

  /** The size the store reports must be ours; a whole-object CRC32, when it reports one, too. */
  async #verify(output: CompleteMultipartUploadCommandOutput): Promise<void> {
    const head = await this.#target.client
      .send(new HeadObjectCommand({ Bucket: this.#target.bucket, Key: this.#target.objectKey }))
      .catch((error: unknown) => {
        throw this.#target.fail(`checking ${this.#target.key}`, error);
      });
    const reportedCrc = output.ChecksumCRC32;
    const expectedCrc = crc32 === undefined ? undefined : crc32Base64(this.#crc);
    const sizeWrong = head.ContentLength !== this.#bytes;
    // `…-N` is a checksum of part checksums (COMPOSITE): each part was verified on arrival instead.
    const crcWrong =
      reportedCrc !== undefined &&
      !reportedCrc.includes('-') &&
      expectedCrc !== undefined &&
      reportedCrc !== expectedCrc;
    if (!sizeWrong && !crcWrong) return;
    // A corrupt object must not stay under a final name, where a reader would take it as a part.
    await this.#target.remove().catch(() => undefined);
    throw new RivetError(
      'RIVET_DEST_INTEGRITY',
      `S3 object ${this.#target.uri} was corrupted in transit: ${
        sizeWrong
          ? `the store holds ${head.ContentLength} bytes, ${this.#bytes} were sent`
          : `the store reports CRC32 ${reportedCrc}, the bytes sent have ${expectedCrc}`
      }`,
      {
        hint: 'a retry rewrites the part under a new name; if it repeats, check proxies between here and the store',
        retryable: true,
      },
    );
  }

  /** A failed upload part destroys the body; the upload's own error then follows shortly. */
  async #throwIfFailed(): Promise<void> {
    if (this.#body.destroyed) await this.#settled;
    if (this.#outcome !== undefined && !this.#outcome.ok) {
      throw this.#target.fail(`uploading ${this.#target.key}`, this.#outcome.error);
    }
  }
}

function crc32Base64(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString('base64');
}

function contentType(key: string): string {
  if (key.endsWith('.parquet')) return 'application/vnd.apache.parquet';
  if (key.endsWith('.csv')) return 'text/csv';
  if (key.endsWith('.json')) return 'application/json';
  return 'application/octet-stream';
}
