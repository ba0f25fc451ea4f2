#!/usr/bin/env node
/**
 * Bin entry: runs the CLI and is the only place an error becomes an exit code.
 * Expected failures print one paragraph; anything else asks for a bug report.
 */
import { CommanderError } from 'commander';
import type { CliIo } from './cli/cli-io.js';
import { buildProgram } from './cli/program.js';
import { errorJson, errorText } from './cli/render/error-text.js';
import { ExitClass, isRivetError, RivetError } from './common/errors.js';

const controller = new AbortController();
let exitClass: ExitClass = ExitClass.ok;
const argv = process.argv.slice(2);
const flags = { jsonErrors: argv.includes('--json-errors'), debug: argv.includes('--debug') };

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\nrivet: ${signal} received — stopping; unfinished parts are discarded\n`);
    controller.abort(
      new RivetError('RIVET_INTERRUPTED', `interrupted by ${signal}`, {
        hint: 'the part being written was discarded; run the export again',
      }),
    );
    process.once(signal, () => process.exit(130));
  });
}

const io = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  isTTY: process.stdin.isTTY === true,
  env: process.env,
  debug: flags.debug,
  signal: controller.signal,
});
const program = buildProgram(io, (code) => {
  exitClass = code;
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  exitClass = handle(error);
}
process.exitCode = exitClass;

function handle(error: unknown): ExitClass {
  if (error instanceof CommanderError) {
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    )
      return ExitClass.ok;
    if (error.code === 'commander.missingMandatoryOptionValue' && error.message.includes('--config')) {
      process.stderr.write(
        '\nHint: run `rivet demo` to see a working config, then pass yours with `-c rivet.yaml`.\n',
      );
    }
    return ExitClass.usageOrTransient;
  }
  const code = isRivetError(error) ? error.exitClass : ExitClass.failed;
  process.stderr.write(`${flags.jsonErrors ? errorJson(error, code) : errorText(error)}\n`);
  if (flags.debug && !isRivetError(error)) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
  return code;
}
