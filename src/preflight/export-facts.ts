/**
 * Layer: preflight. Everything `check` learns about one export before judging it: the
 * plan the run would make (through the same planner), catalog statistics, the index on
 * the column the read walks, the plan of its first statement and an optional sample.
 */
import { isRivetError } from '../common/errors.js';
import type { ExportConfig } from '../config/config-types.js';
import type { ExportPlan } from '../contracts/run-plan.js';
import { buildExportPlan } from '../plan/build-plan.js';
import { collectFacts } from '../plan/collect-facts.js';
import { planMode } from '../plan/plan-mode.js';
import type { Source } from '../source/source.js';
import type { PlanFacts, RelationStats, SampleFacts } from '../source/source-diagnostics.js';
import type { StateStore } from '../state/state.js';
import { type Diagnostic, diagnostic } from './diagnostic.js';

/** Rows per page of the statement explained: a typical page once the page sizer has grown. */
const EXPLAIN_PAGE_ROWS = 10_000;

export interface ExportFacts {
  readonly plan: ExportPlan;
  readonly planWarnings: readonly string[];
  readonly stats: RelationStats;
  /** The column the read walks or filters on, and the index leading with it. */
  readonly readColumn: { readonly name: string; readonly index: string | undefined } | undefined;
  readonly firstStatement: PlanFacts | undefined;
  readonly sample: SampleFacts | undefined;
}

export interface FactsContext {
  readonly source: Source;
  readonly state: StateStore;
  readonly now: Date;
  readonly sampleRows: number | undefined;
}

/** The facts, or the diagnostic that explains why the run would be refused. */
export async function gatherExportFacts(
  config: ExportConfig,
  ctx: FactsContext,
): Promise<{ facts: ExportFacts } | { refused: Diagnostic }> {
  let plan: ExportPlan;
  let planWarnings: readonly string[];
  try {
    const facts = await collectFacts(ctx.source, config);
    const mode = await planMode(config, {
      ...facts,
      source: ctx.source,
      state: ctx.state,
      now: ctx.now,
      resume: false,
    });
    plan = buildExportPlan(config, { ...facts, mode }, ctx.source.engine, ctx.now);
    planWarnings = mode.warnings;
  } catch (error) {
    if (!isRivetError(error)) throw error;
    return {
      refused: diagnostic(
        'RIVET_CHECK_PLAN_REFUSED',
        'error',
        `[${error.code}] ${error.message}`,
        error.hint,
      ),
    };
  }
  const { diagnostics } = ctx.source;
  const relation = config.relation;
  const stats = await diagnostics.stats(relation);
  const column = readColumnOf(plan);
  const readColumn =
    column === undefined
      ? undefined
      : { name: column, index: await diagnostics.leadingIndex(relation, column) };
  const firstStatement = await diagnostics
    .explainRead(firstUnit(plan), EXPLAIN_PAGE_ROWS)
    .catch(() => undefined);
  const sample =
    ctx.sampleRows === undefined
      ? undefined
      : await diagnostics.sample(relation, plan.read.columns, ctx.sampleRows);
  return { facts: { plan, planWarnings, stats, readColumn, firstStatement, sample } };
}

/** The column whose index decides how the source is read. */
function readColumnOf(plan: ExportPlan): string | undefined {
  const mode = plan.mode;
  switch (mode.kind) {
    case 'incremental':
      return plan.read.window?.columns[0] ?? mode.cursorColumn.replace(/^coalesce\(([^,]+),.*$/, '$1');
    case 'time_window':
      return mode.column;
    case 'chunked':
      return mode.chunks?.[0]?.window.columns[0];
    case 'full':
      return plan.read.strategy.kind === 'keyset' ? plan.read.strategy.key[0]?.name : undefined;
  }
}

/** The read of the first unit: the whole window, or the first chunk. */
function firstUnit(plan: ExportPlan): ExportPlan['read'] {
  const first = plan.mode.kind === 'chunked' ? plan.mode.chunks?.[0] : undefined;
  return first === undefined ? plan.read : { ...plan.read, window: first.window };
}
