/**
 * The built CLI end to end, as a user runs it: files, markers, state, reports, exit
 * codes and messages, stdout streaming, partial failure, and a SIGKILL mid-run.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { xxh3 } from '@node-rs/xxhash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckQuery, sqlString } from '../support/duckdb.js';
import { createTestSchema, PG_URL, postgresAvailable, type TestSchema } from '../support/pg-test-db.js';
import { runCli, startCli, tempDir } from '../support/run-cli.js';

const available = await postgresAvailable();
const env = { PG_URL };

/** Waits until a part is being written (its hidden temp file exists). */
async function waitForTempFile(dir: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !(existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.tmp')))) {
    await new Promise((r) => setTimeout(r, 5));
  }
}

function listRecursive(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listRecursive(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

describe('rivet CLI basics', () => {
  it('--help lists the commands and --version prints the version', () => {
    const dir = tempDir();
    try {
      const help = runCli(['--help'], { cwd: dir.path });
      expect(help.code).toBe(0);
      for (const command of ['run', 'demo', 'state', 'metrics']) expect(help.stdout).toContain(command);
      const version = runCli(['--version'], { cwd: dir.path });
      expect(version.code).toBe(0);
      expect(version.stdout).toMatch(/^rivet \d+\.\d+\.\d+/);
    } finally {
      dir.remove();
    }
  });
});

describe.skipIf(!available)('rivet run against PostgreSQL', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('rivet_e2e');
    await db.query(`CREATE TABLE orders (id bigint PRIMARY KEY, amount numeric(10,2), note text);
      INSERT INTO orders SELECT i, i * 1.25, CASE WHEN i % 3 = 0 THEN NULL ELSE 'note ' || i END FROM generate_series(1, 2500) i;
      CREATE TABLE big (id bigint PRIMARY KEY, payload text);
      INSERT INTO big SELECT i, repeat(md5(i::text), 30) FROM generate_series(1, 200000) i;`);
  });

  afterAll(async () => {
    await db?.drop();
  });

  const config = (exports: string) => `source:\n  type: postgres\n  url_env: PG_URL\nexports:\n${exports}`;

  it('--parallel-exports runs the exports concurrently and reports them in config order', async () => {
    const dir = tempDir();
    try {
      const exportYaml = (name: string, format: string) =>
        `  - name: ${name}\n    table: ${db.name}.orders\n    format: ${format}\n    destination: { type: local, path: ./out/${name} }\n`;
      writeFileSync(
        join(dir.path, 'rivet.yaml'),
        config(exportYaml('a', 'csv') + exportYaml('b', 'parquet')),
      );
      const cli = runCli(['run', '-c', 'rivet.yaml', '--parallel-exports', '--json'], { cwd: dir.path, env });
      expect(cli.code, cli.stderr).toBe(0);
      const aggregate = JSON.parse(cli.stdout);
      expect(aggregate.parallel_mode).toBe('parallel-threads');
      expect(aggregate.per_export.map((e: { export_name: string }) => e.export_name)).toEqual(['a', 'b']);
      const [row] = await duckQuery(
        `SELECT count(*)::INT AS n FROM read_parquet(${sqlString(join(dir.path, 'out', 'b', '*.parquet'))})`,
      );
      expect(row?.n).toBe(2500);
    } finally {
      dir.remove();
    }
  });

  it('writes parts, manifests, _SUCCESS, state and reports; the files read back in DuckDB', async () => {
    const dir = tempDir();
    try {
      writeFileSync(
        join(dir.path, 'rivet.yaml'),
        config(`  - name: orders
    table: ${db.name}.orders
    format: parquet
    destination: { type: local, path: "./out/{export}/{date}" }
  - name: totals
    query: "SELECT count(*) AS n, sum(amount)::numeric(14,2) AS total FROM ${db.name}.orders"
    format: csv
    destination: { type: local, path: ./out/totals }
`),
      );
      const run = runCli(['run', '-c', 'rivet.yaml', '--json'], { cwd: dir.path, env });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('── orders ──');
      const aggregate = JSON.parse(run.stdout);
      expect(aggregate).toMatchObject({
        total_exports: 2,
        success_count: 2,
        failed_count: 0,
        total_rows: 2501,
      });

      const day = new Date().toISOString().slice(0, 10);
      const prefix = join(dir.path, 'out', 'orders', day);
      const files = readdirSync(prefix).sort();
      expect(files).toEqual([
        '_SUCCESS',
        expect.stringMatching(/^manifest-orders_\d{8}T\d{6}\.\d{3}\.json$/),
        'manifest.json',
        expect.stringMatching(/^orders_\d{8}_\d{6}_\d{3}\.parquet$/),
      ]);
      const manifestBytes = readFileSync(join(prefix, 'manifest.json'));
      expect(readFileSync(join(prefix, '_SUCCESS'), 'utf8')).toBe(
        `xxh3:${xxh3.xxh64(manifestBytes).toString(16).padStart(16, '0')}\n`,
      );
      const manifest = JSON.parse(manifestBytes.toString());
      const part = join(prefix, manifest.parts[0].path);
      const bytes = readFileSync(part);
      expect(manifest.parts[0]).toMatchObject({
        rows: 2500,
        size_bytes: bytes.length,
        content_md5: createHash('md5').update(bytes).digest('base64'),
      });
      const [stats] = await duckQuery(
        `SELECT count(*)::INT AS n, sum(amount)::VARCHAR AS total, count(note)::INT AS notes FROM read_parquet(${sqlString(part)})`,
      );
      expect(stats).toEqual({ n: 2500, total: '3907812.50', notes: 1667 });
      expect(
        readFileSync(
          join(
            dir.path,
            'out',
            'totals',
            readdirSync(join(dir.path, 'out', 'totals')).find((f) => f.endsWith('.csv'))!,
          ),
          'utf8',
        ),
      ).toBe('n,total\n2500,3907812.50\n');

      const runs = readdirSync(join(dir.path, '.rivet', 'runs'));
      expect(runs).toHaveLength(2);
      for (const runId of runs) {
        const summary = JSON.parse(
          readFileSync(join(dir.path, '.rivet', 'runs', runId, 'summary.json'), 'utf8'),
        );
        expect(summary).toMatchObject({ run_id: runId, status: 'success' });
        expect(readFileSync(join(dir.path, '.rivet', 'runs', runId, 'summary.md'), 'utf8')).toContain(
          `# Rivet run ${runId}`,
        );
      }

      const ledger = runCli(['state', 'files', '-c', 'rivet.yaml', '--json'], { cwd: dir.path, env });
      expect(ledger.code).toBe(0);
      const recorded = JSON.parse(ledger.stdout);
      expect(recorded).toHaveLength(2);
      expect(recorded.find((f: { export_name: string }) => f.export_name === 'orders')).toMatchObject({
        row_count: 2500,
        bytes: bytes.length,
        md5: manifest.parts[0].content_md5,
        xxh3: manifest.parts[0].content_fingerprint,
      });
      const metrics = runCli(['metrics', '-c', 'rivet.yaml', '--json'], { cwd: dir.path, env });
      expect(JSON.parse(metrics.stdout).map((m: { status: string }) => m.status)).toEqual([
        'success',
        'success',
      ]);
      const table = runCli(['metrics', '-c', 'rivet.yaml'], { cwd: dir.path, env });
      expect(table.stdout).toMatch(/EXPORT\s+STATUS\s+ROWS/);
    } finally {
      dir.remove();
    }
  });

  it('streams CSV to stdout (data on stdout, the card on stderr) and writes no data files', () => {
    const dir = tempDir();
    try {
      writeFileSync(
        join(dir.path, 'rivet.yaml'),
        config(
          `  - name: piped\n    query: "SELECT id, note FROM ${db.name}.orders WHERE id <= 4 ORDER BY id"\n    format: csv\n    destination: { type: stdout }\n`,
        ),
      );
      const run = runCli(['run', '-c', 'rivet.yaml'], { cwd: dir.path, env });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe('id,note\n1,note 1\n2,note 2\n3,\n4,note 4\n');
      expect(run.stderr).toContain('── piped ──');
      expect(listRecursive(dir.path).filter((f) => !f.startsWith('.rivet'))).toEqual(['rivet.yaml']);
    } finally {
      dir.remove();
    }
  });

  it('a failing export does not hide the others: it is reported, the others succeed, exit 1', () => {
    const dir = tempDir();
    try {
      writeFileSync(
        join(dir.path, 'rivet.yaml'),
        config(`  - name: missing\n    table: ${db.name}.no_such_table\n    format: parquet\n    destination: { type: local, path: ./out/missing }
  - name: orders\n    table: ${db.name}.orders\n    format: csv\n    destination: { type: local, path: ./out/orders }\n`),
      );
      const run = runCli(['run', '-c', 'rivet.yaml', '--json'], { cwd: dir.path, env });
      expect(run.code).toBe(1);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stderr).toMatch(/── missing ──[\s\S]*status:\s+failed[\s\S]*no_such_table/);
      const aggregate = JSON.parse(run.stdout);
      expect(aggregate).toMatchObject({ success_count: 1, failed_count: 1 });
      expect(
        aggregate.per_export.find((e: { export_name: string }) => e.export_name === 'missing').error_code,
      ).toBe('RIVET_SOURCE_QUERY');
      expect(existsSync(join(dir.path, 'out', 'missing', '_SUCCESS'))).toBe(false);
      expect(existsSync(join(dir.path, 'out', 'orders', '_SUCCESS'))).toBe(true);
    } finally {
      dir.remove();
    }
  });

  it('an unreachable server exits 2 with host:port/database and without the password', () => {
    const dir = tempDir();
    try {
      writeFileSync(
        join(dir.path, 'rivet.yaml'),
        `source:\n  type: postgres\n  url_env: BAD_URL\n  tuning: { max_retries: 2, retry_backoff_ms: 10 }\nexports:\n  - name: t\n    table: public.t\n    format: csv\n    destination: { type: local, path: ./out }\n`,
      );
      const run = runCli(['run', '-c', 'rivet.yaml'], {
        cwd: dir.path,
        env: { BAD_URL: 'postgresql://u:hunter2-secret@127.0.0.1:1/db' },
      });
      expect(run.code).toBe(2);
      // Retried like any transient failure, even before the read starts.
      expect(run.stderr).toContain("WARN export 't': attempt 1 failed");
      expect(run.stderr).toContain("WARN export 't': attempt 2 failed");
      expect(run.stderr).toContain('127.0.0.1:1/db');
      expect(run.stderr).toContain('RIVET_SOURCE_UNREACHABLE');
      expect(run.stderr).not.toContain('hunter2-secret');
      expect(existsSync(join(dir.path, 'out'))).toBe(false);
    } finally {
      dir.remove();
    }
  });

  it('an unset url_env is a clear error that names the variable', () => {
    const dir = tempDir();
    try {
      writeFileSync(
        join(dir.path, 'rivet.yaml'),
        config(
          `  - name: t\n    table: public.t\n    format: csv\n    destination: { type: local, path: ./out }\n`,
        ),
      );
      const run = runCli(['run', '-c', 'rivet.yaml'], { cwd: dir.path });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain("env var 'PG_URL' is not set (referenced by url_env)");
    } finally {
      dir.remove();
    }
  });

  it('a SIGKILL mid-run leaves no file under a final name and no _SUCCESS; a re-run is complete', async () => {
    const dir = tempDir();
    try {
      writeFileSync(
        join(dir.path, 'rivet.yaml'),
        config(
          `  - name: big\n    table: ${db.name}.big\n    format: csv\n    destination: { type: local, path: ./out }\n`,
        ),
      );
      const child = startCli(['run', '-c', 'rivet.yaml'], { cwd: dir.path, env });
      const out = join(dir.path, 'out');
      await waitForTempFile(out);
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const afterKill = readdirSync(out);
      expect(afterKill.filter((f) => !f.startsWith('.'))).toEqual([]);

      const rerun = runCli(['run', '-c', 'rivet.yaml'], { cwd: dir.path, env });
      expect(rerun.code, rerun.stderr).toBe(0);
      const part = readdirSync(out).find((f) => f.endsWith('.csv'))!;
      const [count] = await duckQuery(
        `SELECT count(*)::INT AS n, count(DISTINCT id)::INT AS ids FROM read_csv(${sqlString(join(out, part))}, header = true)`,
      );
      expect(count).toEqual({ n: 200000, ids: 200000 });
      expect(existsSync(join(out, '_SUCCESS'))).toBe(true);
    } finally {
      dir.remove();
    }
  });

  it('SIGINT stops the run, discards the unfinished part and exits non-zero', async () => {
    const dir = tempDir();
    try {
      writeFileSync(
        join(dir.path, 'rivet.yaml'),
        config(
          `  - name: big\n    table: ${db.name}.big\n    format: parquet\n    destination: { type: local, path: ./out }\n`,
        ),
      );
      const child = startCli(['run', '-c', 'rivet.yaml'], { cwd: dir.path, env });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const out = join(dir.path, 'out');
      await waitForTempFile(out);
      child.kill('SIGINT');
      const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      expect(code).toBe(1);
      expect(stderr).toContain('SIGINT');
      expect(stderr).toContain('RIVET_INTERRUPTED');
      expect(readdirSync(out)).toEqual([]);
    } finally {
      dir.remove();
    }
  });
});
