/**
 * Layer: destination/s3. One part as a multipart upload. Bytes are copied straight into
 * 8 MiB part buffers; at most two parts are in flight while a third fills, and the three
 * buffers are reused, so a part costs 24 MiB whatever its size and makes no garbage.
 * (lib-storage's `Upload` was measured first: its stream chunker concatenates every part
 * into a fresh buffer, which on a 1 GB export held 84 MB of buffers at peak against 24.)
 * A part smaller than 8 MiB goes as one PUT. Each request carries a CRC32 the store
 * verifies. Nothing is visible under the key until CompleteMultipartUpload, sent
 * `If-None-Match: *` after a HEAD (a store without conditional writes ignores the
 * header). A failed or aborted part sends AbortMultipartUpload, so no parts stay billed.
 */
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import {
  AbortMultipartUploadCommand,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { RivetError } from '../../common/errors.js';
import type { CommittedObject, PartSink } from '../destination.js';
import { corruptedInTransit, objectExists } from '../object-store-error.js';
import { notFound, preconditionFailed } from './s3-responses.js';

export const S3_PART_BYTES = 8 * 1024 * 1024;
export const S3_PARTS_IN_FLIGHT = 2;
/** S3's limit: with 8 MiB parts an object holds at most ~78 GiB; `max_file_size` keeps parts below it. */
const MAX_PARTS = 10_000;

/** `zlib.crc32` exists from Node 20.15; without it the whole-object CRC comparison is skipped. */
const crc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

export interface S3PartTarget {
  readonly client: S3Client;
  readonly bucket: string;
  readonly objectKey: string;
  /** Key relative to the prefix (what the manifest records). */
  readonly key: string;
  /** `s3://bucket/prefix/key`. */
  readonly uri: string;
  readonly contentType: string;
  readonly fail: (doing: string, error: unknown) => RivetError;
  readonly exists: () => Promise<boolean>;
  readonly remove: () => Promise<void>;
}

export class S3PartSink implements PartSink {
  readonly #t: S3PartTarget;
  readonly #free: Buffer[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #parts: CompletedPart[] = [];
  #buffer: Buffer | undefined;
  #filled = 0;
  #uploadId: string | undefined;
  #creating: Promise<string> | undefined;
  /** CompleteMultipartUpload or the single PUT has been sent (its response may still be lost). */
  #sent = false;
  #nextPart = 1;
  #failure: unknown;
  #committed = false;
  #aborted = false;
  #bytes = 0;
  #crc = 0;
  #closed = false;

  constructor(target: S3PartTarget) {
    this.#t = target;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.#throwIfFailed();
    if (crc32 !== undefined) this.#crc = crc32(chunk, this.#crc);
    this.#bytes += chunk.length;
    let at = 0;
    while (at < chunk.length) {
      this.#buffer ??= this.#free.pop() ?? Buffer.allocUnsafe(S3_PART_BYTES);
      const n = Math.min(chunk.length - at, S3_PART_BYTES - this.#filled);
      this.#buffer.set(chunk.subarray(at, at + n), this.#filled);
      this.#filled += n;
      at += n;
      if (this.#filled === S3_PART_BYTES) await this.#sendFull();
    }
  }

  async commit(): Promise<CommittedObject> {
    if (this.#closed) throw new RivetError('RIVET_INTERNAL', `part ${this.#t.key} already closed`);
    this.#closed = true;
    try {
      this.#throwIfFailed();
      if (await this.#t.exists()) throw objectExists(this.#t.uri);
      if (this.#uploadId === undefined) await this.#putWhole();
      else await this.#complete();
    } catch (error) {
      const landed = await this.#landed(error);
      if (landed !== 'ours') {
        await this.#abortUpload();
        // The final request may have created the object before failing: it must not stay.
        if (landed === 'unknown') await this.#t.remove().catch(() => undefined);
        if (preconditionFailed(error)) throw objectExists(this.#t.uri, error);
        throw this.#t.fail(`uploading ${this.#t.key}`, error);
      }
    }
    await this.#verify();
    this.#committed = true;
    return { key: this.#t.key, uri: this.#t.uri, bytes: this.#bytes };
  }

  async abort(): Promise<void> {
    if (this.#committed) return;
    this.#closed = true;
    this.#failure ??= new Error('part aborted');
    await this.#abortUpload();
  }

  /**
   * After the final request (CompleteMultipartUpload or the single PUT) failed: did it
   * create the object anyway? The SDK retries a request whose response was lost, and the
   * retries then meet our own object and fail (412, NoSuchUpload, a server error on an
   * upload that is gone). `none`: nothing was sent, or the store refused the first attempt
   * because the key was taken; `ours`: the object there is this part's bytes; `unknown`:
   * it could not be told (the caller removes it — the key was free before, and part names
   * are unique to the run).
   */
  async #landed(error: unknown): Promise<'none' | 'ours' | 'unknown' | 'theirs'> {
    const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
    if (!this.#sent || (preconditionFailed(error) && attempts === 1)) return 'none';
    const head = await this.#head().then(
      (answer) => answer,
      (headError: unknown) => (notFound(headError) ? null : undefined),
    );
    if (head === null) return 'none';
    if (head === undefined) return 'unknown';
    return this.#difference(head) === undefined && this.#etagFits(head.ETag) ? 'ours' : 'theirs';
  }

  /** The stored object, with the whole-object checksum when the store keeps one. */
  #head(): Promise<HeadObjectCommandOutput> {
    return this.#t.client.send(
      new HeadObjectCommand({ Bucket: this.#t.bucket, Key: this.#t.objectKey, ChecksumMode: 'ENABLED' }),
    );
  }

  /**
   * How the stored object differs from the bytes sent, or undefined: its size, and its
   * CRC32 when the store reports a whole-object one (`…-N` is a checksum of part
   * checksums: each part was verified on arrival instead).
   */
  #difference(head: HeadObjectCommandOutput): string | undefined {
    if (head.ContentLength !== this.#bytes) {
      return `the store holds ${head.ContentLength} bytes, ${this.#bytes} were sent`;
    }
    const reported = head.ChecksumCRC32;
    if (reported === undefined || reported.includes('-') || crc32 === undefined) return undefined;
    const expected = crc32Base64(this.#crc);
    return reported === expected
      ? undefined
      : `the store reports CRC32 ${reported}, the bytes sent have ${expected}`;
  }

  /** A multipart ETag must name our parts: `md5(part MD5s)-N` where the parts' ETags are MD5s. */
  #etagFits(quoted: string | undefined): boolean {
    if (this.#parts.length === 0) return true;
    const etag = quoted?.replaceAll('"', '') ?? '';
    // AWS's multipart ETag ends in `-<parts>`; some S3-compatible stores give a plain MD5 instead.
    if (!/-\d+$/.test(etag)) return true;
    if (!etag.endsWith(`-${this.#parts.length}`)) return false;
    const expected = multipartEtag(this.#parts);
    return expected === undefined || etag === expected;
  }

  /** Hands the full buffer to an upload slot, waiting while both slots are busy. */
  async #sendFull(): Promise<void> {
    const body = this.#buffer!;
    this.#buffer = undefined;
    this.#filled = 0;
    try {
      this.#creating ??= this.#create();
      this.#uploadId ??= await this.#creating;
    } catch (error) {
      this.#failure ??= error;
    }
    // An abort during creation set the failure: the upload it created is aborted there.
    this.#throwIfFailed();
    while (this.#inFlight.size >= S3_PARTS_IN_FLIGHT) await Promise.race(this.#inFlight);
    this.#throwIfFailed();
    this.#startPart(body, body.length);
  }

  #startPart(body: Buffer, length: number): void {
    const partNumber = this.#nextPart++;
    if (partNumber > MAX_PARTS) {
      this.#free.push(body);
      this.#failure ??= new RivetError(
        'RIVET_DEST_PART_TOO_LARGE',
        `S3 object ${this.#t.uri} would need more than ${MAX_PARTS} upload parts of 8 MiB (about 78 GiB)`,
        { hint: 'set `max_file_size` (for example `10GB`) so the export is split into several files' },
      );
      return;
    }
    const sent = this.#t.client
      .send(
        new UploadPartCommand({
          Bucket: this.#t.bucket,
          Key: this.#t.objectKey,
          UploadId: this.#uploadId,
          PartNumber: partNumber,
          Body: body.subarray(0, length),
          ContentLength: length,
          ChecksumAlgorithm: 'CRC32',
        }),
      )
      .then(
        (answer) => {
          this.#parts.push({
            PartNumber: partNumber,
            ETag: answer.ETag,
            ChecksumCRC32: answer.ChecksumCRC32,
          });
        },
        (error: unknown) => {
          this.#failure ??= error;
        },
      )
      .finally(() => {
        this.#inFlight.delete(sent);
        this.#free.push(body);
      });
    this.#inFlight.add(sent);
  }

  async #create(): Promise<string> {
    const created = await this.#t.client.send(
      new CreateMultipartUploadCommand({
        Bucket: this.#t.bucket,
        Key: this.#t.objectKey,
        ContentType: this.#t.contentType,
        ChecksumAlgorithm: 'CRC32',
      }),
    );
    return created.UploadId!;
  }

  async #putWhole(): Promise<void> {
    this.#sent = true;
    await this.#t.client.send(
      new PutObjectCommand({
        Bucket: this.#t.bucket,
        Key: this.#t.objectKey,
        Body: (this.#buffer ?? Buffer.alloc(0)).subarray(0, this.#filled),
        ContentLength: this.#filled,
        ContentType: this.#t.contentType,
        ChecksumAlgorithm: 'CRC32',
        IfNoneMatch: '*',
      }),
    );
  }

  async #complete(): Promise<void> {
    if (this.#filled > 0) {
      while (this.#inFlight.size >= S3_PARTS_IN_FLIGHT) await Promise.race(this.#inFlight);
      this.#startPart(this.#buffer!, this.#filled);
      this.#buffer = undefined;
    }
    await Promise.all(this.#inFlight);
    this.#throwIfFailed();
    this.#sent = true;
    await this.#t.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.#t.bucket,
        Key: this.#t.objectKey,
        UploadId: this.#uploadId,
        MultipartUpload: { Parts: [...this.#parts].sort((a, b) => a.PartNumber! - b.PartNumber!) },
        IfNoneMatch: '*',
      }),
    );
  }

  /** Waits for parts in flight, then discards the upload (best effort: the run's error matters more). */
  async #abortUpload(): Promise<void> {
    await Promise.all(this.#inFlight);
    if (this.#aborted) return;
    this.#aborted = true;
    const uploadId = this.#uploadId ?? (await this.#creating?.catch(() => undefined));
    this.#uploadId = undefined;
    this.#buffer = undefined;
    this.#free.length = 0;
    if (uploadId === undefined) return;
    await this.#t.client
      .send(
        new AbortMultipartUploadCommand({
          Bucket: this.#t.bucket,
          Key: this.#t.objectKey,
          UploadId: uploadId,
        }),
      )
      .catch(() => undefined);
  }

  /** The stored object must be the bytes sent (`#difference`); a corrupt one must not stay under its name. */
  async #verify(): Promise<void> {
    // The object is ours from here: whatever fails, it must not stay under its final name.
    const head = await this.#head().catch(async (error: unknown) => {
      await this.#t.remove().catch(() => undefined);
      throw this.#t.fail(`checking ${this.#t.key}`, error);
    });
    const difference = this.#difference(head);
    if (difference === undefined) return;
    await this.#t.remove().catch(() => undefined);
    throw corruptedInTransit(this.#t.uri, difference);
  }

  #throwIfFailed(): void {
    if (this.#failure !== undefined) throw this.#t.fail(`uploading ${this.#t.key}`, this.#failure);
  }
}

/** S3's multipart ETag: MD5 of the parts' binary MD5s, `-N`; undefined when a part ETag is no MD5 (SSE-KMS, SSE-C). */
function multipartEtag(parts: readonly CompletedPart[]): string | undefined {
  const sorted = [...parts].sort((a, b) => a.PartNumber! - b.PartNumber!);
  const digests = sorted.map((p) => p.ETag?.replaceAll('"', '') ?? '');
  if (!digests.every((d) => /^[0-9a-f]{32}$/.test(d))) return undefined;
  const md5 = createHash('md5')
    .update(Buffer.from(digests.join(''), 'hex'))
    .digest('hex');
  return `${md5}-${parts.length}`;
}

function crc32Base64(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString('base64');
}
