/**
 * Layer: preflight. One finding of `rivet check` or `rivet doctor`: a stable code
 * (`RIVET_CHECK_…`), a severity, one sentence, and what to do about it.
 */

/** `error` means the run would be refused; the others are advice and never block a run. */
export type Severity = 'error' | 'high' | 'medium' | 'low' | 'info';

export interface Diagnostic {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  readonly hint?: string;
}

export function diagnostic(code: string, severity: Severity, message: string, hint?: string): Diagnostic {
  return { code, severity, message, ...(hint === undefined ? {} : { hint }) };
}
