/**
 * `rivet demo`: a real extraction from an embedded PostgreSQL with no server, through
 * the same `pg` source code; its files read back in DuckDB.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { duckQuery, sqlString } from '../support/duckdb.js';
import { runCli, tempDir } from '../support/run-cli.js';

describe('rivet demo', () => {
  it('starts an embedded PostgreSQL, exports the sample shop and explains what to look at', async () => {
    const dir = tempDir();
    try {
      const demo = runCli(['demo', '--dir', 'demo', '--rows', '2000'], { cwd: dir.path });
      expect(demo.code, demo.stderr).toBe(0);
      expect(demo.stderr).toContain('rivet state files -c');
      expect(demo.stderr).toContain('rivet metrics -c');
      const root = join(dir.path, 'demo');
      expect(existsSync(join(root, 'rivet.demo.yaml'))).toBe(true);
      expect(existsSync(join(root, 'pgdata'))).toBe(false);
      const day = readdirSync(join(root, 'output', 'orders'))[0]!;
      const orders = join(root, 'output', 'orders', day);
      expect(existsSync(join(orders, '_SUCCESS'))).toBe(true);
      const part = readdirSync(orders).find((f) => f.endsWith('.parquet'))!;
      const [stats] = await duckQuery(
        `SELECT count(*)::INT AS n, count(DISTINCT public_id)::INT AS ids, typeof(any_value(public_id)) AS uuid_type, typeof(any_value(amount)) AS amount_type FROM read_parquet(${sqlString(join(orders, part))})`,
      );
      expect(stats).toEqual({ n: 2000, ids: 2000, uuid_type: 'UUID', amount_type: 'DECIMAL(12,2)' });
      const files = runCli(['state', 'files', '-c', 'demo/rivet.demo.yaml', '--json'], { cwd: dir.path });
      expect(
        JSON.parse(files.stdout)
          .map((f: { export_name: string }) => f.export_name)
          .sort(),
      ).toEqual(['customers', 'daily_revenue', 'orders']);
    } finally {
      dir.remove();
    }
  });
});
