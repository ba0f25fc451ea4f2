/**
 * Layer: cli/render. How a failure reads on stderr: one paragraph with the code,
 * the message and a hint — or one JSON object with `--json-errors`.
 */
import { InternalError, isRivetError, RivetErrorList } from '../../common/errors.js';
import { redact } from '../../common/redact.js';

export function errorText(error: unknown): string {
  if (isRivetError(error)) {
    const hint = error.hint === undefined ? '' : `\n  Hint: ${error.hint}`;
    return `Error: [${error.code}] ${redact(error.message)}${hint}`;
  }
  const kind = error instanceof InternalError ? 'internal error' : 'unexpected internal error';
  return `Error: [RIVET_INTERNAL] ${kind}: ${redact(String((error as Error)?.message ?? error))}\n  This is a bug in Rivet; please report it, and re-run with --debug for the stack trace.`;
}

export function errorJson(error: unknown, exitClass: number): string {
  const body: Record<string, unknown> = {
    error: redact(String((error as Error)?.message ?? error)),
    exit_class: exitClass,
  };
  if (isRivetError(error)) {
    body.code = error.code;
    if (error.hint !== undefined) body.hint = error.hint;
    if (error instanceof RivetErrorList)
      body.problems = error.problems.map((p) => ({ code: p.code, message: p.message }));
  } else {
    body.code = 'RIVET_INTERNAL';
  }
  return JSON.stringify(body);
}
