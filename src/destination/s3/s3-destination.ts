/**
 * Layer: destination/s3. Parts stream through multipart uploads (see S3PartSink) and
 * become visible only when the upload completes. Markers (never multipart) are single
 * PUTs carrying Content-MD5, which the store verifies before it keeps the object.
 */
import { createHash } from 'node:crypto';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { RivetError } from '../../common/errors.js';
import { objectStoreUri, type S3Plan } from '../../contracts/object-store-plan.js';
import type { Destination, PartSink, PutOptions } from '../destination.js';
import { objectKey } from '../object-key.js';
import { objectExists, objectStoreError } from '../object-store-error.js';
import { createS3Client, describeS3Identity } from './s3-client.js';
import { S3PartSink } from './s3-part-sink.js';
import { forbidden, notFound, preconditionFailed } from './s3-responses.js';

export class S3Destination implements Destination {
  readonly kind = 's3';
  readonly capabilities = { commit: 'atomic', markers: true } as const;
  readonly uri: string;
  readonly #plan: S3Plan;
  readonly #client: S3Client;

  constructor(plan: S3Plan, env: Readonly<Record<string, string | undefined>>) {
    this.#plan = plan;
    this.uri = objectStoreUri(plan);
    this.#client = createS3Client(plan, env);
  }

  async open(key: string): Promise<PartSink> {
    const target = objectKey(this.#plan.prefix, key);
    return new S3PartSink({
      client: this.#client,
      bucket: this.#plan.bucket,
      objectKey: target,
      key,
      uri: `${this.uri}${key}`,
      contentType: contentType(key),
      fail: (doing, error) => this.#error(doing, error),
      exists: () => this.#exists(target, `checking ${key}`),
      remove: () => this.deleteObject(key),
    });
  }

  async putObject(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<void> {
    const target = objectKey(this.#plan.prefix, key);
    // The HEAD serves stores that ignore If-None-Match; the header closes the race where honoured.
    if (options.createOnly && (await this.#exists(target, `checking ${key}`))) {
      throw objectExists(`${this.uri}${key}`);
    }
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#plan.bucket,
          Key: target,
          Body: bytes,
          ContentLength: bytes.length,
          ContentMD5: createHash('md5').update(bytes).digest('base64'),
          ContentType: contentType(key),
          ...(options.createOnly ? { IfNoneMatch: '*' } : {}),
        }),
      );
    } catch (error) {
      if (options.createOnly && preconditionFailed(error)) throw objectExists(`${this.uri}${key}`, error);
      throw this.#error(`writing ${key}`, error);
    }
  }

  async deleteObject(key: string): Promise<void> {
    const target = objectKey(this.#plan.prefix, key);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#plan.bucket, Key: target }));
    } catch (error) {
      if (!notFound(error)) throw this.#error(`removing ${key}`, error);
    }
  }

  async readObject(key: string): Promise<Uint8Array | undefined> {
    const target = objectKey(this.#plan.prefix, key);
    try {
      const response = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#plan.bucket, Key: target }),
      );
      return await response.Body!.transformToByteArray();
    } catch (error) {
      if (notFound(error)) return undefined;
      throw this.#error(`reading ${key}`, error);
    }
  }

  async stat(key: string): Promise<{ bytes: number } | undefined> {
    const target = objectKey(this.#plan.prefix, key);
    try {
      const head = await this.#client.send(new HeadObjectCommand({ Bucket: this.#plan.bucket, Key: target }));
      return { bytes: head.ContentLength ?? 0 };
    } catch (error) {
      if (notFound(error)) return undefined;
      throw this.#error(`checking ${key}`, error);
    }
  }

  identity(): Promise<string> {
    return describeS3Identity(this.#client, this.#plan).catch((error: unknown) => {
      throw this.#error('resolving credentials', error);
    });
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }

  /**
   * Whether a key is taken, before a create-only write. Without `s3:ListBucket`, AWS
   * answers 403 for a missing key: that is "unknown", and `If-None-Match` decides.
   */
  async #exists(target: string, doing: string): Promise<boolean> {
    try {
      await this.#client.send(new HeadObjectCommand({ Bucket: this.#plan.bucket, Key: target }));
      return true;
    } catch (error) {
      if (notFound(error) || forbidden(error)) return false;
      throw this.#error(doing, error);
    }
  }

  #error(doing: string, error: unknown): RivetError {
    return objectStoreError({ store: 'S3', where: this.uri, doing }, error);
  }
}

function contentType(key: string): string {
  if (key.endsWith('.parquet')) return 'application/vnd.apache.parquet';
  if (key.endsWith('.csv')) return 'text/csv';
  if (key.endsWith('.json')) return 'application/json';
  return 'application/octet-stream';
}
