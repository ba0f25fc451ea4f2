/**
 * `rivet run` against the real MariaDB through the CLI: structured connection fields,
 * a refused key-less table that leaves nothing behind, zero dates reported in the
 * summary, and `zero_dates: error` failing with the column named.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckQuery, sqlString } from '../support/duckdb.js';
import { createTestDatabase, mysqlAvailable, type TestDatabase } from '../support/my-test-db.js';
import { runCli, tempDir } from '../support/run-cli.js';

const available = await mysqlAvailable();

describe.skipIf(!available)('rivet run with a MySQL source', () => {
  let db: TestDatabase;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    db = await createTestDatabase('rivet_mycli');
    await db.query(`CREATE TABLE orders (id INT PRIMARY KEY, total DECIMAL(10,2), placed DATE);
      INSERT INTO orders SELECT seq, seq / 100, '2024-01-01' + INTERVAL seq DAY FROM seq_1_to_2500;
      CREATE TABLE events (happened DATETIME, what VARCHAR(20));
      INSERT INTO events SELECT '2024-01-01' + INTERVAL seq MINUTE, 'e' FROM seq_1_to_10;
      SET SESSION sql_mode = '';
      INSERT INTO orders VALUES (9001, 1.00, '0000-00-00'), (9002, 2.00, '2024-00-05');
      SET SESSION sql_mode = DEFAULT;`);
  });

  afterAll(async () => {
    await db?.drop();
  });

  const config = (exportYaml: string) => {
    dir = tempDir();
    const url = new URL(db.url);
    writeFileSync(
      join(dir.path, 'rivet.yaml'),
      `source:\n  type: mysql\n  host: ${url.hostname}\n  user: ${decodeURIComponent(url.username)}\n  database: ${db.name}\nexports:\n${exportYaml}`,
    );
    return dir;
  };

  it('exports a keyed table (structured connection, default port) and reports zero dates in the summary', async () => {
    const d = config(
      '  - name: orders\n    table: orders\n    format: parquet\n    destination: { type: local, path: ./out }\n',
    );
    const cli = runCli(['run', '-c', 'rivet.yaml', '--json'], { cwd: d.path });
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain('2 zero date(s) (0000-00-00) exported as NULL');
    const run = readdirSync(join(d.path, '.rivet', 'runs'))[0]!;
    const summary = JSON.parse(readFileSync(join(d.path, '.rivet', 'runs', run, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      status: 'success',
      total_rows: 2502,
      source_engine: 'mysql',
      strategy: 'keyset(id)',
    });
    expect(summary.warnings).toEqual(["column 'placed': 2 zero date(s) (0000-00-00) exported as NULL"]);
    const part = readdirSync(join(d.path, 'out')).find((f) => f.endsWith('.parquet'))!;
    const [check] = await duckQuery(
      `SELECT count(*) AS n, count(placed) AS dated, sum(total)::VARCHAR AS total FROM read_parquet(${sqlString(join(d.path, 'out', part))})`,
    );
    const [source] = await db.query<{ total: string }[]>(
      'SELECT CAST(SUM(total) AS CHAR) AS total FROM orders',
    );
    expect(check).toMatchObject({ n: 2502n, dated: 2500n, total: source!.total });
    d.remove();
  });

  it('refuses a table without a usable key, names the opt-in key and leaves no file or marker behind', () => {
    const d = config(
      '  - name: events\n    table: events\n    format: csv\n    destination: { type: local, path: ./out }\n',
    );
    const cli = runCli(['run', '-c', 'rivet.yaml'], { cwd: d.path });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('RIVET_SOURCE_NO_KEY');
    expect(cli.stderr).toContain('allow_unbounded_read: true');
    expect(cli.stderr).not.toMatch(/\n\s+at /);
    const out = join(d.path, 'out');
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    d.remove();
  });

  it('fails under zero_dates: error with the column named, writing no part', () => {
    const d = config(
      '  - name: orders\n    table: orders\n    format: csv\n    zero_dates: error\n    destination: { type: local, path: ./out }\n',
    );
    const cli = runCli(['run', '-c', 'rivet.yaml'], { cwd: d.path });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain("column 'placed'");
    expect(cli.stderr).toContain('zero_dates');
    const out = join(d.path, 'out');
    expect((existsSync(out) ? readdirSync(out) : []).filter((f) => f.endsWith('.csv'))).toEqual([]);
    d.remove();
  });

  it('names a dead server (host:port/database, never the password) as a retryable failure, exit 2', () => {
    const d = tempDir();
    writeFileSync(
      join(d.path, 'rivet.yaml'),
      'source:\n  type: mysql\n  url_env: MY_DEAD\n  tuning: { max_retries: 0 }\nexports:\n  - name: x\n    table: x\n    format: csv\n    destination: { type: local, path: ./out }\n',
    );
    const cli = runCli(['run', '-c', 'rivet.yaml'], {
      cwd: d.path,
      env: { MY_DEAD: 'mysql://reader:s3cret@127.0.0.1:1/shop' },
    });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('RIVET_SOURCE_UNREACHABLE');
    expect(cli.stderr).toContain('127.0.0.1:1/shop');
    expect(cli.stderr).not.toContain('s3cret');
    d.remove();
  });

  it('refuses a URL whose scheme does not match the source type, both ways', () => {
    for (const [type, url] of [
      ['mysql', 'postgresql://u@127.0.0.1:5432/db'],
      ['postgres', 'mysql://u@127.0.0.1:3306/db'],
    ] as const) {
      const d = tempDir();
      writeFileSync(
        join(d.path, 'rivet.yaml'),
        `source:\n  type: ${type}\n  url: ${url}\nexports:\n  - name: x\n    table: x\n    format: csv\n    destination: { type: local, path: ./out }\n`,
      );
      const cli = runCli(['run', '-c', 'rivet.yaml'], { cwd: d.path });
      expect(cli.code, cli.stderr).toBe(1);
      expect(cli.stderr).toContain('RIVET_SOURCE_URL');
      expect(cli.stderr).toContain('type:');
      d.remove();
    }
  });
});
