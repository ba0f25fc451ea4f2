/**
 * MariaDB fixtures: the same two shapes as the PostgreSQL ones (perf-anchors §3.1
 * bench_narrow, §3.2 content_items "fast"), mapped to MySQL types and generated with the
 * Sequence engine (`seq_<lo>_to_<hi>`) in chunks, plus the database, the measured user
 * `rivet_bench` and a small bookkeeping table.
 *
 * Idempotent: a table is reused when `bench_meta` records it complete with the requested
 * row count (written only after the last chunk and ANALYZE TABLE), the table exists and
 * MAX(id) agrees — a COUNT(*) would scan the whole ~10 GB clustered index every run.
 * Otherwise it is dropped and rebuilt.
 */

import { wants } from './args.mjs';

export const MY_DB = 'rivet_bench';
export const MY_BENCH_USER = 'rivet_bench';

const log = (msg) => process.stderr.write(`[bench] ${msg}\n`);

function int(n) {
  if (!Number.isInteger(n) || n < 0 || n > 2_147_483_647) throw new Error(`bad row count ${n}`);
  return String(n);
}

/** PG → MariaDB: BIGSERIAL → BIGINT AUTO_INCREMENT, body/raw_html → LONGTEXT, JSONB → JSON, TIMESTAMP → DATETIME. */
const contentItemsDdl = `CREATE TABLE content_items (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title TEXT NOT NULL, body LONGTEXT NOT NULL, raw_html LONGTEXT NOT NULL, metadata JSON, tags TEXT,
  author_name VARCHAR(100) NOT NULL, author_email VARCHAR(200) NOT NULL, source_url TEXT,
  category VARCHAR(50), status VARCHAR(20) NOT NULL DEFAULT 'draft', priority INT NOT NULL DEFAULT 0,
  view_count INT NOT NULL DEFAULT 0, comment_count INT NOT NULL DEFAULT 0,
  word_count INT NOT NULL DEFAULT 0, language CHAR(2) NOT NULL DEFAULT 'en',
  published_at DATETIME NULL, updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, extra_data JSON
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

/** The PG "fast" INSERT … SELECT, row for row (same values for the same i), over seq_lo_to_hi. */
const contentItemsInsert = (lo, hi) => `INSERT INTO content_items (id, title, body, raw_html, metadata, tags,
  author_name, author_email, source_url, category, status, priority, view_count, comment_count, word_count,
  language, published_at, updated_at, created_at, extra_data)
SELECT seq, CONCAT('Seed title ', seq), REPEAT('lorem ipsum ', 200), CONCAT('<p>', REPEAT('lorem ipsum ', 200), '</p>'),
  JSON_OBJECT('seed', true, 'i', seq), 'rust,postgres,data', CONCAT('Author ', seq % 1000),
  CONCAT('author', seq % 1000, '@example.com'), CONCAT('https://blog.example.com/posts/', seq),
  ELT(seq % 3 + 1, 'engineering', 'product', 'tutorial'), ELT(seq % 3 + 1, 'draft', 'review', 'published'),
  seq % 5, seq % 100000, seq % 500, 200, 'en',
  IF(seq % 3 <> 0, TIMESTAMP'2024-01-01 00:00:00' + INTERVAL (seq % 365) DAY, NULL),
  TIMESTAMP'2024-01-01 00:00:00' + INTERVAL (seq % 400) DAY,
  TIMESTAMP'2023-01-01 00:00:00' + INTERVAL (seq % 730) DAY,
  JSON_OBJECT('revisions', 1)
FROM seq_${int(lo)}_to_${int(hi)}`;

/** DOUBLE PRECISION → DOUBLE, BOOLEAN → TINYINT(1), TIMESTAMPTZ → TIMESTAMP(6). */
const benchNarrowDdl = `CREATE TABLE bench_narrow (id BIGINT NOT NULL PRIMARY KEY, score DOUBLE NOT NULL,
  category SMALLINT NOT NULL, flag BOOLEAN NOT NULL, created_at TIMESTAMP(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;

/** `@rivet_t0` is fixed once per seeding so every chunk shares PG's single now(). */
const benchNarrowInsert = (n, lo, hi) => `INSERT INTO bench_narrow (id, score, category, flag, created_at)
SELECT seq, seq * 1.23456, seq % 100, seq % 3 = 0, @rivet_t0 - INTERVAL (${int(n)} - seq) SECOND
FROM seq_${int(lo)}_to_${int(hi)}`;

/** Text form of a row for the logical-size figure (comparable with PG's octet_length(t::text)). */
const TEXT_COLUMNS = {
  content_items: [
    'id',
    'title',
    'body',
    'raw_html',
    'metadata',
    'tags',
    'author_name',
    'author_email',
    'source_url',
    'category',
    'status',
    'priority',
    'view_count',
    'comment_count',
    'word_count',
    'language',
    'published_at',
    'updated_at',
    'created_at',
    'extra_data',
  ],
  bench_narrow: ['id', 'score', 'category', 'flag', 'created_at'],
};

export const MY_FIXTURES = {
  content_items: {
    ddl: contentItemsDdl,
    chunkRows: 100_000, // ≈ 530 MB per statement at ≈ 5.3 KB/row
    insert: (_n, lo, hi) => contentItemsInsert(lo, hi),
  },
  bench_narrow: {
    ddl: benchNarrowDdl,
    chunkRows: 1_024_000,
    insert: benchNarrowInsert,
  },
};

const META_DDL = `CREATE TABLE IF NOT EXISTS bench_meta (table_name VARCHAR(64) NOT NULL PRIMARY KEY,
  rows_seeded BIGINT NOT NULL, seeded_at DATETIME(6) NOT NULL, seed_seconds DOUBLE,
  logical_bytes BIGINT NULL) ENGINE=InnoDB`;

/** Creates the database, the measured user (both hosts, no password) and bench_meta. */
export async function ensureDatabaseAndUser(admin) {
  await admin.query(`CREATE DATABASE IF NOT EXISTS ${MY_DB} CHARACTER SET utf8mb4`);
  for (const host of ['127.0.0.1', 'localhost']) {
    await admin.query(`CREATE USER IF NOT EXISTS '${MY_BENCH_USER}'@'${host}'`);
    await admin.query(`GRANT ALL PRIVILEGES ON \`${MY_DB}\`.* TO '${MY_BENCH_USER}'@'${host}'`);
  }
  await admin.query(`USE ${MY_DB}`);
  await admin.query(META_DDL);
}

async function tableExists(admin, table) {
  const [rows] = await admin.query(
    'SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
    [MY_DB, table],
  );
  return Number(rows[0].n) > 0;
}

async function meta(admin, table) {
  const [rows] = await admin.query('SELECT * FROM bench_meta WHERE table_name = ?', [table]);
  return rows[0];
}

/** Row count a previous seeding recorded, if the table still looks like it; undefined otherwise. */
async function seededRows(admin, table) {
  const m = await meta(admin, table);
  if (m === undefined || !(await tableExists(admin, table))) return undefined;
  const [rows] = await admin.query(`SELECT MAX(id) AS hi FROM ${table}`);
  const hi = rows[0].hi === null ? 0 : Number(rows[0].hi);
  return hi === Number(m.rows_seeded) ? Number(m.rows_seeded) : undefined;
}

async function seedTable(admin, table, n) {
  const fx = MY_FIXTURES[table];
  const s = performance.now();
  await admin.query('DELETE FROM bench_meta WHERE table_name = ?', [table]);
  await admin.query(`DROP TABLE IF EXISTS ${table}`);
  await admin.query(fx.ddl);
  await admin.query("SET SESSION unique_checks = 0, foreign_key_checks = 0, time_zone = '+00:00'");
  await admin.query('SET @rivet_t0 = NOW(6)');
  let lastLog = s;
  for (let lo = 1; lo <= n; lo += fx.chunkRows) {
    const hi = Math.min(n, lo + fx.chunkRows - 1);
    await admin.query(fx.insert(n, lo, hi));
    const now = performance.now();
    if (now - lastLog > 30_000 || hi === n) {
      log(
        `  ${table}: ${hi.toLocaleString('en-US')} / ${n.toLocaleString('en-US')} rows, ${((now - s) / 1000).toFixed(0)} s`,
      );
      lastLog = now;
    }
  }
  await admin.query('SET SESSION unique_checks = 1, foreign_key_checks = 1, time_zone = DEFAULT');
  await admin.query(`ANALYZE TABLE ${table}`);
  const seconds = (performance.now() - s) / 1000;
  await admin.query(
    'INSERT INTO bench_meta (table_name, rows_seeded, seeded_at, seed_seconds) VALUES (?, ?, NOW(6), ?)',
    [table, n, seconds],
  );
  return seconds;
}

/**
 * Ensures the selected fixtures exist with the requested sizes (n === 0 is allowed
 * for neither: the arg parser guarantees ≥ 1). Returns { rebuilt: [...], seedSeconds: {table: s} }.
 */
export async function seedMariadbFixtures(admin, opts) {
  const wanted = [];
  if (wants(opts, 'wide')) wanted.push(['content_items', opts.rowsWide]);
  if (wants(opts, 'narrow')) wanted.push(['bench_narrow', opts.rowsNarrow]);
  const rebuilt = [];
  const seedSeconds = {};
  for (const [table, n] of wanted) {
    const have = await seededRows(admin, table);
    if (have === n) {
      log(`mariadb ${table} already has ${n.toLocaleString('en-US')} rows — reusing`);
      continue;
    }
    log(`seeding mariadb ${table}: ${n.toLocaleString('en-US')} rows (had ${have ?? 'no complete table'}) …`);
    const seconds = await seedTable(admin, table, n);
    log(`  mariadb ${table} seeded in ${seconds.toFixed(1)} s (incl. ANALYZE TABLE)`);
    rebuilt.push(table);
    seedSeconds[table] = seconds;
  }
  return { rebuilt, seedSeconds };
}

/**
 * Logical size (SUM of the text form of every column, ',' separated — the counterpart of
 * PG's octet_length(t::text)), cached in bench_meta; on-disk size from
 * information_schema.TABLES (InnoDB's data_length + index_length estimate).
 */
export async function mariadbTableSizes(admin, tables) {
  const out = {};
  for (const [table, rows] of tables) {
    const m = await meta(admin, table);
    let logical =
      m?.logical_bytes === null || m?.logical_bytes === undefined ? undefined : Number(m.logical_bytes);
    if (logical === undefined) {
      log(`measuring logical size of mariadb ${table} (SUM(LENGTH(CONCAT_WS(',', …)))) …`);
      const cols = TEXT_COLUMNS[table].map((c) => `\`${c}\``).join(', ');
      const [r] = await admin.query(`SELECT SUM(LENGTH(CONCAT_WS(',', ${cols}))) AS b FROM ${table}`);
      logical = Number(r[0].b);
      await admin.query('UPDATE bench_meta SET logical_bytes = ? WHERE table_name = ?', [logical, table]);
    }
    const [d] = await admin.query(
      'SELECT DATA_LENGTH + INDEX_LENGTH AS b FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?',
      [MY_DB, table],
    );
    out[table] = {
      rows,
      logical_bytes: logical,
      disk_bytes: Number(d[0]?.b ?? 0),
      seeded_at: m?.seeded_at,
      seed_seconds: m?.seed_seconds ?? undefined,
    };
  }
  return out;
}
