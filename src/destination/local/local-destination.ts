/**
 * Layer: destination/local. Atomic files on a local filesystem: each part is written
 * to a unique temp file in its target directory (created exclusively), fsynced, then
 * hard-linked to its final name — which fails instead of overwriting — and the
 * directory is fsynced. No reader ever sees a partial file under a final name.
 */
import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { link, mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RivetError } from '../../common/errors.js';
import { randomHex16 } from '../../common/ids.js';
import type { CommittedObject, Destination, PartSink, PutOptions } from '../destination.js';

export class LocalDestination implements Destination {
  readonly kind = 'local';
  readonly capabilities = { commit: 'atomic', markers: true } as const;
  readonly root: string;

  constructor(directory: string) {
    this.root = resolve(directory);
  }

  get uri(): string {
    return `${pathToFileURL(this.root).href}/`;
  }

  async open(key: string): Promise<PartSink> {
    const target = this.#resolve(key);
    await this.#mkdirs(dirname(target));
    const temp = tempName(target);
    const handle = await this.#guard(`creating ${temp}`, () =>
      open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644),
    );
    return new LocalPartSink(handle, temp, target, key, this.root);
  }

  async putObject(key: string, bytes: Uint8Array, options: PutOptions = {}): Promise<void> {
    const target = this.#resolve(key);
    await this.#mkdirs(dirname(target));
    const temp = tempName(target);
    try {
      const handle = await open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      // link() fails on an existing name where rename() replaces it.
      if (options.createOnly) {
        await link(temp, target);
        await unlink(temp);
      } else await rename(temp, target);
      await syncDirectory(dirname(target));
    } catch (error) {
      await rm(temp, { force: true });
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw existsError(target);
      throw localError(`writing ${target}`, error);
    }
  }

  async deleteObject(key: string): Promise<void> {
    const target = this.#resolve(key);
    await this.#guard(`removing ${target}`, () => rm(target, { force: true }));
    await syncDirectory(dirname(target)).catch(() => undefined);
  }

  async stat(key: string): Promise<{ bytes: number } | undefined> {
    try {
      return { bytes: (await stat(this.#resolve(key))).size };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async readObject(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.#resolve(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Keys are joined safely: no absolute paths, no `..`, no NUL. */
  #resolve(key: string): string {
    if (isAbsolute(key) || key.includes('\0') || normalize(key).split(sep).includes('..')) {
      throw new RivetError('RIVET_DEST_KEY', `refusing unsafe destination key '${key}'`);
    }
    return join(this.root, key);
  }

  async #mkdirs(directory: string): Promise<void> {
    await this.#guard(`creating directory ${directory}`, () => mkdir(directory, { recursive: true }));
  }

  async #guard<T>(doing: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw localError(doing, error);
    }
  }
}

class LocalPartSink implements PartSink {
  readonly #handle: FileHandle;
  readonly #temp: string;
  readonly #target: string;
  readonly #key: string;
  readonly #root: string;
  #bytes = 0;
  #closed = false;

  constructor(handle: FileHandle, temp: string, target: string, key: string, root: string) {
    this.#handle = handle;
    this.#temp = temp;
    this.#target = target;
    this.#key = key;
    this.#root = root;
  }

  async write(chunk: Uint8Array): Promise<void> {
    try {
      let offset = 0;
      while (offset < chunk.length) {
        const { bytesWritten } = await this.#handle.write(chunk, offset, chunk.length - offset);
        offset += bytesWritten;
      }
      this.#bytes += chunk.length;
    } catch (error) {
      throw localError(`writing ${this.#temp}`, error);
    }
  }

  async commit(): Promise<CommittedObject> {
    try {
      await this.#handle.sync();
      await this.#close();
      await link(this.#temp, this.#target);
      await unlink(this.#temp);
      await syncDirectory(dirname(this.#target));
    } catch (error) {
      await rm(this.#temp, { force: true });
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw existsError(this.#target);
      throw localError(`committing ${this.#target}`, error);
    }
    return { key: this.#key, uri: pathToFileURL(join(this.#root, this.#key)).href, bytes: this.#bytes };
  }

  async abort(): Promise<void> {
    await this.#close().catch(() => undefined);
    await rm(this.#temp, { force: true });
  }

  async #close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#handle.close();
  }
}

/** `.name.<pid>.<16 hex>.tmp` beside the target: unique per writer, hidden from `*.parquet` globs. */
function tempName(target: string): string {
  const name = target.slice(dirname(target).length + 1);
  return join(dirname(target), `.${name}.${process.pid}.${randomHex16()}.tmp`);
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, constants.O_RDONLY);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function existsError(target: string): RivetError {
  return new RivetError('RIVET_DEST_EXISTS', `refusing to overwrite existing ${target}`, {
    hint: 'parts and _SUCCESS are never overwritten; remove the file or write to another path',
  });
}

function localError(doing: string, error: unknown): RivetError {
  const e = error as NodeJS.ErrnoException;
  const transient = e.code === 'EAGAIN' || e.code === 'EBUSY' || e.code === 'EINTR';
  return new RivetError(
    'RIVET_DEST_WRITE',
    `local destination: ${doing} failed: ${e.code ?? ''} ${e.message}`.trim(),
    {
      hint:
        e.code === 'ENOSPC'
          ? 'the disk is full; free space or point the destination elsewhere'
          : e.code === 'EACCES' || e.code === 'EPERM'
            ? 'the directory is not writable by this user; fix permissions or change `destination.path`'
            : 'check the destination path',
      retryable: transient,
      cause: error,
    },
  );
}
