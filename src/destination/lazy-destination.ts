/**
 * Layer: destination. Defers loading an adapter until its first use: the S3 and GCS
 * SDKs take a noticeable share of start-up time, and most runs never touch them. The
 * URI is known up front because manifests and summaries name it before any write.
 */
import type { Destination, PartSink, PutOptions } from './destination.js';

export function lazyDestination(kind: string, uri: string, load: () => Promise<Destination>): Destination {
  let loaded: Promise<Destination> | undefined;
  const get = () => {
    loaded ??= load();
    return loaded;
  };
  return {
    kind,
    uri,
    capabilities: { commit: 'atomic', markers: true },
    open: async (key: string): Promise<PartSink> => (await get()).open(key),
    putObject: async (key: string, bytes: Uint8Array, options?: PutOptions) =>
      (await get()).putObject(key, bytes, options),
    deleteObject: async (key: string) => (await get()).deleteObject(key),
    readObject: async (key: string) => (await get()).readObject(key),
    stat: async (key: string) => (await get()).stat(key),
    identity: async () => (await (await get()).identity?.()) ?? kind,
    close: async () => {
      if (loaded !== undefined) await (await loaded.catch(() => undefined))?.close?.();
    },
  };
}
