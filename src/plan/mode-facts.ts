/**
 * Layer: plan. What planning a mode needs (the source's probes, the state, the columns)
 * and what it finds (the mode's plan, the window of a single-unit read, warnings).
 */
import type { ModePlan, ReadWindow, TableFacts } from '../contracts/run-plan.js';
import type { Source } from '../source/source.js';
import type { StateStore } from '../state/state.js';
import type { ColumnSpec } from '../types/rivet-type.js';

export interface ModeFacts {
  readonly mode: ModePlan;
  /** The rows a single-unit run reads (incremental, time_window); chunks carry their own. */
  readonly window: ReadWindow | undefined;
  readonly warnings: readonly string[];
  /** `--resume`: the chunk run this run continues — its id, and the instant its names and paths came from. */
  readonly resumeOf?: { readonly runId: string; readonly startedAt: string };
}

export interface ModeContext {
  readonly source: Source;
  readonly state: StateStore;
  readonly columns: readonly ColumnSpec[];
  readonly table: TableFacts;
  readonly now: Date;
  /** `run --resume`: a chunk run in progress keeps its sealed cut. */
  readonly resume: boolean;
  readonly signal?: AbortSignal;
}
