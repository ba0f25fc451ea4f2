/**
 * Layer: source/postgres. The PostgreSQL Source: one connection, raw values, reads
 * inside one REPEATABLE READ READ ONLY snapshot with transaction-local settings.
 * Keyed tables are read as keyset COPY pages; everything else through a cursor.
 */
import type pg from 'pg';
import type { ReadSpec, SourceRelation, TableFacts } from '../../contracts/run-plan.js';
import type { Batch } from '../../types/column-data.js';
import type { ColumnSpec } from '../../types/rivet-type.js';
import { relationLabel } from '../relation-label.js';
import type { ColumnOutcome, ColumnOverride, ReadBudget, ReadOptions, Source } from '../source.js';
import type { SourceDiagnostics } from '../source-diagnostics.js';
import { planningProbes, type SourceProbes } from '../source-probes.js';
import { throttle } from '../throttle.js';
import { connectPostgres, type PgConnectionSpec } from './pg-connect.js';
import { readWithCursor } from './pg-cursor-reader.js';
import { describeRelation, inspectRelation } from './pg-describe.js';
import {
  pgBackendPid,
  pgExplain,
  pgFirstStatement,
  pgLeadingIndex,
  pgListRelations,
  pgRelationStats,
  pgSample,
  pgServerFacts,
} from './pg-diagnostics.js';
import { translatePgError } from './pg-errors.js';
import { readTableFacts } from './pg-facts.js';
import { readKeysetPages } from './pg-keyset-reader.js';
import {
  pgEstimateRows,
  pgFreeConnections,
  pgHasNulls,
  pgKeyBoundaries,
  pgWindowRange,
} from './pg-probes.js';
import { beginSnapshot } from './pg-read-session.js';

const PLANNING_TIMEOUTS = { statementMs: 60_000, lockMs: 10_000 };
/** Probe values (cursor and chunk bounds) are printed in the same UTC/ISO forms the reads use. */
const PLANNING_SESSION =
  "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'iso_8601'; SET LOCAL extra_float_digits = 1";

/**
 * Keyset COPY pages when the table has a key and the window (if any) is on its first
 * column — an index range. A window on another column is read through a cursor: its
 * WHERE lets the planner use that column's index, where a key walk would filter.
 */
function keysetKey(spec: ReadSpec) {
  if (spec.strategy.kind !== 'keyset') return undefined;
  const window = spec.window;
  if (window === undefined) return spec.strategy.key;
  const onKey = window.columns.length === 1 && window.columns[0] === spec.strategy.key[0]?.name;
  return onKey && window.nulls !== 'only' ? spec.strategy.key : undefined;
}

export class PostgresSource implements Source {
  readonly engine = 'postgres';
  readonly #client: pg.Client;
  readonly #target: string;
  readonly #applicationName: string;
  readonly #planning: { readonly statementMs: number; readonly lockMs: number };
  #broken = false;
  readonly probes: SourceProbes = planningProbes((doing, work) => this.#plan(doing, work), {
    range: (relation, window, columns, lagMs) =>
      pgWindowRange(this.#client, relation, window, columns, lagMs),
    hasNulls: (relation, window) => pgHasNulls(this.#client, relation, window),
    keyBoundaries: (relation, column, _columns, step, signal) =>
      pgKeyBoundaries(this.#client, relation, column, step, signal),
    estimateRows: (relation) => pgEstimateRows(this.#client, relation),
    freeConnections: () => pgFreeConnections(this.#client),
  });

  readonly diagnostics: SourceDiagnostics = {
    listRelations: (schema) =>
      this.#plan(`listing the relations of schema ${schema ?? 'public'}`, () =>
        pgListRelations(this.#client, schema),
      ),
    server: async () => {
      // Two transactions: a transaction pooler would hand them different backends.
      const first = await this.#plan('reading the backend pid', () => pgBackendPid(this.#client));
      return this.#plan('reading server settings', () => pgServerFacts(this.#client, first));
    },
    explainRead: (spec, pageRows) =>
      this.#plan(`explaining the read of ${relationLabel(spec.relation)}`, () =>
        pgExplain(this.#client, pgFirstStatement(spec, pageRows)),
      ),
    stats: (relation) =>
      this.#plan(`reading statistics of ${relationLabel(relation)}`, () =>
        pgRelationStats(this.#client, relation),
      ),
    leadingIndex: (relation, column) =>
      this.#plan(`reading the indexes of ${relationLabel(relation)}`, () =>
        pgLeadingIndex(this.#client, relation, column),
      ),
    sample: (relation, columns, limit) =>
      this.#plan(`sampling ${relationLabel(relation)}`, () =>
        pgSample(this.#client, relation, columns, limit),
      ),
  };

  private constructor(client: pg.Client, target: string, spec: PgConnectionSpec) {
    this.#client = client;
    this.#target = target;
    this.#applicationName = spec.applicationName;
    this.#planning = spec.planningTimeouts ?? PLANNING_TIMEOUTS;
  }

  static async open(spec: PgConnectionSpec): Promise<PostgresSource> {
    const { client, target } = await connectPostgres(spec);
    return new PostgresSource(client, target, spec);
  }

  /** `host:port/database` of this connection, for messages. */
  get target(): string {
    return this.#target;
  }

  async describe(
    relation: SourceRelation,
    overrides: readonly ColumnOverride[],
  ): Promise<readonly ColumnSpec[]> {
    return this.#plan(`describing ${relationLabel(relation)}`, () =>
      describeRelation(this.#client, relation, overrides),
    );
  }

  async inspectColumns(
    relation: SourceRelation,
    overrides: readonly ColumnOverride[],
  ): Promise<readonly ColumnOutcome[]> {
    return this.#plan(`describing ${relationLabel(relation)}`, () =>
      inspectRelation(this.#client, relation, overrides),
    );
  }

  async facts(relation: SourceRelation, columns: readonly ColumnSpec[]): Promise<TableFacts> {
    return this.#plan(`reading catalog facts of ${relationLabel(relation)}`, () =>
      readTableFacts(this.#client, relation, columns),
    );
  }

  async *read(spec: ReadSpec, budget: ReadBudget, options: ReadOptions = {}): AsyncGenerator<Batch> {
    const doing = `reading export '${spec.exportName}'`;
    let finished = false;
    try {
      await beginSnapshot(this.#client, budget, this.#applicationName);
      const key = keysetKey(spec);
      options.onShape?.(key === undefined ? 'scan' : `keyset(${key.map((k) => k.name).join(',')})`);
      const pages =
        key !== undefined
          ? readKeysetPages(this.#client, spec, key, budget, options)
          : readWithCursor(this.#client, spec, budget, options);
      for await (const batch of pages) {
        yield batch;
        await throttle(budget, batch.length);
      }
      await this.#client.query('COMMIT');
      finished = true;
    } catch (error) {
      throw translatePgError(error, { target: this.#target, doing });
    } finally {
      if (!finished) await this.#abandonTransaction();
    }
  }

  async close(): Promise<void> {
    await this.#client.end().catch(() => undefined);
  }

  /**
   * Planning reads (the LIMIT 0 probe, catalog queries) run in a read-only transaction
   * with their own timeouts, so one queued behind a migration's lock cannot hang.
   */
  async #plan<T>(doing: string, work: () => Promise<T>): Promise<T> {
    let open = false;
    try {
      await this.#client.query(
        `BEGIN READ ONLY; SET LOCAL statement_timeout = ${this.#planning.statementMs}; SET LOCAL lock_timeout = ${this.#planning.lockMs}; ${PLANNING_SESSION}`,
      );
      open = true;
      const result = await work();
      await this.#client.query('COMMIT');
      return result;
    } catch (error) {
      if (open) await this.#client.query('ROLLBACK').catch(() => undefined);
      throw translatePgError(error, { target: this.#target, doing });
    }
  }

  /**
   * Leaving a read early (error, abort, consumer stopped) may leave a COPY mid-stream;
   * such a connection cannot be reused, so it is closed rather than rolled back.
   */
  async #abandonTransaction(): Promise<void> {
    if (this.#broken) return;
    this.#broken = true;
    const connection = (this.#client as unknown as { connection?: { stream?: { destroy(): void } } })
      .connection;
    connection?.stream?.destroy();
    await this.#client.end().catch(() => undefined);
  }
}
