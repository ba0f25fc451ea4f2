/**
 * Test support: a uniquely named schema on the machine's real PostgreSQL, dropped
 * afterwards. Without a server the suite fails under CI and skips loudly locally.
 */
import pg from 'pg';

export const PG_URL = process.env.RIVET_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';

let available: boolean | undefined;

export async function postgresAvailable(): Promise<boolean> {
  if (available !== undefined) return available;
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    available = true;
  } catch (error) {
    if (process.env.CI)
      throw new Error(`PostgreSQL is required under CI but unreachable at ${PG_URL}: ${String(error)}`);
    console.warn(`\n!!! SKIPPING PostgreSQL tests: no server at ${PG_URL} (${String(error)}) !!!\n`);
    available = false;
  } finally {
    await client.end().catch(() => undefined);
  }
  return available;
}

export interface TestSchema {
  readonly name: string;
  readonly client: pg.Client;
  query(sql: string, values?: unknown[]): Promise<pg.QueryResult>;
  drop(): Promise<void>;
}

export async function createTestSchema(prefix = 'rivet_t'): Promise<TestSchema> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({
    connectionString: PG_URL,
    types: { getTypeParser: () => (v: string) => v },
  });
  await client.connect();
  await client.query(`CREATE SCHEMA ${name}`);
  await client.query(`SET search_path TO ${name}`);
  return {
    name,
    client,
    query: (sql, values) => client.query(sql, values),
    drop: async () => {
      await client.query(`DROP SCHEMA ${name} CASCADE`).catch(() => undefined);
      await client.end();
    },
  };
}
