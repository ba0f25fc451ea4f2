/**
 * Layer: cli/demo. A small shop schema with the types Rivet must carry exactly:
 * numeric, timestamptz, uuid, jsonb, arrays with NULL elements, enums and NULLs.
 */

export function demoSeedSql(rows: number): string {
  const customers = Math.max(10, Math.floor(rows / 5));
  return `
CREATE SCHEMA IF NOT EXISTS shop;
CREATE TYPE shop.order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
CREATE TABLE shop.customers (
  id         bigint PRIMARY KEY,
  name       text NOT NULL,
  email      text,
  signed_up  timestamptz NOT NULL,
  tags       text[],
  profile    jsonb
);
CREATE TABLE shop.orders (
  id          bigint PRIMARY KEY,
  public_id   uuid NOT NULL,
  customer_id bigint NOT NULL REFERENCES shop.customers (id),
  status      shop.order_status NOT NULL,
  amount      numeric(12,2) NOT NULL,
  discount    numeric(5,4),
  placed_at   timestamptz NOT NULL,
  ship_by     date,
  items       int[],
  notes       text
);
INSERT INTO shop.customers
SELECT i,
       'Customer ' || i,
       CASE WHEN i % 7 = 0 THEN NULL ELSE 'customer' || i || '@example.com' END,
       timestamptz '2023-01-01 00:00:00+00' + i * interval '37 minutes 12.345678 seconds',
       CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN ARRAY[]::text[] ELSE ARRAY['vip', NULL, 'tier-' || (i % 3)] END,
       jsonb_build_object('locale', (ARRAY['en', 'de', 'ja'])[1 + i % 3], 'score', i * 1.5, 'big', 12345678901234567890)
  FROM generate_series(1, ${customers}) AS g(i);
INSERT INTO shop.orders
SELECT i,
       md5('order' || i)::uuid,
       1 + (i % ${customers}),
       (ARRAY['new', 'paid', 'shipped', 'cancelled']::shop.order_status[])[1 + i % 4],
       round((i * 7.31) % 10000, 2),
       CASE WHEN i % 3 = 0 THEN NULL ELSE ((i % 100) / 1000.0)::numeric(5,4) END,
       timestamptz '2024-01-01 00:00:00+00' + i * interval '11 minutes 7.000001 seconds',
       CASE WHEN i % 4 = 0 THEN NULL ELSE date '2024-01-05' + (i % 90) END,
       CASE WHEN i % 6 = 0 THEN NULL ELSE ARRAY[i % 10, NULL, i % 7] END,
       CASE WHEN i % 2 = 0 THEN '' WHEN i % 9 = 0 THEN NULL ELSE 'gift wrap, "fragile" ☃' END
  FROM generate_series(1, ${rows}) AS g(i);
ANALYZE shop.customers;
ANALYZE shop.orders;`;
}

export function demoConfigYaml(url: string, outputDir: string): string {
  return `# Written by \`rivet demo\`: a real PostgreSQL (embedded PGlite) exported with Rivet.
# The same file works against any server: replace \`url\` with \`url_env: DATABASE_URL\`.
source:
  type: postgres
  url: ${url}
  tuning:
    profile: fast

exports:
  # A table with a primary key: read as short keyset COPY pages inside one snapshot.
  - name: orders
    table: shop.orders
    format: parquet
    compression: zstd
    parallel: 1   # PGlite serves one transaction at a time
    destination:
      type: local
      path: ${outputDir}/orders/{date}

  - name: customers
    table: shop.customers
    format: parquet
    destination:
      type: local
      path: ${outputDir}/customers/{date}

  # An arbitrary query: read through a server-side cursor (DECLARE + FETCH n).
  # sum() of numeric(12,2) has no declared precision, so the override makes it exact.
  - name: daily_revenue
    query: >
      SELECT placed_at::date AS day, status::text AS status, count(*) AS orders, sum(amount) AS revenue
        FROM shop.orders GROUP BY 1, 2 ORDER BY 1, 2
    columns:
      revenue: decimal(18,2)
    format: csv
    destination:
      type: local
      path: ${outputDir}/daily_revenue
`;
}
