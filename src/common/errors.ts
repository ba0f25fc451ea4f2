/**
 * Layer: common (leaf). The whole error vocabulary: every expected failure is a
 * RivetError carrying a stable code, an exit class and whether a retry may help.
 */

/** Process exit classes shared with the upstream tool. */
export const ExitClass = {
  ok: 0,
  failed: 1,
  usageOrTransient: 2,
  dataIntegrity: 3,
  schemaDrift: 4,
} as const;
export type ExitClass = (typeof ExitClass)[keyof typeof ExitClass];

export interface RivetErrorOptions {
  readonly hint?: string;
  readonly exitClass?: ExitClass;
  readonly retryable?: boolean;
  readonly cause?: unknown;
}

/** An expected failure: printed as one paragraph, never with a stack trace. */
export class RivetError extends Error {
  readonly code: string;
  readonly hint: string | undefined;
  readonly exitClass: ExitClass;
  readonly retryable: boolean;

  constructor(code: string, message: string, options: RivetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RivetError';
    this.code = code;
    this.hint = options.hint;
    this.retryable = options.retryable ?? false;
    this.exitClass = options.exitClass ?? (this.retryable ? ExitClass.usageOrTransient : ExitClass.failed);
  }
}

/** Several problems found at once (config validation reports every problem, not the first). */
export class RivetErrorList extends RivetError {
  readonly problems: readonly RivetError[];

  constructor(
    code: string,
    headline: string,
    problems: readonly RivetError[],
    options: RivetErrorOptions = {},
  ) {
    super(code, headline, options);
    this.problems = problems;
  }
}

/** A bug in Rivet rather than bad input: main prints a report request instead of a paragraph. */
export class InternalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InternalError';
  }
}

export function isRivetError(value: unknown): value is RivetError {
  return value instanceof RivetError;
}

/** The most stop-worthy class wins when several exports fail: integrity > drift > transient > failed. */
export function worstExitClass(classes: readonly ExitClass[]): ExitClass {
  const rank = (c: ExitClass): number => [0, 1, 2, 4, 3][c] ?? 1;
  return classes.reduce<ExitClass>((worst, c) => (rank(c) > rank(worst) ? c : worst), ExitClass.ok);
}
