import copyStreams from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, postgresAvailable, type TestSchema } from '../../../test/support/pg-test-db.js';
import { copyOut } from './pg-copy-out.js';

const available = await postgresAvailable();

describe.skipIf(!available)('copyOut', () => {
  let db: TestSchema;

  beforeAll(async () => {
    db = await createTestSchema('rivet_copyout');
    await db.query(
      `CREATE TABLE t AS SELECT i, repeat(md5(i::text), (i % 50) + 1) AS s FROM generate_series(1, 20000) i`,
    );
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('delivers exactly the bytes an independent COPY client receives, and leaves the connection usable', async () => {
    const sql = 'COPY (SELECT * FROM t ORDER BY i) TO STDOUT (FORMAT binary)';
    const ours: Buffer[] = [];
    await copyOut(db.client, sql, (payload) => ours.push(Buffer.from(payload)));
    const reference: Buffer[] = [];
    for await (const chunk of db.client.query(copyStreams.to(sql))) reference.push(chunk as Buffer);
    expect(Buffer.concat(ours).equals(Buffer.concat(reference))).toBe(true);
    expect((await db.query('SELECT 41 + 1 AS n')).rows[0].n).toBe('42');
  });

  it('rejects with the server error and keeps the connection usable', async () => {
    await expect(
      copyOut(db.client, 'COPY (SELECT 1/0) TO STDOUT (FORMAT binary)', () => undefined),
    ).rejects.toMatchObject({
      code: '22012',
    });
    expect((await db.query('SELECT 1 AS n')).rows[0].n).toBe('1');
  });

  it('rejects with the callback error as soon as a payload is refused', async () => {
    const refusal = new Error('value refused');
    await expect(
      copyOut(db.client, 'COPY (SELECT * FROM t) TO STDOUT (FORMAT binary)', () => {
        throw refusal;
      }),
    ).rejects.toBe(refusal);
  });
});
