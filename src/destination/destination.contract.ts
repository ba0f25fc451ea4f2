/**
 * Layer: destination (test contract). What every Destination must do, run by each
 * adapter's own test: parts appear only at commit, whole; a committed part is never
 * overwritten; abort leaves nothing; markers can be replaced and removed.
 */
import { describe, expect, it } from 'vitest';
import type { Destination } from './destination.js';

export interface DestinationHarness {
  readonly destination: Destination;
  /** Keys visible to a reader right now (temp files excluded by definition). */
  visibleKeys(): Promise<string[]>;
  /** Everything stored, hidden temp files included. */
  allKeys(): Promise<string[]>;
  cleanup(): Promise<void>;
}

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

export function describeDestinationContract(name: string, open: () => Promise<DestinationHarness>): void {
  describe(`${name} satisfies the Destination contract`, () => {
    it('makes a part visible only when it is committed, with exactly the bytes written', async () => {
      const h = await open();
      try {
        const sink = await h.destination.open('a/part-0.csv');
        await sink.write(bytes('hello '));
        await sink.write(bytes('world'));
        expect(await h.visibleKeys()).not.toContain('a/part-0.csv');
        const committed = await sink.commit();
        expect(committed.key).toBe('a/part-0.csv');
        expect(committed.bytes).toBe(11);
        expect(await h.visibleKeys()).toContain('a/part-0.csv');
        expect(Buffer.from((await h.destination.readObject('a/part-0.csv'))!).toString()).toBe('hello world');
        expect(await h.destination.stat('a/part-0.csv')).toEqual({ bytes: 11 });
        expect(await h.destination.stat('a/missing.csv')).toBeUndefined();
      } finally {
        await h.cleanup();
      }
    });

    it('leaves nothing behind when a part is aborted', async () => {
      const h = await open();
      try {
        const sink = await h.destination.open('part-1.csv');
        await sink.write(bytes('partial'));
        await sink.abort();
        expect(await h.allKeys()).toEqual([]);
        expect(await h.destination.readObject('part-1.csv')).toBeUndefined();
      } finally {
        await h.cleanup();
      }
    });

    it('never overwrites a committed part', async () => {
      const h = await open();
      try {
        const first = await h.destination.open('p.csv');
        await first.write(bytes('first'));
        await first.commit();
        // A store that can tell early (a create-only upload session) may refuse at open already.
        const overwrite = async () => {
          const second = await h.destination.open('p.csv');
          await second.write(bytes('second'));
          await second.commit();
        };
        await expect(overwrite()).rejects.toMatchObject({ code: 'RIVET_DEST_EXISTS' });
        expect(Buffer.from((await h.destination.readObject('p.csv'))!).toString()).toBe('first');
        expect(await h.visibleKeys()).toEqual(['p.csv']);
      } finally {
        await h.cleanup();
      }
    });

    it('replaces and removes marker objects, and refuses to replace one written create-only', async () => {
      const h = await open();
      try {
        await h.destination.putObject('manifest.json', bytes('{"v":1}'));
        await h.destination.putObject('manifest.json', bytes('{"v":2}'));
        expect(Buffer.from((await h.destination.readObject('manifest.json'))!).toString()).toBe('{"v":2}');
        await h.destination.deleteObject('manifest.json');
        await h.destination.deleteObject('manifest.json');
        expect(await h.destination.readObject('manifest.json')).toBeUndefined();
        await h.destination.putObject('_SUCCESS', bytes('a'), { createOnly: true });
        await expect(
          h.destination.putObject('_SUCCESS', bytes('b'), { createOnly: true }),
        ).rejects.toMatchObject({
          code: 'RIVET_DEST_EXISTS',
        });
        expect(Buffer.from((await h.destination.readObject('_SUCCESS'))!).toString()).toBe('a');
      } finally {
        await h.cleanup();
      }
    });
  });
}
