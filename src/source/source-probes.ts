/**
 * Layer: source. The planning probes of the modes, the same for every engine: each
 * engine supplies the queries, this wraps each in the engine's planning transaction
 * (its own timeouts, UTC session) under a label that says what was being done.
 */
import type { ReadWindow, SourceRelation } from '../contracts/run-plan.js';
import type { ColumnSpec } from '../types/rivet-type.js';
import { relationLabel } from './relation-label.js';

export interface WindowRange {
  readonly min: string | null;
  readonly max: string | null;
}

export interface SourceProbes {
  /**
   * MIN and MAX of a window's expression over the rows of the window, as the source
   * prints them (UTC for instants). With `lagMs`, rows newer than the server's
   * `now() − lag` are left out of the MAX.
   */
  range(
    relation: SourceRelation,
    window: ReadWindow,
    columns: readonly ColumnSpec[],
    lagMs?: number,
  ): Promise<WindowRange>;
  /** Whether any row has the window expression NULL (a LIMIT 1 probe). */
  hasNulls(relation: SourceRelation, window: Pick<ReadWindow, 'columns'>): Promise<boolean>;
  /** The key value every `step` rows in key order: an index walk, one short statement per value. */
  keyBoundaries(
    relation: SourceRelation,
    column: string,
    columns: readonly ColumnSpec[],
    step: number,
    signal?: AbortSignal,
  ): Promise<string[]>;
  /** The catalog's row estimate of a table; undefined for a query or an unanalyzed table. */
  estimateRows(relation: SourceRelation): Promise<number | undefined>;
  /** Connections the server can still accept (max minus reserved minus in use), if readable. */
  freeConnections(): Promise<number | undefined>;
}

/** Runs planning work in the engine's planning transaction; errors name what was being done. */
export type PlanningRun = <T>(doing: string, work: () => Promise<T>) => Promise<T>;

export function planningProbes(run: PlanningRun, queries: SourceProbes): SourceProbes {
  return {
    range: (relation, window, columns, lagMs) =>
      run(`reading the bounds of ${window.columns.join(', ')} in ${relationLabel(relation)}`, () =>
        queries.range(relation, window, columns, lagMs),
      ),
    hasNulls: (relation, window) =>
      run(`probing ${relationLabel(relation)} for NULL ${window.columns[0]}`, () =>
        queries.hasNulls(relation, window),
      ),
    keyBoundaries: (relation, column, columns, step, signal) =>
      run(`walking the key ${column} of ${relationLabel(relation)}`, () =>
        queries.keyBoundaries(relation, column, columns, step, signal),
      ),
    estimateRows: (relation) =>
      run(`estimating the rows of ${relationLabel(relation)}`, () => queries.estimateRows(relation)),
    freeConnections: () => run('counting free connections', () => queries.freeConnections()),
  };
}
