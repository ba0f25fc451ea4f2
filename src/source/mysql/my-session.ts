/**
 * Layer: source/mysql. The read session: MySQL and MariaDB name the statement limit
 * differently (`max_execution_time` in ms, `max_statement_time` in s), so the flavour
 * is detected first. Rivet pins UTC, a strict sql_mode (no ANSI_QUOTES, no
 * PAD_CHAR_TO_FULL_LENGTH surprises), the statement limit and a long net_write_timeout
 * — and puts every variable back on every exit path, so a pooled connection is clean.
 */

export type Flavor = 'mariadb' | 'mysql';

/** The one call the session needs: a metadata query returning object rows. */
export interface SqlRunner {
  query(sql: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
}

export const READ_SQL_MODE = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION';
/** A slow consumer (destination backpressure) must not make the server drop the read. */
const NET_WRITE_TIMEOUT_S = 600;

export async function detectFlavor(db: SqlRunner): Promise<Flavor> {
  const rows = await db.query('SELECT VERSION() AS v');
  const version = String(rows[0]?.v ?? '');
  return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
}

export function timeoutVariable(flavor: Flavor): 'max_statement_time' | 'max_execution_time' {
  return flavor === 'mariadb' ? 'max_statement_time' : 'max_execution_time';
}

export type SessionValues = Readonly<Record<string, string | number>>;

export async function readSession(db: SqlRunner, flavor: Flavor): Promise<SessionValues> {
  const names = ['time_zone', 'sql_mode', 'net_write_timeout', timeoutVariable(flavor)];
  const rows = await db.query(`SELECT ${names.map((n) => `@@SESSION.${n} AS ${n}`).join(', ')}`);
  return rows[0] as SessionValues;
}

export interface PinnedSession {
  /** Puts back what was there before; safe to call more than once. */
  restore(): Promise<void>;
}

export async function pinSession(
  db: SqlRunner,
  flavor: Flavor,
  statementTimeoutMs: number,
): Promise<PinnedSession> {
  const saved = await readSession(db, flavor);
  const limit = flavor === 'mariadb' ? statementTimeoutMs / 1000 : Math.round(statementTimeoutMs);
  await setSession(db, {
    time_zone: '+00:00',
    sql_mode: READ_SQL_MODE,
    net_write_timeout: NET_WRITE_TIMEOUT_S,
    [timeoutVariable(flavor)]: limit,
  });
  let restored = false;
  return {
    restore: async () => {
      if (restored) return;
      restored = true;
      await setSession(db, saved);
    },
  };
}

async function setSession(db: SqlRunner, values: SessionValues): Promise<void> {
  const names = Object.keys(values);
  // Numeric variables reject a string argument (MariaDB error 1232), and the server reports them as strings.
  const value = (v: string | number) => (typeof v === 'string' && /^\d+(?:\.\d+)?$/.test(v) ? Number(v) : v);
  await db.query(
    `SET ${names.map((n) => `SESSION ${n} = ?`).join(', ')}`,
    names.map((n) => value(values[n]!)),
  );
}
