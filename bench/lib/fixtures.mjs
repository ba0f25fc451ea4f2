/**
 * Fixture definitions (perf-anchors §3.1 bench_narrow, §3.2 content_items "fast")
 * and idempotent seeding: a table is reused when it holds exactly the requested
 * number of rows, otherwise dropped and rebuilt.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { wants } from './args.mjs';

/** Row counts are inlined as int literals so `i` is a plain integer, exactly as upstream's seed. */
function int(n) {
  if (!Number.isInteger(n) || n < 0 || n > 2_147_483_647) throw new Error(`bad row count ${n}`);
  return `${n}::int`;
}

const contentItemsDdl = (
  name,
) => `CREATE TABLE ${name} (id BIGSERIAL PRIMARY KEY, title TEXT NOT NULL, body TEXT NOT NULL,
  raw_html TEXT NOT NULL, metadata JSONB, tags TEXT, author_name VARCHAR(100) NOT NULL,
  author_email VARCHAR(200) NOT NULL, source_url TEXT, category VARCHAR(50),
  status VARCHAR(20) NOT NULL DEFAULT 'draft', priority INT NOT NULL DEFAULT 0,
  view_count INT NOT NULL DEFAULT 0, comment_count INT NOT NULL DEFAULT 0,
  word_count INT NOT NULL DEFAULT 0, language CHAR(2) NOT NULL DEFAULT 'en',
  published_at TIMESTAMP, updated_at TIMESTAMP NOT NULL DEFAULT now(),
  created_at TIMESTAMP NOT NULL DEFAULT now(), extra_data JSONB)`;

const contentItemsFastInsert = (
  n,
) => `INSERT INTO content_items (title, body, raw_html, metadata, tags, author_name, author_email, source_url,
  category, status, priority, view_count, comment_count, word_count, language, published_at, updated_at,
  created_at, extra_data)
SELECT 'Seed title '||i, repeat('lorem ipsum ',200), '<p>'||repeat('lorem ipsum ',200)||'</p>',
  jsonb_build_object('seed',true,'i',i), 'rust,postgres,data', 'Author '||(i%1000),
  'author'||(i%1000)||'@example.com', 'https://blog.example.com/posts/'||i,
  (ARRAY['engineering','product','tutorial'])[(i%3)+1], (ARRAY['draft','review','published'])[(i%3)+1],
  i%5, i%100000, i%500, 200, 'en',
  CASE WHEN i%3<>0 THEN timestamp '2024-01-01'+(i%365)*interval '1 day' END,
  timestamp '2024-01-01'+(i%400)*interval '1 day', timestamp '2023-01-01'+(i%730)*interval '1 day',
  jsonb_build_object('revisions',1)
FROM generate_series(1, ${int(n)}) i`;

const benchNarrowDdl = `CREATE TABLE bench_narrow (id BIGINT PRIMARY KEY, score DOUBLE PRECISION NOT NULL,
  category SMALLINT NOT NULL, flag BOOLEAN NOT NULL, created_at TIMESTAMPTZ NOT NULL)`;

const benchNarrowInsert = (n) => `INSERT INTO bench_narrow SELECT i, i*1.23456, (i%100)::smallint, (i%3=0),
  now() - (${int(n)} - i) * interval '1 second' FROM generate_series(1, ${int(n)}) i`;

/** perf-anchors text_1k: 32 md5 chunks = 1,024 hex chars per row, different per row (pglz can't shrink it much). */
async function seedText(client, n, rebuilt) {
  const have = await rowCount(client, 'bench_text_1k');
  if (have === n) {
    log(`bench_text_1k already has ${n.toLocaleString('en-US')} rows — reusing`);
    return;
  }
  log(`seeding bench_text_1k: ${n.toLocaleString('en-US')} rows (had ${have ?? 'no table'}) …`);
  const s = performance.now();
  await inTransaction(client, [
    'DROP TABLE IF EXISTS public.bench_text_1k',
    'CREATE TABLE bench_text_1k (id BIGINT PRIMARY KEY, k INT NOT NULL, created_at TIMESTAMPTZ NOT NULL, body TEXT NOT NULL)',
    `INSERT INTO bench_text_1k SELECT i, i % 1000, timestamptz '2024-01-01' + i * interval '1 second',
       (SELECT string_agg(md5(i::text || ':' || g), '') FROM generate_series(1, 32) g)
     FROM generate_series(1, ${int(n)}) i`,
  ]);
  log(`  bench_text_1k seeded in ${((performance.now() - s) / 1000).toFixed(1)} s`);
  rebuilt.push('bench_text_1k');
}

async function rowCount(client, table) {
  const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS ok', [`public.${table}`]);
  if (!exists.rows[0].ok) return undefined;
  const r = await client.query(`SELECT count(*)::bigint AS n FROM public.${table}`);
  return Number(r.rows[0].n);
}

async function inTransaction(client, statements) {
  await client.query('BEGIN');
  try {
    for (const sql of statements) await client.query(sql);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}

/**
 * Ensures the tables for the selected fixtures exist with the requested sizes.
 * Returns the list of tables that were (re)built.
 */
export async function seedFixtures(client, opts) {
  const rebuilt = [];
  const t0 = () => performance.now();
  if (wants(opts, 'wide')) {
    const n = opts.rowsWide;
    const half = Math.floor(n / 2);
    const have = await rowCount(client, 'content_items');
    let wideRebuilt = false;
    if (have !== n) {
      log(`seeding content_items: ${n.toLocaleString('en-US')} rows (had ${have ?? 'no table'}) …`);
      const s = t0();
      await inTransaction(client, [
        'DROP TABLE IF EXISTS public.wide_half',
        'DROP TABLE IF EXISTS public.content_items',
        contentItemsDdl('public.content_items'),
        contentItemsFastInsert(n),
      ]);
      log(`  content_items seeded in ${((t0() - s) / 1000).toFixed(1)} s`);
      rebuilt.push('content_items');
      wideRebuilt = true;
    } else {
      log(`content_items already has ${n.toLocaleString('en-US')} rows — reusing`);
    }
    const haveHalf = await rowCount(client, 'wide_half');
    if (wideRebuilt || haveHalf !== half) {
      log(`seeding wide_half: first ${half.toLocaleString('en-US')} rows of content_items …`);
      const s = t0();
      await inTransaction(client, [
        'DROP TABLE IF EXISTS public.wide_half',
        contentItemsDdl('public.wide_half'),
        `INSERT INTO public.wide_half SELECT * FROM public.content_items ORDER BY id LIMIT ${int(half)}`,
        "SELECT setval(pg_get_serial_sequence('public.wide_half', 'id'), coalesce(max(id), 1)) FROM public.wide_half",
      ]);
      log(`  wide_half seeded in ${((t0() - s) / 1000).toFixed(1)} s`);
      rebuilt.push('wide_half');
    } else {
      log(`wide_half already has ${half.toLocaleString('en-US')} rows — reusing`);
    }
  }
  if (wants(opts, 's3')) await seedText(client, opts.rowsText, rebuilt);
  if (wants(opts, 'narrow')) {
    const n = opts.rowsNarrow;
    const have = await rowCount(client, 'bench_narrow');
    if (have !== n) {
      log(`seeding bench_narrow: ${n.toLocaleString('en-US')} rows (had ${have ?? 'no table'}) …`);
      const s = t0();
      await inTransaction(client, [
        'DROP TABLE IF EXISTS public.bench_narrow',
        benchNarrowDdl,
        benchNarrowInsert(n),
      ]);
      log(`  bench_narrow seeded in ${((t0() - s) / 1000).toFixed(1)} s`);
      rebuilt.push('bench_narrow');
    } else {
      log(`bench_narrow already has ${n.toLocaleString('en-US')} rows — reusing`);
    }
  }
  // Always: cheap on an already-frozen table (the visibility map skips all-frozen pages),
  // and it covers a previous run that died between seeding and vacuuming.
  const tables = [];
  if (wants(opts, 'wide')) tables.push('content_items', 'wide_half');
  if (wants(opts, 'narrow')) tables.push('bench_narrow');
  if (wants(opts, 's3')) tables.push('bench_text_1k');
  for (const table of tables) {
    const s = t0();
    await client.query(`VACUUM (FREEZE, ANALYZE) public.${table}`);
    const ms = t0() - s;
    if (ms > 1000) log(`VACUUM (FREEZE, ANALYZE) ${table}: ${(ms / 1000).toFixed(1)} s`);
  }
  return rebuilt;
}

/**
 * Logical size (`sum(octet_length(t::text))`) and on-disk size per table, cached in a
 * JSON file keyed by table; the entry is recomputed when the table was rebuilt or its
 * row count differs.
 */
export async function tableSizes(client, tables, rebuilt, cachePath) {
  let cache = {};
  if (existsSync(cachePath)) {
    try {
      cache = JSON.parse(readFileSync(cachePath, 'utf8'));
    } catch {
      cache = {};
    }
  }
  const out = {};
  for (const [table, rows] of tables) {
    let entry = cache[table];
    if (entry === undefined || entry.rows !== rows || rebuilt.includes(table)) {
      log(`measuring logical size of ${table} (sum(octet_length(t::text))) …`);
      const r = await client.query(`SELECT sum(octet_length(t::text))::bigint AS b FROM public.${table} t`);
      entry = { rows, logical_bytes: Number(r.rows[0].b), measured_at: new Date().toISOString() };
      cache[table] = entry;
      writeFileSync(cachePath, `${JSON.stringify(cache, null, 2)}\n`);
    }
    const d = await client.query('SELECT pg_total_relation_size($1)::bigint AS b', [`public.${table}`]);
    out[table] = { ...entry, disk_bytes: Number(d.rows[0].b) };
  }
  return out;
}
