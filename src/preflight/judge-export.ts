/**
 * Layer: preflight. Rivet's judgement of one export from its facts: the verdict, the
 * recommended profile and parallelism, predicted memory, and the warnings of upstream
 * §4.5 plus what EXPLAIN and the server reveal. Pure; advice never blocks a run.
 */
import type { ExportConfig } from '../config/config-types.js';
import type { ServerFacts } from '../source/source-diagnostics.js';
import { type Diagnostic, diagnostic } from './diagnostic.js';
import type { ExportFacts } from './export-facts.js';
import {
  type Profile,
  predictedPeakMb,
  recommendedParallel,
  recommendedProfile,
  type Verdict,
  verdictOf,
} from './verdict.js';

export interface Judgement {
  readonly verdict: Verdict;
  readonly rows: number | undefined;
  readonly avgRowBytes: number | undefined;
  readonly indexed: boolean;
  readonly profile: { readonly configured: string; readonly recommended: Profile };
  readonly parallel: { readonly configured: number; readonly recommended: number };
  readonly peakMb: number | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

const MiB = 1024 * 1024;
/** A single statement reading a whole relation is assumed to stream about this fast. */
const SCAN_BYTES_PER_SECOND = 50 * MiB;

export function judgeExport(config: ExportConfig, facts: ExportFacts, server: ServerFacts): Judgement {
  const { plan, stats } = facts;
  // An empty sample measures nothing.
  const sample = facts.sample !== undefined && facts.sample.rows > 0 ? facts.sample : undefined;
  const rows = stats.rows ?? facts.firstStatement?.estimatedRows;
  const avgRowBytes = sample?.avgRowBytes ?? stats.avgRowBytes ?? facts.firstStatement?.estimatedWidth;
  const keyChunks = plan.mode.kind === 'chunked' && plan.mode.description.startsWith('key(');
  const fullByKey = plan.mode.kind === 'full' && plan.read.strategy.kind === 'keyset';
  const indexed = keyChunks || fullByKey || facts.readColumn?.index !== undefined;
  const configuredParallel = config.mode.kind === 'chunked' ? config.mode.parallel : 1;
  const input = {
    indexed,
    hasCursor: plan.mode.kind === 'incremental',
    rows,
    avgRowBytes,
    parallel: configuredParallel,
  };
  const mode = plan.mode.kind !== 'chunked' ? 'other' : keyChunks ? 'chunked-key' : 'chunked';
  return {
    verdict: verdictOf(input),
    rows,
    avgRowBytes,
    indexed,
    profile: {
      configured: config.tuning.profile,
      recommended: recommendedProfile(indexed, rows, configuredParallel),
    },
    parallel: {
      configured: configuredParallel,
      recommended: recommendedParallel(mode, indexed, rows, configuredParallel),
    },
    peakMb: predictedPeakMb(avgRowBytes, configuredParallel),
    diagnostics: [
      ...indexFindings(facts, indexed, rows),
      ...planFindings(facts, rows, avgRowBytes, server),
      ...chunkFindings(config, facts, rows, avgRowBytes),
      ...connectionFindings(config, server),
      ...statementFindings(config, facts, rows, avgRowBytes, server),
      ...facts.planWarnings.map((w) => diagnostic('RIVET_CHECK_PLAN_WARNING', 'low', w)),
      ...(stats.rows === undefined && config.relation.kind === 'table'
        ? [
            diagnostic(
              'RIVET_CHECK_NO_STATISTICS',
              'low',
              'the catalog has no row estimate for this table (never analyzed)',
              'run ANALYZE (PostgreSQL) or ANALYZE TABLE (MySQL) so estimates and verdicts are meaningful',
            ),
          ]
        : []),
    ],
  };
}

function indexFindings(facts: ExportFacts, indexed: boolean, rows: number | undefined): Diagnostic[] {
  const column = facts.readColumn;
  if (indexed || column === undefined) return [];
  const what =
    facts.plan.mode.kind === 'chunked'
      ? 'every chunk scans the whole table'
      : facts.plan.mode.kind === 'full'
        ? 'the read walks the table without an index'
        : 'every run scans the whole table to find its window';
  return [
    diagnostic(
      'RIVET_CHECK_NO_INDEX',
      (rows ?? 0) >= 100_000 ? 'high' : 'medium',
      `no index leads with '${column.name}': ${what}`,
      `create an index on ${column.name}, or choose a ${facts.plan.mode.kind === 'chunked' ? 'chunk column' : 'column'} that has one`,
    ),
  ];
}

function planFindings(
  facts: ExportFacts,
  rows: number | undefined,
  avgRowBytes: number | undefined,
  server: ServerFacts,
): Diagnostic[] {
  const first = facts.firstStatement;
  if (first === undefined) return [];
  const paged = facts.plan.read.strategy.kind === 'keyset';
  const found: Diagnostic[] = [];
  if (first.fullScans.length > 0 && (rows ?? 0) >= 100_000) {
    found.push(
      diagnostic(
        'RIVET_CHECK_FULL_SCAN',
        'medium',
        `the first statement scans ${first.fullScans.join(', ')} in full (EXPLAIN)`,
        'an index on the column the read filters or orders by turns this into an index range',
      ),
    );
  }
  const spills = first.temp || (server.workMemBytes !== undefined && first.memoryBytes > server.workMemBytes);
  if (spills) {
    found.push(
      diagnostic(
        'RIVET_CHECK_TEMP_SPILL',
        'high',
        'the first statement needs a temporary table or a sort larger than work_mem: it writes to the server’s disk',
        'index the ordering column, or lower batch_size_memory_mb so pages stay small',
      ),
    );
  } else if (first.sorts && (paged ? (rows ?? 0) >= 100_000 : true)) {
    found.push(
      diagnostic(
        'RIVET_CHECK_SORT',
        'medium',
        paged
          ? 'each page sorts its rows (EXPLAIN): the key index is not used for the order'
          : 'the statement sorts all its rows before returning the first (EXPLAIN)',
        paged
          ? 'an index on the key columns lets pages be read in order'
          : 'order by an indexed column, or drop the ORDER BY from the query',
      ),
    );
  }
  const pageBytes = (avgRowBytes ?? 0) * 10_000;
  if (first.sorts && server.workMemBytes !== undefined && pageBytes > server.workMemBytes) {
    found.push(
      diagnostic(
        'RIVET_CHECK_WORK_MEM',
        'low',
        `a page of 10,000 rows (~${Math.round(pageBytes / MiB)} MB) exceeds work_mem (${Math.round(server.workMemBytes / MiB)} MB), so its sort would spill`,
        'lower batch_size_memory_mb or batch_size',
      ),
    );
  }
  return found;
}

function chunkFindings(
  config: ExportConfig,
  facts: ExportFacts,
  rows: number | undefined,
  avgRowBytes: number | undefined,
): Diagnostic[] {
  const mode = facts.plan.mode;
  if (mode.kind !== 'chunked' || config.mode.kind !== 'chunked') return [];
  const chunks = mode.chunks ?? [];
  const found: Diagnostic[] = [];
  const span = rangeSpan(chunks);
  const range = mode.description.startsWith('range(');
  if (range && span !== undefined && rows !== undefined && rows / span < 0.1 && chunks.length > 10) {
    found.push(
      diagnostic(
        'RIVET_CHECK_SPARSE_RANGE',
        'medium',
        `the chunk column is sparse: ~${rows.toLocaleString('en-US')} rows over a span of ${span.toLocaleString('en-US')} values (${chunks.length} windows, many empty)`,
        'use `chunk_by_key:` (chunks of N rows between key boundaries) instead of value ranges',
      ),
    );
  }
  const perChunk = rows === undefined || chunks.length === 0 ? undefined : rows / chunks.length;
  if (perChunk !== undefined && avgRowBytes !== undefined && perChunk * avgRowBytes > 256 * MiB) {
    found.push(
      diagnostic(
        'RIVET_CHECK_OVERSIZED_CHUNK',
        'medium',
        `a chunk holds ~${Math.round((perChunk * avgRowBytes) / MiB)} MB of rows: a retry repeats all of it`,
        'lower chunk_size so a chunk stays under 256 MB',
      ),
    );
  }
  if (!config.mode.checkpoint && !(rows !== undefined && rows < 100_000)) {
    found.push(
      diagnostic(
        'RIVET_CHECK_MISSING_CHECKPOINT',
        'medium',
        'chunks are not checkpointed: a failed run starts over from the first chunk',
        'set `chunk_checkpoint: true` so `rivet run --resume` continues where it stopped',
      ),
    );
  }
  if (config.mode.parallel > 1 && (rows ?? 0) > 5_000_000) {
    found.push(
      diagnostic(
        'RIVET_CHECK_PARALLEL_MEMORY',
        'high',
        `parallel: ${config.mode.parallel} on ~${(rows ?? 0).toLocaleString('en-US')} rows: each worker holds its own pages and row group`,
        'watch peak memory with `rivet metrics`; on 2 cores one worker reads about as fast as two',
      ),
    );
  }
  return found;
}

function connectionFindings(config: ExportConfig, server: ServerFacts): Diagnostic[] {
  if (config.mode.kind !== 'chunked' || config.mode.parallel <= 1) return [];
  const parallel = config.mode.parallel;
  const free = server.freeConnections;
  if (free !== undefined && parallel < free) return [];
  return [
    diagnostic(
      'RIVET_CHECK_CONNECTIONS',
      'high',
      free === undefined
        ? `parallel: ${parallel} opens ${parallel} connections and the server's free connections cannot be read`
        : `parallel: ${parallel} needs ${parallel} connections but only ${free} are free (max ${server.maxConnections}, ${server.connectionsInUse} in use); the run will use fewer workers`,
      free === undefined ? undefined : `set parallel to at most ${Math.max(1, free - 3)}`,
    ),
  ];
}

/** Values spanned by integer range chunks (last upper − first lower), when they are integers. */
function rangeSpan(chunks: readonly { lower: string | null; upper: string | null }[]): number | undefined {
  const lower = chunks[0]?.lower;
  const upper = chunks[chunks.length - 1]?.upper;
  if (lower == null || upper == null || !/^-?\d+$/.test(lower) || !/^-?\d+$/.test(upper)) return undefined;
  return Number(BigInt(upper) - BigInt(lower)) || undefined;
}

function statementFindings(
  config: ExportConfig,
  facts: ExportFacts,
  rows: number | undefined,
  avgRowBytes: number | undefined,
  server: ServerFacts,
): Diagnostic[] {
  const unbounded = facts.plan.sourceEngine === 'mysql' && facts.plan.read.strategy.kind === 'scan';
  if (!unbounded) return [];
  if (!config.readPolicy.allowUnboundedRead) {
    return [
      diagnostic(
        'RIVET_CHECK_PLAN_REFUSED',
        'error',
        '[RIVET_SOURCE_NO_KEY] MySQL has no key to page this export on; `rivet run` refuses the single long statement it would take',
        'add a primary key or a unique index on NOT NULL columns, or set `allow_unbounded_read: true` to accept the long statement',
      ),
    ];
  }
  const seconds =
    rows === undefined || avgRowBytes === undefined
      ? undefined
      : (rows * avgRowBytes) / SCAN_BYTES_PER_SECOND;
  const found = [
    diagnostic(
      'RIVET_CHECK_UNBOUNDED_READ',
      'high',
      `MySQL reads this export in one statement held open for the whole relation${seconds === undefined ? '' : ` (~${Math.ceil(seconds)} s at 50 MB/s)`}, keeping undo history on the server for all of it`,
      'give the table a primary key or a unique NOT NULL index, or export the table instead of a query',
    ),
  ];
  const limits = [server.statementTimeoutMs, config.tuning.statementTimeoutMs].filter(
    (ms): ms is number => (ms ?? 0) > 0,
  );
  const limit = limits.length === 0 ? undefined : Math.min(...limits);
  if (seconds !== undefined && limit !== undefined && seconds * 1000 > limit) {
    found.push(
      diagnostic(
        'RIVET_CHECK_STATEMENT_TIMEOUT',
        'high',
        `the single read statement needs ~${Math.ceil(seconds)} s but the statement timeout is ${Math.round(limit / 1000)} s: the run would be cancelled`,
        'make the table keyset-readable (a unique NOT NULL key) or raise tuning.statement_timeout_s',
      ),
    );
  }
  return found;
}
