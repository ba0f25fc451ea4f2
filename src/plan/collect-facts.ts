/**
 * Layer: plan. The I/O half of planning: asks the source (through its seam) for an
 * export's columns, with overrides applied, and its table facts.
 */
import type { ExportConfig } from '../config/config-types.js';
import type { Source } from '../source/source.js';
import type { ExportFacts } from './build-plan.js';

export async function collectFacts(source: Source, config: ExportConfig): Promise<ExportFacts> {
  const columns = await source.describe(config.relation, config.columns);
  const table = await source.facts(config.relation, columns);
  return { columns, table };
}
