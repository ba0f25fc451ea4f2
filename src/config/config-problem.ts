/**
 * Layer: config. One problem in a config file: the key path it concerns, where it is
 * (line:col), what is wrong and how to fix it. All problems are gathered, then
 * reported together as one error.
 */
import { RivetError, RivetErrorList } from '../common/errors.js';

export type KeyPath = readonly (string | number)[];

export interface ConfigProblem {
  readonly path: KeyPath;
  readonly message: string;
  readonly hint?: string;
  /** Stable code of this kind of problem (defaults to RIVET_CONFIG_INVALID). */
  readonly code?: string;
  /** 1-based position, when the path exists in the file. */
  readonly line?: number;
  readonly col?: number;
}

export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? '(top level)' : out;
}

export function formatProblem(problem: ConfigProblem): string {
  const at = problem.line === undefined ? '' : ` (line ${problem.line}:${problem.col})`;
  const hint = problem.hint === undefined ? '' : `\n      Hint: ${problem.hint}`;
  return `${formatKeyPath(problem.path)}${at}: ${problem.message}${hint}`;
}

/** One error carrying every problem; a single problem keeps its own code. */
export function configError(file: string, problems: readonly ConfigProblem[]): RivetError {
  const single = problems.length === 1 ? problems[0]! : undefined;
  const code = single?.code ?? 'RIVET_CONFIG_INVALID';
  // A single problem's hint is the error's own hint (printed as `\n  Hint: …`), not part of the message.
  const headline =
    single !== undefined
      ? `config file '${file}': ${formatProblem({ ...single, hint: undefined })}`
      : `config file '${file}' has ${problems.length} problems:\n  - ${problems.map(formatProblem).join('\n  - ')}`;
  const items = problems.map(
    (p) => new RivetError(p.code ?? 'RIVET_CONFIG_INVALID', formatProblem(p), { hint: p.hint }),
  );
  return new RivetErrorList(code, headline, items, {
    hint:
      single !== undefined
        ? single.hint
        : 'fix the keys above; each line names the key, its position and what is expected',
  });
}
