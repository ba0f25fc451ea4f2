/**
 * Layer: source (shared by the adapters). How a relation is named in messages.
 */
import type { SourceRelation } from '../contracts/run-plan.js';

export function relationLabel(relation: SourceRelation): string {
  return relation.kind === 'table'
    ? `table ${relation.schema ? `${relation.schema}.` : ''}${relation.name}`
    : 'the export query';
}
