/**
 * Layer: source/mysql. The MySQL/MariaDB Source: one connection returning raw bytes, a
 * session pinned for the read (UTC, strict sql_mode, statement limit) and restored on
 * every exit path. Keyed tables are read as short keyset pages; a relation without a
 * usable key is refused unless the export opts into one unbounded statement.
 */
import type mysql from 'mysql2';
import { RivetError } from '../../common/errors.js';
import type { KeyColumn, ReadSpec, SourceRelation, TableFacts } from '../../contracts/run-plan.js';
import type { Batch } from '../../types/column-data.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import { reportAltered } from '../override-converter.js';
import { relationLabel } from '../relation-label.js';
import type { ColumnOutcome, ColumnOverride, ReadBudget, ReadOptions, Source } from '../source.js';
import type { SourceDiagnostics } from '../source-diagnostics.js';
import { planningProbes, type SourceProbes } from '../source-probes.js';
import { throttle } from '../throttle.js';
import { MyBatchDecoder } from './my-batch-decoder.js';
import { connectMySql, type MyConnectionSpec } from './my-connect.js';
import { describeMyRelation, inspectMyRelation } from './my-describe.js';
import {
  myExplain,
  myFirstStatement,
  myLeadingIndexOf,
  myListRelations,
  myRelationStats,
  mySample,
  myServerFacts,
} from './my-diagnostics.js';
import { translateMyError } from './my-errors.js';
import { readMyTableFacts } from './my-facts.js';
import { canLeadKeyset, readMyKeysetPages } from './my-keyset-reader.js';
import {
  myEstimateRows,
  myFreeConnections,
  myHasNulls,
  myKeyBoundaries,
  myLeadingIndex,
  myWindowRange,
} from './my-probes.js';
import { metaQuery } from './my-query.js';
import { readMyScan } from './my-scan-reader.js';
import {
  detectFlavor,
  type Flavor,
  pinSession,
  readSession,
  type SessionValues,
  type SqlRunner,
} from './my-session.js';

const PLANNING_STATEMENT_MS = 60_000;

export class MySqlSource implements Source {
  readonly engine = 'mysql';
  readonly flavor: Flavor;
  readonly #connection: mysql.Connection;
  readonly #spec: MyConnectionSpec;
  readonly #target: string;
  #broken = false;
  /** Why the connection was given up, reported to the next caller instead of a bare "closed". */
  #brokenBy: unknown;
  /** Index leading with a window column, per relation and column (undefined: none). */
  readonly #leadingIndexes = new Map<string, string | undefined>();
  readonly probes: SourceProbes = planningProbes((doing, work) => this.#plan(doing, work), {
    range: (relation, window, columns, lagMs) =>
      myWindowRange(this.#connection, relation, window, columns, lagMs),
    hasNulls: (relation, window) => myHasNulls(this.#connection, relation, window),
    keyBoundaries: (relation, column, columns, step, signal) =>
      myKeyBoundaries(this.#connection, relation, column, columns, step, signal),
    estimateRows: (relation) => myEstimateRows(this.#connection, relation),
    freeConnections: () => myFreeConnections(this.#connection),
  });

  readonly diagnostics: SourceDiagnostics = {
    listRelations: (schema) =>
      this.#plan(`listing the relations of ${schema ?? 'the database'}`, () =>
        myListRelations(this.#connection, schema),
      ),
    server: () => this.#plan('reading server facts', () => myServerFacts(this.#connection, this.flavor)),
    explainRead: (spec, pageRows) =>
      this.#plan(`explaining the read of ${relationLabel(spec.relation)}`, () =>
        myExplain(this.#connection, myFirstStatement(spec, pageRows)),
      ),
    stats: (relation) =>
      this.#plan(`reading statistics of ${relationLabel(relation)}`, () =>
        myRelationStats(this.#connection, relation),
      ),
    leadingIndex: (relation, column) =>
      this.#plan(`reading the indexes of ${relationLabel(relation)}`, () =>
        myLeadingIndexOf(this.#connection, relation, column),
      ),
    sample: (relation, columns, limit) =>
      this.#plan(`sampling ${relationLabel(relation)}`, () =>
        mySample(this.#connection, relation, columns, limit),
      ),
  };

  private constructor(connection: mysql.Connection, target: string, spec: MyConnectionSpec, flavor: Flavor) {
    this.#connection = connection;
    this.#target = target;
    this.#spec = spec;
    this.flavor = flavor;
  }

  static async open(spec: MyConnectionSpec): Promise<MySqlSource> {
    const { connection, target } = await connectMySql(spec);
    try {
      return new MySqlSource(connection, target, spec, await detectFlavor(runner(connection)));
    } catch (error) {
      connection.destroy();
      throw translateMyError(error, { target, doing: 'connecting to the source' });
    }
  }

  get target(): string {
    return this.#target;
  }

  /** The session variables Rivet pins, as they are now (tests assert they were restored). */
  async sessionSnapshot(): Promise<SessionValues> {
    return readSession(runner(this.#connection), this.flavor);
  }

  async describe(
    relation: SourceRelation,
    overrides: readonly ColumnOverride[],
  ): Promise<readonly ColumnSpec[]> {
    return this.#plan(`describing ${relationLabel(relation)}`, () =>
      describeMyRelation(this.#connection, relation, overrides),
    );
  }

  async inspectColumns(
    relation: SourceRelation,
    overrides: readonly ColumnOverride[],
  ): Promise<readonly ColumnOutcome[]> {
    return this.#plan(`describing ${relationLabel(relation)}`, () =>
      inspectMyRelation(this.#connection, relation, overrides),
    );
  }

  async facts(relation: SourceRelation, columns: readonly ColumnSpec[]): Promise<TableFacts> {
    return this.#plan(`reading catalog facts of ${relationLabel(relation)}`, () =>
      readMyTableFacts(this.#connection, relation, columns),
    );
  }

  async *read(spec: ReadSpec, budget: ReadBudget, options: ReadOptions = {}): AsyncGenerator<Batch> {
    const doing = `reading export '${spec.exportName}'`;
    if (spec.strategy.kind !== 'keyset' && !spec.policy.allowUnboundedRead) throw refuseUnbounded(spec);
    this.#assertUsable();
    const db = runner(this.#connection);
    let session: Awaited<ReturnType<typeof pinSession>> | undefined;
    let inTransaction = false;
    try {
      session = await pinSession(db, this.flavor, budget.statementTimeoutMs);
      if (spec.policy.consistentSnapshot) {
        // Next transaction only: the session's own isolation level is left alone.
        await db.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        await db.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
        inTransaction = true;
      }
      const decoder = new MyBatchDecoder(spec.columns, budget.maxValueBytes, spec.policy.zeroDates);
      const shape = spec.strategy.kind === 'keyset' ? await this.#keysetShape(spec, options) : undefined;
      options.onShape?.(shape === undefined ? 'scan' : `keyset(${shape.key.map((k) => k.name).join(',')})`);
      const batches =
        shape !== undefined
          ? readMyKeysetPages(this.#connection, spec, shape.key, shape.index, decoder, budget, options)
          : readMyScan(this.#connection, spec, decoder, budget, options, (id) => this.#killQuery(id));
      for await (const batch of batches) {
        yield batch;
        await throttle(budget, batch.length);
      }
      if (inTransaction) {
        inTransaction = false;
        await db.query('COMMIT');
      }
      for (const [column, count] of decoder.zeroDates) {
        options.onWarning?.(`column '${column}': ${count} zero date(s) (0000-00-00) exported as NULL`);
      }
      reportAltered(decoder.altered, options.onWarning);
    } catch (error) {
      throw translateMyError(error, { target: this.#target, doing });
    } finally {
      await this.#endRead(db, inTransaction, session);
    }
  }

  /**
   * The keyset for a windowed read: a window on the key's first column is an index range
   * of the key itself; a window on another column (a cursor, a time column, a chunk
   * column) pages on `(column, key…)` through an index leading with that column, so each
   * page reads only window rows. Without such an index the key is walked and filtered.
   */
  async #keysetShape(
    spec: ReadSpec,
    options: ReadOptions,
  ): Promise<{ key: readonly KeyColumn[]; index: string | undefined }> {
    if (spec.strategy.kind !== 'keyset') throw new Error('keyset shape of a scan');
    const { key, index } = spec.strategy;
    const window = spec.window;
    if (window === undefined || window.nulls === 'only' || window.columns.length > 1) return { key, index };
    const column = window.columns[0];
    if (column === key[0]?.name) return { key, index };
    const lead = spec.columns.find((c) => c.name === column);
    if (lead === undefined) return { key, index };
    if (!canLeadKeyset(lead)) {
      // Its values cannot be re-injected exactly as a page bound (a float, an ENUM, a TEXT).
      options.onWarning?.(
        `column '${column}' (${lead.sourceType}) cannot order keyset pages; each page walks the key and filters on it`,
      );
      return { key, index };
    }
    // A chunk worker reads one relation chunk after chunk on this connection: look it up once.
    const cacheKey = `${relationLabel(spec.relation)}\0${column}`;
    if (!this.#leadingIndexes.has(cacheKey)) {
      const names = key.map((k) => k.name);
      this.#leadingIndexes.set(
        cacheKey,
        await myLeadingIndex(this.#connection, spec.relation, column, names),
      );
    }
    const leading = this.#leadingIndexes.get(cacheKey);
    if (leading === undefined) {
      options.onWarning?.(
        `column '${column}' has no index of its own; each page walks the key and filters on it (add an index on ${column})`,
      );
      return { key, index };
    }
    return {
      key: [{ name: column, type: lead.type }, ...key.filter((k) => k.name !== column)],
      index: leading,
    };
  }

  async close(): Promise<void> {
    if (this.#broken) return;
    this.#broken = true;
    await new Promise<void>((resolve) => this.#connection.end(() => resolve()));
  }

  /** Planning reads get their own statement limit, restored afterwards like a read's. */
  async #plan<T>(doing: string, work: () => Promise<T>): Promise<T> {
    this.#assertUsable();
    const db = runner(this.#connection);
    let session: Awaited<ReturnType<typeof pinSession>> | undefined;
    try {
      session = await pinSession(db, this.flavor, PLANNING_STATEMENT_MS);
      return await work();
    } catch (error) {
      throw translateMyError(error, { target: this.#target, doing });
    } finally {
      await this.#endRead(db, false, session);
    }
  }

  /** Rolls back an open snapshot and restores the session; a connection that cannot is closed. */
  async #endRead(
    db: SqlRunner,
    inTransaction: boolean,
    session: { restore(): Promise<void> } | undefined,
  ): Promise<void> {
    try {
      if (inTransaction) await db.query('ROLLBACK');
      await session?.restore();
    } catch (error) {
      this.#cut(error);
    }
  }

  #assertUsable(): void {
    if (this.#brokenBy !== undefined) {
      throw translateMyError(this.#brokenBy, { target: this.#target, doing: 'restoring the session' });
    }
    if (this.#broken) throw new Error('MySqlSource used after its connection was closed');
  }

  /**
   * Gives the connection up for good. mysql2's destroy() only half-closes the socket (the
   * server would go on sending a streamed result); destroying the stream makes mysql2
   * report a lost connection, which ends any statement in flight.
   */
  #cut(reason: unknown): void {
    this.#broken = true;
    this.#brokenBy ??= reason;
    // Not connection.destroy() as well: it marks the connection as closing on purpose, and
    // mysql2 then stays silent about the closed socket, leaving the statement unended.
    const stream = (this.#connection as unknown as { stream?: { destroy(): void } }).stream;
    if (stream === undefined) this.#connection.destroy();
    else stream.destroy();
  }

  async #killQuery(threadId: number): Promise<void> {
    const side = await connectMySql(this.#spec).catch((error: unknown) => error as Error);
    if (side instanceof Error) {
      // Without a side connection the statement cannot be stopped: cut ours instead.
      this.#cut(side);
      return;
    }
    try {
      await metaQuery(side.connection, `KILL QUERY ${Number(threadId)}`);
    } catch (error) {
      this.#cut(error);
    } finally {
      side.connection.destroy();
    }
  }
}

function runner(connection: mysql.Connection): SqlRunner {
  return { query: (sql, values) => metaQuery(connection, sql, values) };
}

function refuseUnbounded(spec: ReadSpec): RivetError {
  const what =
    spec.relation.kind === 'table'
      ? `table '${spec.relation.name}' has no unique index on NOT NULL integer or string columns`
      : 'an export query has no key Rivet can page on';
  return new RivetError(
    'RIVET_SOURCE_NO_KEY',
    `export '${spec.exportName}': ${what}, so it cannot be read in short keyset statements; the only other MySQL read is one SELECT held open for the whole relation (long statement, undo history kept on the server for its whole duration)`,
    {
      hint: 'add a primary key or a unique index on NOT NULL columns, or export the table (not a query); to accept the long statement set `allow_unbounded_read: true` on the export',
    },
  );
}
