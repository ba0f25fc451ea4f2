/**
 * Layer: engine. Reads one unit (a whole export, or one chunk) from a source into a
 * PartWriter, counting rows and statements into the run's shared progress.
 */
import type { ExportPlan, ReadSpec } from '../contracts/run-plan.js';
import type { PageHint, Source, StatementStats } from '../source/source.js';
import type { EngineDeps } from './engine-deps.js';
import { faultPoint } from './fault-point.js';
import type { PartWriter } from './part-writer.js';

export interface ExportProgress {
  rows: number;
  statements: number;
  longestStatementMs: number;
  /** Findings the source reported for this attempt (e.g. zero dates read as NULL). */
  warnings: string[];
  /** The read shape the source reported (the last one, if chunks differed). */
  shape?: string;
}

export function newProgress(): ExportProgress {
  return { rows: 0, statements: 0, longestStatementMs: 0, warnings: [] };
}

export async function readUnit(
  plan: ExportPlan,
  spec: ReadSpec,
  source: Source,
  writer: PartWriter,
  deps: EngineDeps,
  progress: ExportProgress,
  signal: AbortSignal | undefined,
  pageHint?: PageHint,
): Promise<number> {
  const onStatement = (s: StatementStats) => {
    progress.statements++;
    progress.longestStatementMs = Math.max(progress.longestStatementMs, s.ms);
  };
  const onWarning = (message: string) => {
    if (!progress.warnings.includes(message)) progress.warnings.push(message);
    deps.onEvent({ type: 'warning', exportName: plan.exportName, message });
  };
  const budget = { ...plan.tuning, throttleRows: plan.tuning.batchRows };
  let rows = 0;
  for await (const batch of source.read(spec, budget, {
    signal,
    onStatement,
    onWarning,
    pageHint,
    onShape: (label) => {
      progress.shape = label;
    },
  })) {
    await writer.write(batch);
    rows += batch.length;
    progress.rows += batch.length;
    deps.onEvent({
      type: 'batch-read',
      exportName: plan.exportName,
      rows: batch.length,
      totalRows: progress.rows,
    });
  }
  faultPoint('after_source_read');
  await writer.finish();
  return rows;
}
