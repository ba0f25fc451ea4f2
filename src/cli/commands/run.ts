/**
 * Layer: cli. `rivet run -c <config>`: load → for each export: facts → plan → run →
 * report; cards on stderr, `--json` aggregate on stdout, exit class of the worst export.
 */
import { writeFile } from 'node:fs/promises';
import { ExitClass, RivetError, worstExitClass } from '../../common/errors.js';
import type { Config, ExportConfig } from '../../config/config-types.js';
import { loadConfig } from '../../config/load-config.js';
import { strictTypes } from '../../config/strict-types.js';
import type { RunEvent } from '../../contracts/run-event.js';
import type { ExportSummary } from '../../contracts/run-summary.js';
import type { EngineDeps } from '../../engine/engine-deps.js';
import { withRetries } from '../../engine/retry.js';
import { failUnplannedExport, runExport, runLocked } from '../../engine/run-export.js';
import { listTasks, runPool } from '../../engine/run-pool.js';
import type { ExportFacts } from '../../plan/build-plan.js';
import { buildExportPlan } from '../../plan/build-plan.js';
import { collectFacts } from '../../plan/collect-facts.js';
import { planMode } from '../../plan/plan-mode.js';
import { type CliIo, line, warnOnce } from '../cli-io.js';
import { parseParams } from '../params.js';
import { aggregateJson } from '../render/aggregate-json.js';
import { errorText } from '../render/error-text.js';
import { aggregateTable, summaryCard } from '../render/summary-card.js';
import { writeRunReport } from '../report-files.js';
import { selectExports } from '../select-exports.js';
import { engineDeps, openState } from '../wire.js';

export interface RunFlags {
  readonly config: string;
  readonly export?: readonly string[];
  readonly param: readonly string[];
  readonly json: boolean;
  readonly summaryOutput?: string;
  readonly resume: boolean;
  readonly force: boolean;
  readonly parallelExports?: boolean;
  readonly strict?: boolean;
}

/** `--parallel-exports`: at most this many exports at once (each holds at least one connection). */
const PARALLEL_EXPORTS = 4;

export async function runCommand(flags: RunFlags, io: CliIo): Promise<ExitClass> {
  const startedAt = new Date();
  const loaded = loadConfig(flags.config, { params: parseParams(flags.param), env: io.env });
  const config = flags.strict ? strictTypes(loaded) : loaded;
  const warned = new Set<string>();
  for (const warning of config.warnings) warnOnce(io, warned, warning);
  const exports = selectExports(config, flags.export);
  if (flags.json && exports.some((e) => e.destination.kind === 'stdout')) {
    throw new RivetError(
      'RIVET_USAGE_JSON_STDOUT',
      '--json cannot be combined with a stdout destination (both would write to stdout)',
      {
        hint: 'drop --json, or use --summary-output <file> for the machine-readable summary',
        exitClass: ExitClass.usageOrTransient,
      },
    );
  }
  const parallel = (flags.parallelExports || config.parallelExports) && exports.length > 1;
  if (parallel && exports.some((e) => e.destination.kind === 'stdout')) {
    throw new RivetError(
      'RIVET_USAGE_PARALLEL_STDOUT',
      '--parallel-exports cannot run a stdout export beside others (their bytes would interleave)',
      {
        hint: 'run the stdout export on its own with -e, or drop --parallel-exports',
        exitClass: ExitClass.usageOrTransient,
      },
    );
  }
  const state = openState(config);
  const summaries = new Map<string, ExportSummary>();
  try {
    const deps = engineDeps(config, state, (event) => renderEvent(event, io, warned), io.env);
    const next = listTasks(exports);
    await runPool(
      parallel ? Math.min(PARALLEL_EXPORTS, exports.length) : 1,
      async () => {
        const exportConfig = await next();
        if (exportConfig !== undefined && io.signal.aborted) {
          line(
            io.stderr,
            `rivet: interrupted — export '${exportConfig.name}' and the ones after it were not started`,
          );
          return undefined;
        }
        return exportConfig;
      },
      () => ({
        run: async (exportConfig) => {
          const summary = await runOne(config, exportConfig, deps, io, flags);
          const report = await writeRunReport(config.dir, summary);
          line(io.stderr, summaryCard(summary, report));
          summaries.set(exportConfig.name, summary);
        },
      }),
    );
  } finally {
    await state.close();
  }
  // Config order, whatever order parallel exports finished in.
  const ordered = exports
    .map((e) => summaries.get(e.name))
    .filter((s): s is ExportSummary => s !== undefined);
  if (ordered.length > 1) line(io.stderr, `\nRun summary\n${aggregateTable(ordered)}`);
  const aggregate = aggregateJson(config.path, startedAt, new Date(), ordered, parallel);
  if (flags.json) line(io.stdout, aggregate);
  if (flags.summaryOutput !== undefined) await writeFile(flags.summaryOutput, `${aggregate}\n`);
  return worstExitClass(ordered.map((s) => s.exit_class as ExitClass));
}

/** Facts, plan, run — retrying the planning reads like the extraction's (a restart at 2 a.m. is transient). */
async function runOne(
  config: Config,
  exportConfig: ExportConfig,
  deps: EngineDeps,
  io: CliIo,
  flags: Pick<RunFlags, 'resume' | 'force'>,
): Promise<ExportSummary> {
  const now = deps.now();
  const stub = () =>
    buildExportPlan(exportConfig, { columns: [], table: { uniqueKey: undefined } }, config.source.type, now);
  return runLocked(
    exportConfig.name,
    stub().runId,
    deps,
    flags.force,
    (error) => failUnplannedExport(stub(), deps, error),
    (lockLost) =>
      planAndRun(config, exportConfig, deps, io, flags, now, AbortSignal.any([io.signal, lockLost])),
  );
}

async function planAndRun(
  config: Config,
  exportConfig: ExportConfig,
  deps: EngineDeps,
  io: CliIo,
  flags: Pick<RunFlags, 'resume' | 'force'>,
  now: Date,
  signal: AbortSignal,
): Promise<ExportSummary> {
  let facts: ExportFacts;
  try {
    const policy = {
      maxRetries: exportConfig.tuning.maxRetries,
      backoffMs: exportConfig.tuning.retryBackoffMs,
    };
    const planned = await withRetries(
      () => readFacts(deps, exportConfig, now, flags.resume, signal),
      policy,
      {
        canRetry: () => !signal.aborted,
        onRetry: (attempt, error, delayMs) =>
          renderRetry(io, exportConfig.name, attempt, String((error as Error).message), delayMs),
        sleep: deps.sleep,
      },
    );
    facts = planned.value;
  } catch (error) {
    const stub = buildExportPlan(
      exportConfig,
      { columns: [], table: { uniqueKey: undefined } },
      config.source.type,
      now,
    );
    return failUnplannedExport(stub, deps, error);
  }
  for (const warning of facts.mode?.warnings ?? [])
    warnOnce(io, new Set(), `export '${exportConfig.name}': ${warning}`);
  return runExport(buildExportPlan(exportConfig, facts, config.source.type, now), deps, {
    signal,
    resume: flags.resume,
    force: flags.force,
  });
}

async function readFacts(
  deps: EngineDeps,
  exportConfig: ExportConfig,
  now: Date,
  resume: boolean,
  signal: AbortSignal,
): Promise<ExportFacts> {
  const source = await deps.openSource();
  try {
    const { columns, table } = await collectFacts(source, exportConfig);
    const mode = await planMode(exportConfig, {
      source,
      state: deps.state,
      columns,
      table,
      now,
      resume,
      signal,
    });
    return { columns, table, mode };
  } finally {
    await source.close();
  }
}

function renderRetry(io: CliIo, exportName: string, attempt: number, reason: string, delayMs: number): void {
  line(
    io.stderr,
    `WARN export '${exportName}': attempt ${attempt} failed (${reason}); retrying in ${delayMs} ms`,
  );
}

function renderEvent(event: RunEvent, io: CliIo, warned: Set<string>): void {
  switch (event.type) {
    case 'warning':
      warnOnce(
        io,
        warned,
        event.exportName ? `export '${event.exportName}': ${event.message}` : event.message,
      );
      break;
    case 'retry':
      renderRetry(io, event.exportName, event.attempt, event.reason, event.delayMs);
      break;
    case 'export-error':
      if (io.debug)
        line(
          io.stderr,
          `DEBUG export '${event.exportName}' failed:\n${(event.error as Error)?.stack ?? errorText(event.error)}`,
        );
      break;
    default:
      break;
  }
}
