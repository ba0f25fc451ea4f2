/**
 * The loopback S3 server of `--only s3`: s3rver in the harness process, storing under
 * bench/work/s3rver. It stands in for the network store so the figure measured is
 * Rivet's side of an upload (memory bound, part pipeline), not a provider's bandwidth.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import S3rver from 's3rver';

export const S3_BENCH_BUCKET = 'rivet-bench';

export async function startBenchS3(directory) {
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory,
    configureBuckets: [{ name: S3_BENCH_BUCKET }],
  });
  const { port } = await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    /** Where s3rver keeps the objects under a prefix: removing it removes them. */
    prefixDir: (prefix) => join(directory, S3_BENCH_BUCKET, prefix),
    close: () => server.close(),
  };
}
