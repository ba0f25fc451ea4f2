/**
 * Test support: a uniquely named database on the machine's real MariaDB/MySQL, dropped
 * afterwards. Without a server the suite fails under CI and skips loudly locally.
 */
import mysql from 'mysql2/promise';

export const MY_URL = process.env.RIVET_TEST_MY_URL ?? 'mysql://root@127.0.0.1:3306/test';

let available: boolean | undefined;

export async function mysqlAvailable(): Promise<boolean> {
  if (available !== undefined) return available;
  try {
    const connection = await mysql.createConnection({ uri: MY_URL, connectTimeout: 3000 });
    await connection.end();
    available = true;
  } catch (error) {
    if (process.env.CI)
      throw new Error(`MariaDB/MySQL is required under CI but unreachable at ${MY_URL}: ${String(error)}`);
    console.warn(`\n!!! SKIPPING MySQL tests: no server at ${MY_URL} (${String(error)}) !!!\n`);
    available = false;
  }
  return available;
}

export interface TestDatabase {
  readonly name: string;
  /** mysql://…/<name>: the URL a Rivet config uses to read this database. */
  readonly url: string;
  readonly connection: mysql.Connection;
  query<T = mysql.RowDataPacket[]>(sql: string, values?: unknown[]): Promise<T>;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = 'rivet_t'): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const connection = await mysql.createConnection({
    uri: MY_URL,
    multipleStatements: true,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: 'Z',
  });
  await connection.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await connection.query(`USE \`${name}\``);
  await connection.query("SET time_zone = '+00:00'");
  const url = new URL(MY_URL);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    connection,
    query: async <T>(sql: string, values?: unknown[]) => (await connection.query(sql, values))[0] as T,
    drop: async () => {
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``).catch(() => undefined);
      await connection.end();
    },
  };
}
