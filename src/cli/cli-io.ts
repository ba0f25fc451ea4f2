/**
 * Layer: cli. The process boundary a command talks to, injectable for tests.
 */
import type { Readable, Writable } from 'node:stream';

export interface CliIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** Only for questions (`state reset`); absent means nobody can answer. */
  readonly stdin?: Readable;
  /** Whether stdin is a terminal: a person who can be asked, not a pipe or CI. */
  readonly isTTY?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly debug: boolean;
  /** Aborted on SIGINT/SIGTERM. */
  readonly signal: AbortSignal;
}

export function line(out: Writable, text: string): void {
  out.write(`${text}\n`);
}

/** Prints each distinct warning once per process. */
export function warnOnce(io: CliIo, seen: Set<string>, message: string): void {
  if (seen.has(message)) return;
  seen.add(message);
  line(io.stderr, `WARN ${message}`);
}
