import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeDestinationContract } from '../destination.contract.js';
import { LocalDestination } from './local-destination.js';

async function listFiles(root: string, dir = root): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? listFiles(root, join(dir, e.name))
        : Promise.resolve([relative(root, join(dir, e.name))]),
    ),
  );
  return nested.flat().sort();
}

async function harness() {
  const root = await mkdtemp(join(tmpdir(), 'rivet-local-'));
  const destination = new LocalDestination(join(root, 'nested', 'out'));
  return {
    root,
    destination,
    // A reader globbing the directory sees every non-hidden file.
    visibleKeys: async () =>
      (await listFiles(destination.root).catch(() => [])).filter((f) => !f.split('/').pop()!.startsWith('.')),
    allFiles: () => listFiles(destination.root).catch(() => [] as string[]),
    allKeys: () => listFiles(destination.root).catch(() => [] as string[]),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}

describeDestinationContract('LocalDestination', harness);

describe('LocalDestination specifics', () => {
  it('writes a part under a hidden, writer-unique temp name until commit', async () => {
    const h = await harness();
    try {
      const sink = await h.destination.open('x.parquet');
      await sink.write(new Uint8Array([1, 2, 3]));
      const files = await h.allFiles();
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(new RegExp(`^\\.x\\.parquet\\.${process.pid}\\.[0-9a-f]{16}\\.tmp$`));
      await sink.commit();
      expect(await h.allFiles()).toEqual(['x.parquet']);
    } finally {
      await h.cleanup();
    }
  });

  it('refuses keys that would escape the destination directory', async () => {
    const h = await harness();
    try {
      for (const key of ['../evil.csv', '/etc/passwd', 'a/../../b.csv', 'nul\0.csv']) {
        await expect(h.destination.open(key)).rejects.toMatchObject({ code: 'RIVET_DEST_KEY' });
      }
    } finally {
      await h.cleanup();
    }
  });

  it('reports an unwritable directory as a destination error with a hint', async () => {
    const h = await harness();
    try {
      const blocker = join(h.root, 'file');
      await writeFile(blocker, 'not a directory');
      const destination = new LocalDestination(join(blocker, 'sub'));
      await expect(destination.open('p.csv')).rejects.toMatchObject({ code: 'RIVET_DEST_WRITE' });
    } finally {
      await h.cleanup();
    }
  });
});
