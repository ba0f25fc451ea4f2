/**
 * Layer: destination (seam). Where parts and markers land. Opening a part never
 * makes it visible: only `commit()` does, atomically, and a committed part is never
 * overwritten. Capabilities are data, so the engine branches on them, not on classes.
 */

export interface DestinationCapabilities {
  /** `atomic`: a part appears whole at commit or not at all. `streaming`: bytes are visible as written. */
  readonly commit: 'atomic' | 'streaming';
  /** Whether manifest.json / _SUCCESS can be stored beside the parts. */
  readonly markers: boolean;
}

export interface CommittedObject {
  /** Key relative to the destination prefix. */
  readonly key: string;
  readonly uri: string;
  readonly bytes: number;
}

export interface PartSink {
  /** Must not keep a reference to `chunk` after the promise settles (callers reuse buffers). */
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the part durable and visible under its key; fails if the key already exists. */
  commit(): Promise<CommittedObject>;
  /** Discards everything written; nothing remains under the final key. */
  abort(): Promise<void>;
}

export interface Destination {
  readonly kind: string;
  /** URI of the prefix (`file:///…/`, `stdout`). */
  readonly uri: string;
  readonly capabilities: DestinationCapabilities;
  /** May already fail with RIVET_DEST_EXISTS when the key is taken and the store can tell. */
  open(key: string): Promise<PartSink>;
  /**
   * Whole-object atomic write (markers). Replaces an existing object — manifests are
   * last-writer-wins by design, and a resumed run rewrites its own per-run manifest —
   * unless `createOnly`, which fails with RIVET_DEST_EXISTS instead.
   */
  putObject(key: string, bytes: Uint8Array, options?: PutOptions): Promise<void>;
  /** Removes an object if present. */
  deleteObject(key: string): Promise<void>;
  readObject(key: string): Promise<Uint8Array | undefined>;
  /** Size of an object, or undefined when there is none (cheap: no content is read). */
  stat(key: string): Promise<{ readonly bytes: number } | undefined>;
  /** Which identity writes (object stores), for `doctor`. */
  identity?(): Promise<string>;
  /** Releases connections; the destination is not used afterwards. */
  close?(): Promise<void>;
}

export interface PutOptions {
  readonly createOnly?: boolean;
}
