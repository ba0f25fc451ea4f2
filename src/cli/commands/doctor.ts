/**
 * Layer: cli. `rivet doctor -c <config> [--json]`: one line per check (config, source
 * auth and version, SELECT on every exported relation, each destination's write probe,
 * the state), each failure with a hint. Exit 0 when all pass, 2 when every failure may
 * be transient, else 1 — upstream's classes.
 */
import { existsSync } from 'node:fs';
import { ExitClass, isRivetError } from '../../common/errors.js';
import type { Config } from '../../config/config-types.js';
import { loadConfig } from '../../config/load-config.js';
import { type DoctorCheck, runDoctor } from '../../preflight/doctor.js';
import { type CliIo, line } from '../cli-io.js';
import { parseParams } from '../params.js';
import { openDestination, openSource, openState, statePath } from '../wire.js';

export interface DoctorFlags {
  readonly config: string;
  readonly param: readonly string[];
  readonly json: boolean;
}

export async function doctorCommand(flags: DoctorFlags, io: CliIo): Promise<ExitClass> {
  if (!flags.json) line(io.stdout, `rivet doctor: verifying auth for config '${flags.config}'\n`);
  let config: Config;
  try {
    config = loadConfig(flags.config, { params: parseParams(flags.param), env: io.env });
  } catch (error) {
    if (!isRivetError(error)) throw error;
    const check: DoctorCheck = {
      name: 'Config error',
      ok: false,
      detail: error.message,
      ...(error.hint && { hint: error.hint }),
    };
    print([check], flags, io);
    line(io.stderr, 'Error: doctor: config check failed (see output above)');
    return ExitClass.failed;
  }
  const checks: DoctorCheck[] = [
    { name: 'Config parsed successfully', ok: true },
    ...(await runDoctor(config, {
      openSource: () => openSource(config.source, io.env, () => undefined, 'rivet-doctor'),
      openDestination,
      probeState: () => probeState(config),
      now: new Date(),
    })),
  ];
  print(checks, flags, io);
  const failed = checks.filter((c) => !c.ok);
  if (failed.length === 0) return ExitClass.ok;
  return failed.every((c) => c.transient) ? ExitClass.usageOrTransient : ExitClass.failed;
}

async function probeState(config: Config): Promise<string> {
  const path = statePath(config);
  if (!existsSync(path)) return `${path} does not exist yet; the first run creates it`;
  const state = openState(config);
  try {
    const cursors = await state.cursors.list();
    return `${path} is readable and migrated (${cursors.length} cursor(s))`;
  } finally {
    await state.close();
  }
}

function print(checks: readonly DoctorCheck[], flags: DoctorFlags, io: CliIo): void {
  const ok = checks.every((c) => c.ok);
  if (flags.json) {
    line(
      io.stdout,
      JSON.stringify(
        { config_path: flags.config, all_ok: ok, checks: checks.map(({ transient: _, ...c }) => c) },
        null,
        2,
      ),
    );
    return;
  }
  for (const c of checks) {
    if (c.ok) line(io.stdout, `[OK]  ${c.name}${c.detail === undefined ? '' : ` — ${c.detail}`}`);
    else {
      line(io.stdout, `[FAIL] ${c.name}: ${c.detail ?? 'failed'}`);
      if (c.hint !== undefined) line(io.stdout, `       Hint: ${c.hint}`);
    }
  }
  line(io.stdout, '');
  line(
    io.stdout,
    ok
      ? `All checks passed.\nNext: rivet check -c ${flags.config}   # plan, verdicts and column types`
      : 'Some checks failed. Fix the issues above before running exports.',
  );
}
