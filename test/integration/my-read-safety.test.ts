/**
 * The source-safety contract of the MySQL/MariaDB reader against the real server:
 * keyset pages on composite keys that neither miss nor repeat a row at page boundaries,
 * short statements measured by the server's own slow log, refusal of key-less reads
 * unless opted in, a session put back after success, failure and early exit, and loud,
 * named failures for values that cannot be written exactly.
 */
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_READ_POLICY,
  type ReadPolicy,
  type ReadSpec,
  type SourceRelation,
} from '../../src/contracts/run-plan.js';
import { MySqlSource } from '../../src/source/mysql/my-source.js';
import type { StatementStats } from '../../src/source/source.js';
import type { Batch, ColumnData } from '../../src/types/column-data.js';
import { formatDecimal } from '../../src/types/decimal128.js';
import { createTestDatabase, MY_URL, mysqlAvailable, type TestDatabase } from '../support/my-test-db.js';
import { TEST_BUDGET } from '../support/read-budget.js';

const available = await mysqlAvailable();

const BUDGET = TEST_BUDGET;

/** Renders one cell of a batch as text (enough for the integer and string keys used here). */
function cell(column: ColumnData, row: number): string | null {
  const validity = (column as { validity?: Uint8Array | null }).validity;
  if (validity && (validity[row >> 3]! & (1 << (row & 7))) === 0) return null;
  if (column.layout === 'var') {
    return Buffer.from(column.data.buffer, column.data.byteOffset, column.data.length)
      .subarray(column.offsets[row]!, column.offsets[row + 1]!)
      .toString('utf8');
  }
  if (column.layout === 'decimal128') return formatDecimal(column.words, row * 4, 0);
  return String((column as { values: ArrayLike<unknown> }).values[row]);
}

describe.skipIf(!available)('MySQL read safety', () => {
  let db: TestDatabase;
  let source: MySqlSource;

  const specFor = async (relation: SourceRelation, policy: Partial<ReadPolicy> = {}): Promise<ReadSpec> => {
    const columns = await source.describe(relation, []);
    const facts = await source.facts(relation, columns);
    return {
      exportName: 'safety',
      relation,
      columns,
      strategy: facts.uniqueKey
        ? { kind: 'keyset', key: facts.uniqueKey, index: facts.keyIndex }
        : { kind: 'scan' },
      policy: { ...DEFAULT_READ_POLICY, ...policy },
    };
  };
  const table = (name: string): SourceRelation => ({ kind: 'table', schema: undefined, name });

  async function readRows(spec: ReadSpec, budget = BUDGET, onWarning?: (m: string) => void) {
    const statements: StatementStats[] = [];
    const rows: (string | null)[][] = [];
    for await (const batch of source.read(spec, budget, {
      onStatement: (s) => statements.push(s),
      onWarning,
    })) {
      rows.push(...batchRows(batch));
    }
    return { rows, statements };
  }

  function batchRows(batch: Batch): (string | null)[][] {
    return Array.from({ length: batch.length }, (_, r) => batch.columns.map((c) => cell(c, r)));
  }

  beforeAll(async () => {
    db = await createTestDatabase('rivet_mysafe');
    source = await MySqlSource.open({ url: db.url, tls: undefined, applicationName: 'rivet-test' });
  });

  afterAll(async () => {
    await source?.close();
    await db?.drop();
  });

  it('pages a composite key with many duplicate leading values without missing or repeating a row', async () => {
    await db.query(`CREATE TABLE comp (a INT NOT NULL, b VARCHAR(20) NOT NULL, v INT, PRIMARY KEY (a, b));
      INSERT INTO comp SELECT seq DIV 97, CONCAT('k', LPAD(seq MOD 97, 3, '0')), seq FROM seq_0_to_4999;`);
    const spec = await specFor(table('comp'));
    expect(spec.strategy).toMatchObject({ kind: 'keyset', index: 'PRIMARY' });
    // Tiny pages: most boundaries fall inside a group of equal leading values.
    const { rows, statements } = await readRows(spec, { ...BUDGET, batchBytes: 700, targetStatementMs: 1 });
    expect(statements.length).toBeGreaterThan(100);
    const values = rows.map((r) => Number(r[2]));
    expect(values).toHaveLength(5000);
    expect(new Set(values).size).toBe(5000);
    const expected = await db.query<{ v: number }[]>('SELECT v FROM comp ORDER BY a, b');
    expect(values).toEqual(expected.map((r) => Number(r.v)));
    // Every page after the first uses the expanded OR predicate on the pinned index.
    expect(statements[1]!.sql).toMatch(
      /FORCE INDEX \(`PRIMARY`\) WHERE \(`a` > \d+\) OR \(`a` = \d+ AND `b` > \?\)/,
    );
  });

  it('pages a BIGINT UNSIGNED key past 2^63 and a unique string key exactly', async () => {
    await db.query(`CREATE TABLE ukey (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, code VARCHAR(10) NOT NULL UNIQUE);
      INSERT INTO ukey SELECT 18446744073709551615 - seq, CONCAT('c', seq) FROM seq_0_to_999;`);
    const spec = await specFor(table('ukey'));
    const { rows } = await readRows(spec, { ...BUDGET, batchBytes: 500, targetStatementMs: 1 });
    expect(rows).toHaveLength(1000);
    expect(rows.at(-1)![1]).toBe('c0');
    expect(new Set(rows.map((r) => r[1])).size).toBe(1000);
  });

  it('refuses a table without a usable key unless allow_unbounded_read is set, then reads it in one statement', async () => {
    await db.query(
      `CREATE TABLE nokey (id INT NULL, v TEXT); INSERT INTO nokey SELECT seq, REPEAT('x', 100) FROM seq_1_to_3000;`,
    );
    const refused = await readRows(await specFor(table('nokey'))).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'RIVET_SOURCE_NO_KEY' });
    expect(String((refused as Error).message)).toContain("table 'nokey'");
    expect((refused as { hint: string }).hint).toContain('allow_unbounded_read: true');
    const { rows, statements } = await readRows(await specFor(table('nokey'), { allowUnboundedRead: true }), {
      ...BUDGET,
      batchBytes: 20_000,
    });
    expect(rows).toHaveLength(3000);
    expect(statements).toHaveLength(1);
  });

  it('does not page on a unique index the optimizer is told to ignore (FORCE INDEX would fail)', async () => {
    // The primary key (a DOUBLE) is not usable for keyset pages; the unique INT index is.
    await db.query(`CREATE TABLE ignored_key (pk DOUBLE NOT NULL PRIMARY KEY, id INT NOT NULL, UNIQUE KEY u_id (id));
      INSERT INTO ignored_key SELECT seq / 3, seq FROM seq_1_to_100;
      ALTER TABLE ignored_key ALTER INDEX u_id IGNORED;`);
    const spec = await specFor(table('ignored_key'));
    expect(spec.strategy.kind).toBe('scan');
    await db.query('ALTER TABLE ignored_key ALTER INDEX u_id NOT IGNORED');
    expect((await specFor(table('ignored_key'))).strategy).toMatchObject({ kind: 'keyset', index: 'u_id' });
  });

  it('puts the session back after a read, after a failed read and after a consumer that stops early', async () => {
    const before = await source.sessionSnapshot();
    expect(before.time_zone).not.toBe('+00:00');
    await db.query(`CREATE TABLE flags (id INT PRIMARY KEY, f TINYINT(1)); INSERT INTO flags SELECT seq, seq MOD 2 FROM seq_1_to_3000;
      UPDATE flags SET f = 7 WHERE id = 2500;`);
    const spec = await specFor(table('flags'));
    // A value that cannot be written exactly fails the read mid-way, naming the column.
    const failure = await readRows(spec, { ...BUDGET, batchBytes: 2000, targetStatementMs: 1 }).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ code: 'RIVET_DATA_UNREPRESENTABLE' });
    expect(String((failure as Error).message)).toContain("'f'");
    expect(await source.sessionSnapshot()).toEqual(before);
    // Early exit from the key-less single statement: killed, not drained.
    await db.query(
      'CREATE TABLE big_nokey (v TEXT); INSERT INTO big_nokey SELECT REPEAT(seq, 50) FROM seq_1_to_200000;',
    );
    const started = performance.now();
    const scan = await specFor(table('big_nokey'), { allowUnboundedRead: true });
    for await (const batch of source.read(scan, { ...BUDGET, batchBytes: 64 << 10 })) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await source.sessionSnapshot()).toEqual(before);
    const ok = await readRows(await specFor(table('comp')));
    expect(ok.rows.length).toBe(5000);
    expect(await source.sessionSnapshot()).toEqual(before);
  });

  it('stops a key-less single statement at the first bad value instead of draining the table', async () => {
    await db.query(`CREATE TABLE bad_scan (f TINYINT(1), pad TEXT);
      INSERT INTO bad_scan SELECT IF(seq = 10, 7, 1), REPEAT('p', 200) FROM seq_1_to_300000;`);
    const before = await source.sessionSnapshot();
    const started = performance.now();
    const failure = await readRows(await specFor(table('bad_scan'), { allowUnboundedRead: true })).catch(
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({ code: 'RIVET_DATA_UNREPRESENTABLE' });
    expect(performance.now() - started).toBeLessThan(3000);
    expect(await source.sessionSnapshot()).toEqual(before);
  });

  it('cuts its own connection when it cannot open a side connection to kill a statement it leaves', async () => {
    await db.query(
      `CREATE TABLE cut_scan (v TEXT); INSERT INTO cut_scan SELECT REPEAT(seq, 50) FROM seq_1_to_200000;`,
    );
    const user = `rivet_one_${process.pid}`;
    await db.query(
      `CREATE USER '${user}'@'%' WITH MAX_USER_CONNECTIONS 1; GRANT SELECT ON \`${db.name}\`.* TO '${user}'@'%';`,
    );
    const url = new URL(db.url);
    url.username = user;
    url.password = '';
    const single = await MySqlSource.open({
      url: url.toString(),
      tls: undefined,
      applicationName: 'rivet-one',
    });
    try {
      const columns = await single.describe(table('cut_scan'), []);
      const spec: ReadSpec = {
        exportName: 'cut',
        relation: table('cut_scan'),
        columns,
        strategy: { kind: 'scan' },
        policy: { ...DEFAULT_READ_POLICY, allowUnboundedRead: true },
      };
      const started = performance.now();
      for await (const batch of single.read(spec, { ...BUDGET, batchBytes: 64 << 10 })) {
        expect(batch.length).toBeGreaterThan(0);
        break;
      }
      // No side connection (the user may hold one): the statement is stopped by cutting ours, not drained.
      expect(performance.now() - started).toBeLessThan(5000);
      const next = await single.describe(table('cut_scan'), []).catch((e: unknown) => e);
      expect(next).toMatchObject({ name: 'RivetError' });
    } finally {
      await single.close().catch(() => undefined);
      await db.query(`DROP USER '${user}'@'%'`);
    }
  });

  it('reads zero dates as NULL with a warning count, or fails naming the column under zero_dates: error', async () => {
    await db.query(`SET SESSION sql_mode = '';
      CREATE TABLE zeros (id INT PRIMARY KEY, d DATE, dt DATETIME);
      INSERT INTO zeros VALUES (1, '0000-00-00', '0000-00-00 00:00:00'), (2, '2024-01-00', '2024-05-06 07:08:09'), (3, '2024-01-02', NULL);
      SET SESSION sql_mode = DEFAULT;`);
    const warnings: string[] = [];
    const { rows } = await readRows(await specFor(table('zeros')), BUDGET, (m) => warnings.push(m));
    expect(rows.map((r) => [r[1] === null, r[2] === null])).toEqual([
      [true, true],
      [true, false],
      [false, true],
    ]);
    expect(warnings).toEqual([
      "column 'd': 2 zero date(s) (0000-00-00) exported as NULL",
      "column 'dt': 1 zero date(s) (0000-00-00) exported as NULL",
    ]);
    const strict = await readRows(await specFor(table('zeros'), { zeroDates: 'error' })).catch(
      (e: unknown) => e,
    );
    expect(strict).toMatchObject({ code: 'RIVET_DATA_UNREPRESENTABLE' });
    expect(String((strict as Error).message)).toContain("'d'");
  });

  it('keeps every statement short on the server, as its slow log measures them', async () => {
    await db.query(
      `CREATE TABLE wide (id INT PRIMARY KEY, body TEXT); INSERT INTO wide SELECT seq, REPEAT(MD5(seq), 60) FROM seq_1_to_40000;`,
    );
    const admin = await mysql.createConnection({ uri: MY_URL });
    const [[saved]] = (await admin.query(
      'SELECT @@GLOBAL.log_output AS o, @@GLOBAL.slow_query_log AS s, @@GLOBAL.long_query_time AS l',
    )) as unknown as [[{ o: string; s: number; l: number }]];
    try {
      await admin.query(
        "SET GLOBAL log_output = 'TABLE', GLOBAL long_query_time = 0, GLOBAL slow_query_log = 1",
      );
      // long_query_time is read when a session starts: a fresh connection sees the new value.
      const measured = await MySqlSource.open({
        url: db.url,
        tls: undefined,
        applicationName: 'rivet-slowlog',
      });
      try {
        const columns = await measured.describe(table('wide'), []);
        const facts = await measured.facts(table('wide'), columns);
        const spec: ReadSpec = {
          exportName: 'wide',
          relation: table('wide'),
          columns,
          strategy: { kind: 'keyset', key: facts.uniqueKey!, index: facts.keyIndex },
          policy: DEFAULT_READ_POLICY,
        };
        let rows = 0;
        for await (const batch of measured.read(spec, {
          ...BUDGET,
          batchBytes: 1 << 20,
          targetStatementMs: 20,
        }))
          rows += batch.length;
        expect(rows).toBe(40000);
      } finally {
        await measured.close();
      }
      const [[log]] = (await admin.query(
        "SELECT COUNT(*) AS n, MAX(TIME_TO_SEC(query_time)) AS longest FROM mysql.slow_log WHERE db = ? AND sql_text LIKE 'SELECT %wide%'",
        [db.name],
      )) as unknown as [[{ n: number; longest: string }]];
      expect(Number(log.n)).toBeGreaterThan(10);
      expect(Number(log.longest)).toBeLessThan(0.5);
    } finally {
      await admin.query('SET GLOBAL log_output = ?, GLOBAL long_query_time = ?, GLOBAL slow_query_log = ?', [
        saved.o,
        Number(saved.l),
        Number(saved.s),
      ]);
      await admin.end();
    }
  });

  it('sees one snapshot under consistent_snapshot, and later commits without it', async () => {
    await db.query(
      'CREATE TABLE moving (id INT PRIMARY KEY, v INT); INSERT INTO moving SELECT seq, seq FROM seq_1_to_2000;',
    );
    const readWhileInserting = async (consistentSnapshot: boolean) => {
      const spec = await specFor(table('moving'), { consistentSnapshot });
      let rows = 0;
      let inserted = false;
      for await (const batch of source.read(spec, { ...BUDGET, batchBytes: 2000, targetStatementMs: 1 })) {
        rows += batch.length;
        if (!inserted) {
          inserted = true;
          await db.query(`INSERT INTO moving VALUES (${consistentSnapshot ? 5001 : 5002}, 0)`);
        }
      }
      return rows;
    };
    expect(await readWhileInserting(true)).toBe(2000);
    expect(await readWhileInserting(false)).toBe(2002);
  });

  it('fails a read whose connection is killed mid-statement instead of hanging', async () => {
    await db.query(
      'CREATE TABLE victim (v TEXT); INSERT INTO victim SELECT REPEAT(seq, 50) FROM seq_1_to_200000;',
    );
    const victim = await MySqlSource.open({ url: db.url, tls: undefined, applicationName: 'rivet-victim' });
    const admin = await mysql.createConnection({ uri: MY_URL });
    try {
      const spec = await (async () => {
        const columns = await victim.describe(table('victim'), []);
        return {
          exportName: 'victim',
          relation: table('victim'),
          columns,
          strategy: { kind: 'scan' },
          policy: { ...DEFAULT_READ_POLICY, allowUnboundedRead: true },
        } satisfies ReadSpec;
      })();
      const killServerSide = async () => {
        const [processes] = (await admin.query(
          "SELECT ID AS id FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT %victim%' AND INFO NOT LIKE '%PROCESSLIST%'",
        )) as unknown as [{ id: number }[]];
        expect(processes.length).toBe(1);
        await admin.query(`KILL CONNECTION ${Number(processes[0]!.id)}`);
      };
      // The consumer stalls on its first batch, so the stream is paused (socket not read)
      // when the server drops the connection: the trap that hangs a naive stream forever.
      let batches = 0;
      const outcome = (async () => {
        for await (const _ of victim.read(spec, { ...BUDGET, batchBytes: 16 << 10 })) {
          if (batches++ === 0) {
            await killServerSide();
            await new Promise((resolve) => setTimeout(resolve, 300));
          }
        }
      })().then(
        () => 'finished',
        (e: unknown) => e,
      );
      const result = await Promise.race([
        outcome,
        new Promise((resolve) => setTimeout(() => resolve('hung'), 10_000)),
      ]);
      expect(result).not.toBe('hung');
      expect(result).not.toBe('finished');
      expect(result).toMatchObject({ retryable: true });
    } finally {
      await victim.close().catch(() => undefined);
      await admin.end();
    }
  });
});
