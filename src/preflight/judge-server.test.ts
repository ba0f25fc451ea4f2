import { describe, expect, it } from 'vitest';
import type { ServerFacts } from '../source/source-diagnostics.js';
import { judgeServer } from './judge-server.js';

const primary: ServerFacts = {
  product: 'PostgreSQL 15.20',
  versionNumber: 150020,
  maxConnections: 100,
  connectionsInUse: 3,
  freeConnections: 94,
  pooler: undefined,
  replica: false,
  replicaSettings: {},
  tls: false,
  statementTimeoutMs: 0,
  workMemBytes: 4 * 1024 * 1024,
};

const codes = (server: ServerFacts, hosts: string[]) =>
  judgeServer(server, hosts).map((d) => `${d.code}:${d.severity}`);

describe('judgeServer (conditions this machine cannot produce: poolers, remote hosts, replicas)', () => {
  it('is quiet for a local primary without a pooler, TLS off on loopback included', () => {
    expect(codes(primary, ['127.0.0.1'])).toEqual([]);
    expect(codes(primary, ['localhost', '/var/run/postgresql'])).toEqual([]);
  });

  it('flags plaintext to a remote host, but not TLS on or an unknown TLS state', () => {
    expect(codes(primary, ['db.internal'])).toEqual(['RIVET_CHECK_TLS_OFF:high']);
    expect(codes({ ...primary, tls: true }, ['db.internal'])).toEqual([]);
    expect(codes({ ...primary, tls: undefined }, ['db.internal'])).toEqual([]);
  });

  it('names the pooler', () => {
    const found = judgeServer({ ...primary, pooler: 'ProxySQL (from @@version_comment)' }, ['127.0.0.1']);
    expect(found).toEqual([
      expect.objectContaining({ code: 'RIVET_CHECK_POOLER', message: expect.stringContaining('ProxySQL') }),
    ]);
  });

  it('warns on a replica whose long statements can be cancelled, informs otherwise', () => {
    const replica = { ...primary, replica: true };
    const off = { hot_standby_feedback: 'off', max_standby_streaming_delay: '30000 ms' };
    expect(codes({ ...replica, replicaSettings: off }, ['127.0.0.1'])).toEqual([
      'RIVET_CHECK_REPLICA:medium',
    ]);
    expect(judgeServer({ ...replica, replicaSettings: off }, ['127.0.0.1'])[0]!.message).toContain(
      '30000 ms',
    );
    expect(codes({ ...replica, replicaSettings: { hot_standby_feedback: 'on' } }, ['127.0.0.1'])).toEqual([
      'RIVET_CHECK_REPLICA:info',
    ]);
  });
});
