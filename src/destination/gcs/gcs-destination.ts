/**
 * Layer: destination/gcs. Every object goes through a resumable upload session with
 * CRC32C validation: the client compares its CRC32C with the one the store computed.
 * Parts and `_SUCCESS` are created with `ifGenerationMatch: 0`, so they never replace an
 * object; manifests replace theirs. Authentication: a `credentials_file`, else
 * Application Default Credentials; a custom `endpoint` (an emulator) gets
 * unauthenticated requests unless a `credentials_file` is given.
 */
import { type File, IdempotencyStrategy, Storage } from '@google-cloud/storage';
import { RivetError } from '../../common/errors.js';
import { isLoopbackHost } from '../../common/loopback.js';
import { type GcsPlan, objectStoreUri } from '../../contracts/object-store-plan.js';
import type { Destination, PartSink, PutOptions } from '../destination.js';
import { objectKey } from '../object-key.js';
import { objectStoreError } from '../object-store-error.js';
import { GcsPartSink, gcsNotFound, gcsUploadError } from './gcs-part-sink.js';

export class GcsDestination implements Destination {
  readonly kind = 'gcs';
  readonly capabilities = { commit: 'atomic', markers: true } as const;
  readonly uri: string;
  readonly #plan: GcsPlan;
  readonly #storage: Storage;

  constructor(plan: GcsPlan) {
    refuseForeignEmulatorHost(plan);
    this.#plan = plan;
    this.uri = objectStoreUri(plan);
    this.#storage = new Storage({
      ...(plan.endpoint === undefined ? {} : { apiEndpoint: plan.endpoint.replace(/\/+$/, '') }),
      ...(plan.credentialsFile === undefined
        ? {}
        : { keyFilename: plan.credentialsFile, useAuthWithCustomEndpoint: true }),
      retryOptions: {
        autoRetry: true,
        maxRetries: 4,
        retryDelayMultiplier: 2,
        maxRetryDelay: 10,
        // Every write is safe to repeat: chunks go to one session at an offset, and create-only
        // is enforced by the store. (RetryConditional also zeroes the shared retry count.)
        idempotencyStrategy: IdempotencyStrategy.RetryAlways,
      },
    });
  }

  async open(key: string): Promise<PartSink> {
    return GcsPartSink.open({
      file: this.#file(key),
      key,
      uri: `${this.uri}${key}`,
      createOnly: true,
      fail: (doing, error) => this.#error(doing, error),
    });
  }

  async putObject(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<void> {
    const sink = await GcsPartSink.open({
      file: this.#file(key),
      key,
      uri: `${this.uri}${key}`,
      createOnly: options.createOnly === true,
      fail: (doing, error) => this.#error(doing, error),
    });
    try {
      await sink.write(bytes);
      await sink.commit();
    } catch (error) {
      await sink.abort();
      throw error;
    }
  }

  async deleteObject(key: string): Promise<void> {
    try {
      await this.#file(key).delete({ ignoreNotFound: true });
    } catch (error) {
      throw this.#error(`removing ${key}`, error);
    }
  }

  async readObject(key: string): Promise<Uint8Array | undefined> {
    try {
      const [contents] = await this.#file(key).download({ validation: 'crc32c' });
      return contents;
    } catch (error) {
      if (gcsNotFound(error)) return undefined;
      throw this.#error(`reading ${key}`, error);
    }
  }

  async stat(key: string): Promise<{ bytes: number } | undefined> {
    try {
      const [metadata] = await this.#file(key).getMetadata();
      return { bytes: Number(metadata.size ?? 0) };
    } catch (error) {
      if (gcsNotFound(error)) return undefined;
      throw this.#error(`checking ${key}`, error);
    }
  }

  async identity(): Promise<string> {
    if (this.#plan.credentialsFile !== undefined) return `service account key ${this.#plan.credentialsFile}`;
    // A custom endpoint without a key file gets unauthenticated requests (the config allows it only for emulators).
    if (this.#plan.endpoint !== undefined) return 'unauthenticated requests';
    try {
      const credentials = await this.#storage.authClient.getCredentials();
      return `Application Default Credentials${credentials.client_email ? ` (${credentials.client_email})` : ''}`;
    } catch (error) {
      throw this.#error('resolving credentials', error);
    }
  }

  #file(key: string): File {
    return this.#storage.bucket(this.#plan.bucket).file(objectKey(this.#plan.prefix, key));
  }

  #error(doing: string, error: unknown): RivetError {
    return (
      gcsUploadError(error, this.uri) ?? objectStoreError({ store: 'GCS', where: this.uri, doing }, error)
    );
  }
}

/**
 * STORAGE_EMULATOR_HOST redirects the client library to another host; with a key file its
 * bearer token would follow. The config's endpoint rule cannot see the variable: checked here.
 */
function refuseForeignEmulatorHost(plan: GcsPlan): void {
  const emulator = process.env.STORAGE_EMULATOR_HOST;
  if (emulator === undefined || emulator === '' || plan.credentialsFile === undefined) return;
  let host = emulator;
  try {
    host = new URL(emulator.includes('://') ? emulator : `http://${emulator}`).hostname.replace(
      /^\[|\]$/g,
      '',
    );
  } catch {
    // Not a URL: compared as given.
  }
  if (isLoopbackHost(host)) return;
  throw new RivetError(
    'RIVET_DEST_CREDENTIALS',
    `GCS destination ${objectStoreUri(plan)}: STORAGE_EMULATOR_HOST points at '${emulator}', which is not this machine, and the credentials_file's token would be sent there`,
    { hint: 'unset STORAGE_EMULATOR_HOST, or remove credentials_file when writing to an emulator' },
  );
}
