/**
 * Layer: preflight. Findings about the source server as a whole (printed once per
 * check): a pooler or proxy in the way, plaintext to a remote host, a replica whose
 * settings decide whether long statements survive. Pure.
 */
import { isLoopbackHost } from '../common/loopback.js';
import type { ServerFacts } from '../source/source-diagnostics.js';
import { type Diagnostic, diagnostic } from './diagnostic.js';

export function judgeServer(server: ServerFacts, hosts: readonly string[]): Diagnostic[] {
  const found: Diagnostic[] = [];
  if (server.pooler !== undefined) {
    found.push(
      diagnostic(
        'RIVET_CHECK_POOLER',
        'medium',
        `connected through ${server.pooler}`,
        'Rivet keeps every session setting inside its own transaction, so it works through a pooler; connect directly for chunked runs if the pooler limits connections per client',
      ),
    );
  }
  if (server.tls === false && !hosts.every(isLoopbackHost)) {
    found.push(
      diagnostic(
        'RIVET_CHECK_TLS_OFF',
        'high',
        `the connection to ${hosts.join(', ')} is not encrypted: credentials and rows cross the network in plaintext`,
        'set `tls: { mode: verify-full }` (or `require`) on the source',
      ),
    );
  }
  if (server.replica) found.push(replicaFinding(server));
  return found;
}

function replicaFinding(server: ServerFacts): Diagnostic {
  const feedback = server.replicaSettings.hot_standby_feedback;
  if (feedback === 'off') {
    return diagnostic(
      'RIVET_CHECK_REPLICA',
      'medium',
      `reading a replica with hot_standby_feedback off: a statement running longer than max_standby_streaming_delay (${server.replicaSettings.max_standby_streaming_delay}) can be cancelled by replication`,
      'Rivet’s statements aim at 100 ms; keep chunked exports on keyset reads, or turn hot_standby_feedback on for the replica',
    );
  }
  return diagnostic(
    'RIVET_CHECK_REPLICA',
    'info',
    'reading a replica (good: the primary is not touched)',
    feedback === 'on'
      ? 'hot_standby_feedback is on: long statements hold back vacuum on the primary'
      : undefined,
  );
}
