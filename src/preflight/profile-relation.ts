/**
 * Layer: preflight. What `rivet init` needs to know about one table, read through the
 * Source seam in short catalog statements: its row estimate, single-column key, an
 * indexed "last changed" timestamp to use as a cursor, the key's span, and the
 * overrides its columns need to be exportable at all.
 */
import type { SourceRelation } from '../contracts/run-plan.js';
import type { ColumnOverride, Source } from '../source/source.js';
import type { ListedRelation } from '../source/source-diagnostics.js';
import type { ColumnSpec } from '../types/rivet-type.js';

export interface InitOverride {
  readonly column: string;
  readonly type: string;
  readonly why: string;
}

export interface TableProfile {
  readonly listed: ListedRelation;
  readonly rows: number | undefined;
  readonly key: { readonly column: string; readonly integer: boolean } | undefined;
  /** An indexed timestamp column that says when a row last changed (or was created). */
  readonly cursor: string | undefined;
  /** MIN and MAX of an integer key (for range chunk sizes). */
  readonly span: { readonly min: bigint; readonly max: bigint } | undefined;
  readonly overrides: readonly InitOverride[];
}

const CHANGED = /^(updated|modified|changed|last_?modified|last_?updated)(_?(at|on|time|ts|date))?$/i;
const CREATED = /^(created|inserted)(_?(at|on|time|ts|date))?$/i;
const INTEGER_KINDS = new Set(['int16', 'int32', 'int64']);

export async function profileRelation(source: Source, listed: ListedRelation): Promise<TableProfile> {
  const relation: SourceRelation = { kind: 'table', schema: listed.schema, name: listed.name };
  const overrides = overridesFor(await source.inspectColumns(relation, []));
  const columns = await source.describe(
    relation,
    overrides.map((o): ColumnOverride => ({ column: o.column, type: o.type })),
  );
  const facts = await source.facts(relation, columns);
  const only = facts.uniqueKey?.length === 1 ? facts.uniqueKey[0] : undefined;
  const key =
    only === undefined ? undefined : { column: only.name, integer: INTEGER_KINDS.has(only.type.kind) };
  const { rows } = await source.diagnostics.stats(relation);
  return {
    listed,
    rows,
    key,
    cursor: await cursorFor(source, relation, columns),
    span: key?.integer ? await spanOf(source, relation, key.column, columns) : undefined,
    overrides,
  };
}

/** Columns Rivet cannot export as they are get the override that makes them exportable. */
function overridesFor(outcomes: Awaited<ReturnType<Source['inspectColumns']>>): InitOverride[] {
  return outcomes.flatMap((o): InitOverride[] => {
    if (o.problem === undefined) return [];
    if (/^numeric$/i.test(o.sourceType)) {
      return [
        {
          column: o.name,
          type: 'decimal(38,18)',
          why: 'REVIEW: numeric without precision; a value beyond 20 integer or 18 fraction digits fails the run',
        },
      ];
    }
    return [
      {
        column: o.name,
        type: 'text',
        why: `REVIEW: ${o.sourceType} has no exact mapping; exported as its text form`,
      },
    ];
  });
}

async function cursorFor(
  source: Source,
  relation: SourceRelation,
  columns: readonly ColumnSpec[],
): Promise<string | undefined> {
  const timestamps = columns.filter((c) => c.type.kind === 'timestamp' && !c.convert);
  const ranked = [
    ...timestamps.filter((c) => CHANGED.test(c.name)),
    ...timestamps.filter((c) => CREATED.test(c.name)),
  ];
  for (const column of ranked) {
    if ((await source.diagnostics.leadingIndex(relation, column.name)) !== undefined) return column.name;
  }
  return undefined;
}

async function spanOf(
  source: Source,
  relation: SourceRelation,
  column: string,
  columns: readonly ColumnSpec[],
): Promise<TableProfile['span']> {
  const { min, max } = await source.probes.range(relation, { columns: [column], bounds: [] }, columns);
  return min === null || max === null ? undefined : { min: BigInt(min), max: BigInt(max) };
}
