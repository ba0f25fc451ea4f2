/**
 * `columns:` overrides across types, on both engines, through the real CLI: widened and
 * checked conversions write the exact values (read back by DuckDB); lossy ones run only
 * under `allow_lossy: true` and count what they rounded; a value that does not fit fails
 * the run naming the column and leaves no file; `--strict` refuses what may change values.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckQuery, sqlString } from '../support/duckdb.js';
import { createTestDatabase, mysqlAvailable } from '../support/my-test-db.js';
import { createTestSchema, PG_URL, postgresAvailable } from '../support/pg-test-db.js';
import { runCli, tempDir } from '../support/run-cli.js';

const UUID_1 = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11';
const UUID_3 = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12';
const RAW_1 = '00112233445566778899aabbccddeeff';

interface Engine {
  readonly name: 'postgres' | 'mysql';
  readonly available: boolean;
  /** Creates the fixture; returns the table reference, the source URL and a cleanup. */
  setup(): Promise<{
    table: string;
    url: string;
    query(sql: string): Promise<unknown>;
    drop(): Promise<void>;
  }>;
  readonly ddl: string;
  readonly rows: string;
  /** A table holding one value the int16 override cannot hold. */
  readonly overflow: string;
}

const PG_DDL = `CREATE TABLE conv (id int PRIMARY KEY, i4 int, i8 bigint, flag int, code text, raw bytea,
  doc text, ts timestamp, price float8, amount numeric(10,4), stamp text, day date, f4 real)`;
const PG_ROWS = `INSERT INTO conv VALUES
  (1, 2147483647, -32768, 1, '${UUID_1}', '\\x${RAW_1}', '{"a":[1,2]}', '2024-02-29 23:59:59.5', 1.005, 12.3456,
   '2024-01-01T10:00:00+02:00', '2024-03-01', 0.1),
  (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (3, -5, 12, 0, '{A0EEBC999C0B4EF8BB6D6BB9BD380A12}', '\\x${RAW_1}', '[]', '1969-12-31 00:00:00', -2.5, -0.005,
   '1999-12-31 23:59:59.999999Z', '0044-03-15', -1.5)`;
const MY_DDL = `CREATE TABLE conv (id int PRIMARY KEY, i4 int, i8 bigint, flag tinyint(1), code char(40), raw binary(16),
  doc text, ts datetime(6), price double, amount decimal(10,4), stamp varchar(40), day date, f4 float)`;
const MY_ROWS = PG_ROWS.replaceAll("'\\x", "X'").replaceAll(
  '{A0EEBC999C0B4EF8BB6D6BB9BD380A12}',
  UUID_3.toUpperCase(),
);

const engines: Engine[] = [
  {
    name: 'postgres',
    available: await postgresAvailable(),
    async setup() {
      const db = await createTestSchema('rivet_conv');
      return { table: `${db.name}.conv`, url: PG_URL, query: (sql) => db.query(sql), drop: () => db.drop() };
    },
    ddl: PG_DDL,
    rows: PG_ROWS,
    overflow: 'INSERT INTO conv (id, i8) VALUES (4, 40000)',
  },
  {
    name: 'mysql',
    available: await mysqlAvailable(),
    async setup() {
      const db = await createTestDatabase('rivet_conv');
      return { table: `${db.name}.conv`, url: db.url, query: (sql) => db.query(sql), drop: () => db.drop() };
    },
    ddl: MY_DDL,
    rows: MY_ROWS,
    overflow: 'INSERT INTO conv (id, i8) VALUES (4, 40000)',
  },
];

const OVERRIDES = `    columns:
      i4: int64
      i8: int16
      flag: bool
      code: uuid
      raw: uuid
      doc: json
      ts: date
      price: decimal(10,2)
      amount: decimal(10,2)
      stamp: timestamp_tz
      day: timestamp
      f4: float64
`;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`columns: overrides (${engine.name})`, () => {
    let db: Awaited<ReturnType<Engine['setup']>>;
    let dir: ReturnType<typeof tempDir>;

    beforeAll(async () => {
      db = await engine.setup();
      await db.query(engine.ddl);
      await db.query(engine.rows);
      dir = tempDir();
    });

    afterAll(async () => {
      await db?.drop();
      dir?.remove();
    });

    const run = (name: string, body: string, flags: string[] = [], relation = `table: ${db.table}`) => {
      const config = join(dir.path, `${name}.yaml`);
      writeFileSync(
        config,
        `source:\n  type: ${engine.name}\n  url_env: SOURCE_URL\nexports:\n  - name: ${name}\n    ${relation}\n    format: parquet\n${body}    destination: { type: local, path: ./${name} }\n`,
      );
      return runCli(['run', '-c', config, ...flags], { cwd: dir.path, env: { SOURCE_URL: db.url } });
    };
    const parts = (name: string) => {
      const folder = join(dir.path, name);
      return existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.parquet')) : [];
    };

    it('writes widened, checked and (allowed) lossy conversions exactly as DuckDB reads them', async () => {
      const cli = run('all', `${OVERRIDES}    allow_lossy: true\n`);
      expect(cli.code, cli.stderr).toBe(0);
      expect(cli.stderr).toContain("column 'ts': 1 value(s) rounded or truncated");
      expect(cli.stderr).toContain("column 'price': 1 value(s) rounded or truncated");
      expect(cli.stderr).toContain("column 'amount': 2 value(s) rounded or truncated");
      const file = sqlString(join(dir.path, 'all', parts('all')[0]!));
      const types = await duckQuery(
        `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(${file}))`,
      );
      expect(Object.fromEntries(types.map((r) => [r.column_name, r.column_type]))).toEqual({
        id: 'INTEGER',
        i4: 'BIGINT',
        i8: 'SMALLINT',
        flag: 'BOOLEAN',
        code: 'UUID',
        raw: 'UUID',
        doc: 'JSON',
        ts: 'DATE',
        price: 'DECIMAL(10,2)',
        amount: 'DECIMAL(10,2)',
        stamp: 'TIMESTAMP WITH TIME ZONE',
        day: 'TIMESTAMP',
        f4: 'DOUBLE',
      });
      const rows = await duckQuery(
        `SET TimeZone = 'UTC'; SELECT id, i4::VARCHAR i4, i8, flag, code::VARCHAR code, raw::VARCHAR raw, doc::VARCHAR doc,
           ts::VARCHAR ts, price::VARCHAR price, amount::VARCHAR amount, strftime(stamp, '%Y-%m-%d %H:%M:%S.%f') stamp,
           day::VARCHAR AS "day", f4 FROM read_parquet(${file}) ORDER BY id`,
      );
      expect(rows).toEqual([
        {
          id: 1,
          i4: '2147483647',
          i8: -32768,
          flag: true,
          code: UUID_1,
          raw: '00112233-4455-6677-8899-aabbccddeeff',
          doc: '{"a":[1,2]}',
          ts: '2024-02-29',
          price: '1.01', // the float's shortest form 1.005, rounded half away from zero
          amount: '12.35',
          stamp: '2024-01-01 08:00:00.000000',
          day: '2024-03-01 00:00:00',
          f4: Math.fround(0.1),
        },
        Object.fromEntries(Object.keys(rows[0] ?? {}).map((k) => [k, k === 'id' ? 2 : null])),
        {
          id: 3,
          i4: '-5',
          i8: 12,
          flag: false,
          code: UUID_3,
          raw: '00112233-4455-6677-8899-aabbccddeeff',
          doc: '[]',
          ts: '1969-12-31',
          price: '-2.50',
          amount: '-0.01',
          stamp: '1999-12-31 23:59:59.999999',
          day: '0044-03-15 00:00:00',
          f4: -1.5,
        },
      ]);
    });

    it('a query export (the cursor/scan read path) writes the same values as the table export', async () => {
      const body = `${OVERRIDES}    allow_lossy: true\n    allow_unbounded_read: true\n`;
      const cli = run('query', body, [], `query: SELECT * FROM ${db.table}`);
      expect(cli.code, cli.stderr).toBe(0);
      const [a, b] = ['all', 'query'].map((name) => sqlString(join(dir.path, name, parts(name)[0]!)));
      const diff = await duckQuery(
        `SELECT count(*)::INT n FROM ((FROM read_parquet(${a}) EXCEPT FROM read_parquet(${b})) UNION ALL (FROM read_parquet(${b}) EXCEPT FROM read_parquet(${a})))`,
      );
      expect(diff).toEqual([{ n: 0 }]);
    });

    it('refuses a lossy override without allow_lossy, before reading, naming the column', () => {
      const cli = run('lossy', '    columns:\n      amount: decimal(10,2)\n      i4: int64\n');
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain('columns.amount: override');
      expect(cli.stderr).toContain('is lossy');
      expect(cli.stderr).toContain('allow_lossy: true');
      expect(cli.stderr).not.toContain('columns.i4');
      expect(parts('lossy')).toEqual([]);
    });

    it('--strict refuses lossy overrides even under allow_lossy', () => {
      const cli = run('strict', '    columns:\n      ts: date\n    allow_lossy: true\n', ['--strict']);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain('which --strict refuses');
      expect(parts('strict')).toEqual([]);
    });

    it('refuses an override no conversion supports', () => {
      const cli = run('unsupported', '    columns:\n      day: int32\n      doc: int128\n');
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain("columns.day: override 'int32' cannot apply");
      expect(cli.stderr).toContain("columns.doc: override 'int128' is not a type Rivet knows");
    });

    it('a value that does not fit a checked override fails the run naming column and value; no file is left', async () => {
      await db.query(engine.overflow);
      try {
        const cli = run('overflow', '    columns:\n      i8: int16\n');
        expect(cli.code).toBe(1);
        expect(cli.stderr).toContain('[RIVET_DATA_OVERRIDE_MISMATCH]');
        expect(cli.stderr).toContain(
          "column 'i8': the value '40000' does not fit the `columns:` override int16",
        );
        expect(parts('overflow')).toEqual([]);
        expect(existsSync(join(dir.path, 'overflow', '_SUCCESS'))).toBe(false);
      } finally {
        await db.query('DELETE FROM conv WHERE id = 4');
      }
    });
  });
}

describe.skipIf(!engines[1]!.available)('columns: overrides (mysql specifics)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    db = await createTestDatabase('rivet_conv_my');
    await db.query(`SET SESSION sql_mode = '';
      CREATE TABLE quirks (id int PRIMARY KEY, t1 tinyint(1), b1 bit(1), d date);
      INSERT INTO quirks VALUES (1, 2, b'1', '0000-00-00'), (2, -1, b'0', '2024-05-06')`);
    dir = tempDir();
  });

  afterAll(async () => {
    await db?.drop();
    dir?.remove();
  });

  const run = (name: string, flags: string[] = []) => {
    const config = join(dir.path, `${name}.yaml`);
    writeFileSync(
      config,
      `source:\n  type: mysql\n  url_env: SOURCE_URL\nexports:\n  - name: ${name}\n    table: quirks\n    format: parquet\n    columns: { t1: int, b1: int16, d: timestamp_tz }\n    destination: { type: local, path: ./${name} }\n`,
    );
    return runCli(['run', '-c', config, ...flags], { cwd: dir.path, env: { SOURCE_URL: db.url } });
  };

  it('keeps TINYINT(1) numbers and BIT(1) as integers; a zero date becomes NULL and is counted', async () => {
    const cli = run('quirks');
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain("column 'd': 1 zero date(s) (0000-00-00) exported as NULL");
    const folder = join(dir.path, 'quirks');
    const file = sqlString(join(folder, readdirSync(folder).find((f) => f.endsWith('.parquet'))!));
    const rows = await duckQuery(
      `SET TimeZone = 'UTC'; SELECT id, t1, b1, strftime(d, '%Y-%m-%d %H:%M:%S') d FROM read_parquet(${file}) ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1, t1: 2, b1: 1, d: null },
      { id: 2, t1: -1, b1: 0, d: '2024-05-06 00:00:00' },
    ]);
  });

  it('--strict fails on the zero date instead of writing NULL', () => {
    const cli = run('quirks_strict', ['--strict']);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain("column 'd': the zero date '0000-00-00' is not a date");
  });
});
