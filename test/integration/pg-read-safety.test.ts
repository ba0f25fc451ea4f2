/**
 * The source-safety contract of the PostgreSQL reader against the real server:
 * short index-driven statements, statement_timeout per statement (not per read),
 * no temp spill, no transaction left open, and loud, named failures for values that
 * cannot be written exactly.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_READ_POLICY, type ReadSpec, type SourceRelation } from '../../src/contracts/run-plan.js';
import { PostgresSource } from '../../src/source/postgres/pg-source.js';
import { keysetPageSql } from '../../src/source/postgres/pg-sql.js';
import type { ReadBudget, StatementStats } from '../../src/source/source.js';
import { createTestSchema, PG_URL, postgresAvailable, type TestSchema } from '../support/pg-test-db.js';
import { TEST_BUDGET } from '../support/read-budget.js';

const available = await postgresAvailable();

const BUDGET = TEST_BUDGET;

const open = (applicationName = 'rivet-test') =>
  PostgresSource.open({ url: PG_URL, tls: undefined, applicationName });

async function readAll(source: PostgresSource, spec: ReadSpec, budget = BUDGET) {
  const statements: StatementStats[] = [];
  let rows = 0;
  for await (const batch of source.read(spec, budget, { onStatement: (s) => statements.push(s) }))
    rows += batch.length;
  return { rows, statements };
}

async function specFor(
  source: PostgresSource,
  relation: SourceRelation,
  overrides: { column: string; type: string }[] = [],
): Promise<ReadSpec> {
  const columns = await source.describe(relation, overrides);
  const facts = await source.facts(relation, columns);
  return {
    exportName: 'safety',
    relation,
    columns,
    strategy: facts.uniqueKey ? { kind: 'keyset', key: facts.uniqueKey } : { kind: 'scan' },
    policy: DEFAULT_READ_POLICY,
  };
}

describe.skipIf(!available)('PostgreSQL read safety', () => {
  let db: TestSchema;
  let table: SourceRelation;

  beforeAll(async () => {
    db = await createTestSchema('rivet_safety');
    await db.query(`CREATE TABLE big (id bigint PRIMARY KEY, payload text NOT NULL, n int);
      INSERT INTO big SELECT i, repeat(md5(i::text), 8), i % 97 FROM generate_series(1, 60000) i;
      ANALYZE big;`);
    table = { kind: 'table', schema: db.name, name: 'big' };
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('reads a keyed table as many short keyset COPY pages, each an index scan without a sort', async () => {
    const source = await open();
    try {
      const spec = await specFor(source, table);
      expect(spec.strategy).toEqual({ kind: 'keyset', key: [{ name: 'id', type: { kind: 'int64' } }] });
      const { rows, statements } = await readAll(source, spec, { ...BUDGET, batchBytes: 1 << 20 });
      expect(rows).toBe(60000);
      expect(statements.length).toBeGreaterThan(5);
      expect(statements.every((s) => s.sql.includes('ORDER BY "id" LIMIT'))).toBe(true);
      const plan = await db.query(
        `EXPLAIN (FORMAT JSON) ${keysetPageSql(table, spec.columns, [{ name: 'id', type: { kind: 'int64' } }], ['30000'], 1000)}`,
      );
      const text = JSON.stringify(plan.rows[0]);
      expect(text).toContain('Index Scan');
      expect(text).not.toContain('"Sort"');
    } finally {
      await source.close();
    }
  });

  it('applies statement_timeout to each statement: a read longer than the timeout still succeeds', async () => {
    const source = await open();
    try {
      const spec = await specFor(source, { kind: 'query', sql: `SELECT id, payload FROM ${db.name}.big` });
      expect(spec.strategy.kind).toBe('scan');
      // The throttle stretches the whole read past the 1 s timeout while each FETCH stays short.
      const budget = {
        ...BUDGET,
        statementTimeoutMs: 1000,
        batchBytes: 256 << 10,
        throttleMs: 150,
        throttleRows: 2000,
      };
      const started = Date.now();
      const { rows, statements } = await readAll(source, spec, budget);
      expect(rows).toBe(60000);
      expect(Date.now() - started).toBeGreaterThan(1500);
      expect(Math.max(...statements.map((s) => s.ms))).toBeLessThan(1000);
      expect(statements.every((s) => s.sql.startsWith('FETCH '))).toBe(true);
    } finally {
      await source.close();
    }
  });

  it('a single statement over statement_timeout fails with a stable code and a hint', async () => {
    const source = await open();
    try {
      const spec = await specFor(source, { kind: 'query', sql: 'SELECT 1 AS slept FROM pg_sleep(2)' });
      await expect(readAll(source, spec, { ...BUDGET, statementTimeoutMs: 300 })).rejects.toMatchObject({
        code: 'RIVET_SOURCE_STATEMENT_TIMEOUT',
        hint: expect.stringContaining('statement_timeout_s'),
      });
    } finally {
      await source.close();
    }
  });

  it('runs the read inside a UTC, read-only snapshot and leaves no transaction open afterwards', async () => {
    const app = `rivet-leak-${process.pid}`;
    const source = await open(app);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      const spec = await specFor(source, {
        kind: 'query',
        sql: "SELECT current_setting('TimeZone') AS tz, current_setting('transaction_read_only') AS ro, current_setting('transaction_isolation') AS iso, current_setting('statement_timeout') AS st",
      });
      const values: string[] = [];
      for await (const batch of source.read(spec, { ...BUDGET, statementTimeoutMs: 4000 })) {
        for (const column of batch.columns) {
          if (column.layout === 'var')
            values.push(Buffer.from(column.data).toString('utf8', column.offsets[0], column.offsets[1]));
        }
      }
      expect(values).toEqual(['UTC', 'on', 'repeatable read', '4s']);
      const activity = await admin.query(
        'SELECT state, backend_xmin FROM pg_stat_activity WHERE application_name = $1',
        [app],
      );
      expect(activity.rows).toEqual([{ state: 'idle', backend_xmin: null }]);
    } finally {
      await source.close();
      await admin.end();
    }
  });

  it('abandoning a read mid-COPY drops the connection instead of leaving a transaction open', async () => {
    const app = `rivet-abandon-${process.pid}`;
    const source = await open(app);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      const spec = await specFor(source, table);
      for await (const batch of source.read(spec, BUDGET)) {
        expect(batch.length).toBeGreaterThan(0);
        break;
      }
      await new Promise((r) => setTimeout(r, 300));
      const activity = await admin.query('SELECT state FROM pg_stat_activity WHERE application_name = $1', [
        app,
      ]);
      expect(activity.rows).toEqual([]);
    } finally {
      await source.close();
      await admin.end();
    }
  });

  it('names every unsupported column at once, before reading anything', async () => {
    // point is exported in its text form; tid and aclitem have no exact mapping at all.
    await db.query('CREATE TABLE odd (id int PRIMARY KEY, p tid, m aclitem, x point, ok text, n numeric)');
    const source = await open();
    try {
      const error = await source
        .describe({ kind: 'table', schema: db.name, name: 'odd' }, [])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'RIVET_SOURCE_TYPE_UNSUPPORTED',
        hint: expect.stringContaining('columns:'),
      });
      const message = (error as Error).message;
      for (const column of ["'p'", "'m'", "'n'"]) expect(message).toContain(`column ${column}`);
      expect(message).not.toContain("'ok'");
      expect(message).not.toContain("'x'");
      const columns = await source.describe({ kind: 'table', schema: db.name, name: 'odd' }, [
        { column: 'p', type: 'text' },
        { column: 'm', type: 'string' },
        { column: 'n', type: 'decimal(20,4)' },
      ]);
      expect(columns.map((c) => c.type.kind)).toEqual(['int32', 'utf8', 'utf8', 'utf8', 'utf8', 'decimal']);
    } finally {
      await source.close();
    }
  });

  it('refuses values that cannot be written exactly, naming the column', async () => {
    await db.query(`CREATE TABLE bad_values (id int PRIMARY KEY, n numeric, d date, a int[], t text);
      INSERT INTO bad_values VALUES (1, 'NaN', '2020-01-01', '{1}', 'x'), (2, 1.23456, 'infinity', '{{1,2},{3,4}}', repeat('y', 3000000))`);
    const cases: {
      sql: string;
      overrides: { column: string; type: string }[];
      budget?: Partial<ReadBudget>;
      code: string;
      column: string;
    }[] = [
      {
        sql: 'SELECT id, n FROM %s WHERE id = 1',
        overrides: [{ column: 'n', type: 'decimal(10,2)' }],
        code: 'RIVET_DATA_UNREPRESENTABLE',
        column: 'n',
      },
      {
        sql: 'SELECT id, n FROM %s WHERE id = 2',
        overrides: [{ column: 'n', type: 'decimal(10,2)' }],
        code: 'RIVET_DATA_UNREPRESENTABLE',
        column: 'n',
      },
      {
        sql: 'SELECT id, d FROM %s WHERE id = 2',
        overrides: [],
        code: 'RIVET_DATA_UNREPRESENTABLE',
        column: 'd',
      },
      {
        sql: 'SELECT id, a FROM %s WHERE id = 2',
        overrides: [],
        code: 'RIVET_DATA_UNREPRESENTABLE',
        column: 'a',
      },
      {
        sql: 'SELECT id, t FROM %s WHERE id = 2',
        overrides: [],
        budget: { maxValueBytes: 1 << 20 },
        code: 'RIVET_VALUE_TOO_LARGE',
        column: 't',
      },
    ];
    for (const c of cases) {
      // A failed read closes its connection (it may be mid-COPY): each case gets a new one.
      const source = await open();
      try {
        const query: SourceRelation = { kind: 'query', sql: c.sql.replace('%s', `${db.name}.bad_values`) };
        const spec: ReadSpec = {
          exportName: 'bad',
          relation: query,
          columns: await source.describe(query, c.overrides),
          strategy: { kind: 'scan' },
          policy: DEFAULT_READ_POLICY,
        };
        const error = await readAll(source, spec, { ...BUDGET, ...c.budget }).catch((e: unknown) => e);
        expect(error, c.sql).toMatchObject({ code: c.code });
        expect((error as Error).message).toContain(`'${c.column}'`);
      } finally {
        await source.close();
      }
    }
  });

  it('refuses unrepresentable values on the keyset COPY path too', async () => {
    const source = await open();
    try {
      const relation: SourceRelation = { kind: 'table', schema: db.name, name: 'bad_values' };
      const spec = await specFor(source, relation, [{ column: 'n', type: 'decimal(10,2)' }]);
      expect(spec.strategy.kind).toBe('keyset');
      await expect(readAll(source, spec)).rejects.toMatchObject({
        code: 'RIVET_DATA_UNREPRESENTABLE',
        message: expect.stringContaining("'n'"),
      });
    } finally {
      await source.close();
    }
  });
});

describe.skipIf(!available)('PostgreSQL connection failures', () => {
  it('an unreachable server is a retryable error naming host:port/database, never the password', async () => {
    const error = await PostgresSource.open({
      url: 'postgresql://rivet:s3cr3t-pw@127.0.0.1:1/nodb',
      tls: undefined,
      applicationName: 'rivet-test',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RIVET_SOURCE_UNREACHABLE', retryable: true, exitClass: 2 });
    expect((error as Error).message).toContain('127.0.0.1:1/nodb');
    expect((error as Error).message).not.toContain('s3cr3t-pw');
  });

  it('a missing database is a permanent error with a hint', async () => {
    const error = await PostgresSource.open({
      url: `${PG_URL}_no_such_db`,
      tls: undefined,
      applicationName: 'rivet-test',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RIVET_SOURCE_CONNECT', retryable: false, exitClass: 1 });
  });

  it('refuses a remote host without a tls block before connecting', async () => {
    const error = await PostgresSource.open({
      url: 'postgresql://u@db.example.com:5432/x',
      tls: undefined,
      applicationName: 'rivet-test',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RIVET_SOURCE_TLS_REQUIRED' });
    expect((error as RivetLike).hint).toContain('verify-full');
  });
});

interface RivetLike {
  hint?: string;
}

describe.skipIf(!available)('PostgreSQL planning and key choice', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('rivet_plan');
    await db.query(`CREATE TABLE patterned (code text NOT NULL, v int);
      CREATE UNIQUE INDEX patterned_code ON patterned (code text_pattern_ops);
      INSERT INTO patterned SELECT 'k' || i, i FROM generate_series(1, 100) i;
      CREATE TABLE amounts (id int PRIMARY KEY, many numeric(10,2)[], one numeric);
      INSERT INTO amounts VALUES (1, '{1.50,2.25}', 3);
      CREATE TABLE wide_rows (id bigint PRIMARY KEY, payload text NOT NULL);
      INSERT INTO wide_rows SELECT i, (SELECT string_agg(md5(i::text || ':' || g), '') FROM generate_series(1, 40) g) FROM generate_series(1, 20000) i;`);
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('does not use a unique index that cannot serve ORDER BY key (text_pattern_ops): reads with a cursor', async () => {
    const source = await open();
    try {
      const spec = await specFor(source, { kind: 'table', schema: db.name, name: 'patterned' });
      expect(spec.strategy.kind).toBe('scan');
    } finally {
      await source.close();
    }
  });

  it('starts keyset reads with a small probe page, then grows', async () => {
    const source = await open();
    try {
      const spec = await specFor(source, { kind: 'table', schema: db.name, name: 'wide_rows' });
      const { rows, statements } = await readAll(source, spec);
      expect(rows).toBe(20000);
      expect(statements[0]?.sql).toMatch(/LIMIT 16$/);
      expect(statements[1]?.sql).toMatch(/LIMIT 64$/);
    } finally {
      await source.close();
    }
  });

  it('refuses a decimal override on an array column instead of misreading it', async () => {
    const source = await open();
    try {
      const relation: SourceRelation = { kind: 'table', schema: db.name, name: 'amounts' };
      await expect(
        source.describe(relation, [{ column: 'many', type: 'decimal(10,2)' }]),
      ).rejects.toMatchObject({
        code: 'RIVET_SOURCE_TYPE_UNSUPPORTED',
        message: expect.stringContaining(
          "columns.many: override 'decimal(10,2)' cannot apply to numeric(10,2)[]",
        ),
      });
    } finally {
      await source.close();
    }
  });

  it('accepts a query ending in a line comment or a semicolon', async () => {
    const source = await open();
    try {
      for (const sql of [
        `SELECT id FROM ${db.name}.amounts -- trailing comment`,
        `SELECT id FROM ${db.name}.amounts\n`,
      ]) {
        const spec = await specFor(source, { kind: 'query', sql });
        expect((await readAll(source, spec)).rows).toBe(1);
      }
    } finally {
      await source.close();
    }
  });

  it('planning reads give up on a locked table after lock_timeout instead of hanging', async () => {
    const locker = new pg.Client({ connectionString: PG_URL });
    await locker.connect();
    await locker.query(`BEGIN; LOCK TABLE ${db.name}.amounts IN ACCESS EXCLUSIVE MODE`);
    const source = await PostgresSource.open({
      url: PG_URL,
      tls: undefined,
      applicationName: 'rivet-test',
      planningTimeouts: { statementMs: 5000, lockMs: 300 },
    });
    try {
      const started = Date.now();
      const error = await source
        .describe({ kind: 'table', schema: db.name, name: 'amounts' }, [])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'RIVET_SOURCE_QUERY', retryable: true });
      expect((error as Error).message).toContain('55P03');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await source.close();
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });

  it('a FETCH sized past work_mem spills to disk; Rivet’s FETCHes of the same rows do not', async () => {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const tempFiles = async () =>
      Number(
        (await admin.query('SELECT temp_files FROM pg_stat_database WHERE datname = current_database()'))
          .rows[0].temp_files,
      );
    try {
      const control = new pg.Client({ connectionString: PG_URL });
      await control.connect();
      let before = await tempFiles();
      await control.query(
        `BEGIN; DECLARE c NO SCROLL CURSOR FOR SELECT * FROM ${db.name}.wide_rows; FETCH 20000 FROM c; COMMIT`,
      );
      await control.end();
      await new Promise((r) => setTimeout(r, 600));
      expect(await tempFiles()).toBeGreaterThan(before);

      const source = await open();
      try {
        before = await tempFiles();
        const spec = await specFor(source, { kind: 'query', sql: `SELECT * FROM ${db.name}.wide_rows` });
        const { rows, statements } = await readAll(source, spec, {
          ...BUDGET,
          batchBytes: 64 << 20,
          targetStatementMs: 60_000,
        });
        expect(rows).toBe(20000);
        expect(statements.length).toBeGreaterThan(1);
        await new Promise((r) => setTimeout(r, 600));
        expect(await tempFiles()).toBe(before);
      } finally {
        await source.close();
      }
    } finally {
      await admin.end();
    }
  });
});

describe('PostgreSQL connection settings', () => {
  it('names a missing tls.ca_file instead of failing as a bug', async () => {
    const error = await PostgresSource.open({
      url: 'postgresql://u@db.example.com/x',
      tls: {
        mode: 'verify-full',
        caFile: '/nonexistent/ca.pem',
        acceptInvalidCerts: false,
        acceptInvalidHostnames: false,
      },
      applicationName: 'rivet-test',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'RIVET_SOURCE_TLS_CA',
      message: expect.stringContaining('/nonexistent/ca.pem'),
    });
  });

  it('refuses a URL without a host', async () => {
    const error = await PostgresSource.open({
      url: 'postgresql:///onlydb',
      tls: undefined,
      applicationName: 'rivet-test',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RIVET_SOURCE_URL' });
  });
});
