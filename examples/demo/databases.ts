/**
 * The demo's three source databases: `orders` (one table of about a million rows), `awkward` (every type the DMS
 * PostgreSQL → Parquet mapping has to get right: numerics with and without precision, booleans, dates and times,
 * text, uuid, json, bytea, arrays, enums, NULLs, unicode, a table without a primary key, a large text value) and
 * `settings` (small). Data is generated inside PostgreSQL (`generate_series`) so that a million rows load in
 * seconds, and is the same on every run for the same `rows`.
 */

export interface DemoDatabase {
  /** Database id in the migration request and the PostgreSQL database name. */
  readonly id: string;
  readonly describe: (rows: number) => string;
  /** DDL, run once in an empty database. */
  readonly schema: string;
  /** Statements that fill the tables; `rows` scales the largest table. */
  readonly seed: (rows: number) => readonly string[];
  /** Tables the migration selects, as `schema.table`. */
  readonly tables: readonly string[];
}

/** Default size of the demo's large table. */
export const DEFAULT_ROWS = 1_000_000;

/** Rows of the awkward-types table for a given `rows`: enough variety, never dominating the run. */
export const awkwardRows = (rows: number): number => Math.max(50, Math.min(5_000, Math.floor(rows / 200)));

/** Customers of the orders database for a given `rows`. */
export const customerRows = (rows: number): number => Math.max(10, Math.floor(rows / 100));

const orders: DemoDatabase = {
  id: 'orders',
  describe: (rows) =>
    `orders: order_lines with ${rows.toLocaleString('en-US')} rows, customers with ${customerRows(rows).toLocaleString('en-US')}`,
  schema: `
    CREATE TABLE customers (
      id integer PRIMARY KEY,
      name text NOT NULL,
      email varchar(120) NOT NULL,
      country char(2) NOT NULL,
      created_at timestamptz NOT NULL
    );
    CREATE TABLE order_lines (
      id bigserial PRIMARY KEY,
      customer_id integer NOT NULL REFERENCES customers (id),
      sku varchar(16) NOT NULL,
      quantity integer NOT NULL,
      unit_price numeric(10, 2) NOT NULL,
      status text NOT NULL,
      ordered_at timestamptz NOT NULL
    );`,
  seed: (rows) => [
    `INSERT INTO customers
     SELECT i, 'Customer ' || i, 'customer' || i || '@example.com',
            (ARRAY['DE', 'FR', 'US', 'JP', 'BR', 'IN'])[1 + i % 6],
            timestamptz '2020-01-01 00:00:00+00' + i * interval '17 minutes 3.25 seconds'
     FROM generate_series(1, ${customerRows(rows)}) AS i`,
    `INSERT INTO order_lines (customer_id, sku, quantity, unit_price, status, ordered_at)
     SELECT 1 + (i::bigint * 7919) % ${customerRows(rows)}, 'SKU-' || lpad((i % 5000)::text, 5, '0'), 1 + i % 9,
            ((i * 37) % 100000) / 100.0, (ARRAY['new', 'paid', 'shipped', 'returned'])[1 + i % 4],
            timestamptz '2024-01-01 00:00:00+00' + i * interval '2.5 seconds'
     FROM generate_series(1, ${rows}) AS i`,
    `SELECT setval('order_lines_id_seq', ${Math.max(1, rows)})`,
  ],
  tables: ['public.customers', 'public.order_lines'],
};

/** Text values that go wrong in naive pipelines: accents, CJK, emoji, quotes, backslashes, control characters. */
export const AWKWARD_TEXTS = [
  'Zoë',
  'naïve café',
  '日本語のテキスト',
  'emoji 🚀✨',
  'Ελληνικά',
  `quote ' and " and \\ backslash`,
  'tab\tand\nnewline',
  '',
  'NULL',
] as const;

const sqlLiteral = (text: string): string =>
  `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\t', '\\t').replaceAll('\n', '\\n')}'`;

const awkwardTextArray = `ARRAY[${AWKWARD_TEXTS.map(sqlLiteral).join(', ')}]`;

/** Size of the large text value, in characters (well under the default LobMaxSize of 6,400 KB). */
export const LARGE_TEXT_CHARACTERS = 256 * 1024;

const awkward: DemoDatabase = {
  id: 'awkward',
  describe: (rows) =>
    `awkward types: ${awkwardRows(rows).toLocaleString('en-US')} rows of every mapped type with NULLs and unicode, a table without a primary key, a ${LARGE_TEXT_CHARACTERS / 1024} KB text value`,
  schema: `
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'ecstatic ✨');
    CREATE TABLE everything (
      id integer PRIMARY KEY,
      small smallint,
      big bigint,
      price numeric(12, 2),
      ratio numeric,
      wide numeric(40, 10),
      real_value real,
      double_value double precision,
      flag boolean,
      born date,
      wakes time,
      seen timestamp,
      seen_tz timestamptz,
      label varchar(40),
      body text,
      code char(5),
      ref uuid,
      doc json,
      docb jsonb,
      payload bytea,
      tags text[],
      scores integer[],
      feeling mood
    );
    CREATE TYPE pair AS (a integer, b text);
    CREATE TABLE rarer (
      id integer PRIMARY KEY,
      amount money,
      span interval,
      addr inet,
      net cidr,
      mac macaddr,
      spot point,
      bits bit(8),
      vbits bit varying(16),
      during int4range,
      period tstzrange,
      markup xml,
      couple pair,
      note varchar,
      blob_ref oid,
      lsn pg_lsn
    );
    CREATE TABLE no_primary_key (label text, amount numeric(8, 3), noted_at timestamp);
    CREATE TABLE documents (id integer PRIMARY KEY, title text NOT NULL, content text NOT NULL);`,
  seed: (rows) => {
    const n = awkwardRows(rows);
    const texts = awkwardTextArray;
    const count = AWKWARD_TEXTS.length;
    // Column k is NULL on rows where i % 7 = k % 7, so every column has NULLs and no row is all NULL.
    const orNull = (k: number, value: string) => `CASE WHEN i % 7 = ${k % 7} THEN NULL ELSE ${value} END`;
    return [
      `INSERT INTO everything
       SELECT i,
         ${orNull(1, `(i % 65535 - 32767)::smallint`)},
         ${orNull(2, `(i::bigint * 2654435761) % 9007199254740993 * (CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END)`)},
         ${orNull(3, `((i * 7919) % 1000000000) / 100.0`)},
         ${orNull(4, `((i * 104729) % 100000000)::numeric / 7 * (CASE WHEN i % 3 = 0 THEN -1 ELSE 1 END)`)},
         ${orNull(5, `(i::numeric * 12345678901234567) / 1000`)},
         ${orNull(6, `(i * 0.1)::real`)},
         ${orNull(7, `(CASE WHEN i % 5 = 0 THEN 1e-7 * i WHEN i % 5 = 1 THEN 1e15 + i ELSE i / 3.0 END)::double precision`)},
         ${orNull(8, `i % 2 = 0`)},
         ${orNull(9, `date '1950-01-01' + (i * 13) % 40000`)},
         ${orNull(10, `time '00:00:00' + i * interval '1 second 123456 microseconds'`)},
         ${orNull(11, `timestamp '1969-12-31 23:00:00' + i * interval '1 hour 2.345678 seconds'`)},
         ${orNull(12, `timestamptz '2024-03-31 00:30:00+02' + i * interval '37 minutes 0.000999 seconds'`)},
         ${orNull(13, `(${texts})[1 + i % ${count}]`)},
         ${orNull(14, `repeat((${texts})[1 + (i + 3) % ${count}] || ' ', 1 + i % 20)`)},
         ${orNull(15, `lpad((i % 1000)::text, 3, '0')`)},
         ${orNull(16, `md5(i::text)::uuid`)},
         ${orNull(17, `json_build_object('id', i, 'name', (${texts})[1 + i % ${count}], 'nested', json_build_array(i, null, true))`)},
         ${orNull(18, `jsonb_build_object('id', i, 'tags', jsonb_build_array('a', i % 3), 'ratio', i / 8.0)`)},
         ${orNull(19, `decode(md5(i::text) || md5((i + 1)::text), 'hex')`)},
         ${orNull(20, `ARRAY[(${texts})[1 + i % ${count}], 'x,y', NULL]`)},
         ${orNull(21, `ARRAY[i, -i, i * 1000]`)},
         ${orNull(22, `(enum_range(NULL::mood))[1 + i % 4]`)}
       FROM generate_series(1, ${n}) AS i`,
      `INSERT INTO rarer
       SELECT i,
         ${orNull(1, `(i * 12.34)::numeric::money`)},
         ${orNull(2, `i * interval '1 day 2 hours 3.000456 seconds'`)},
         ${orNull(3, `('10.0.' || (i % 256) || '.' || (i % 200 + 1))::inet`)},
         ${orNull(4, `('192.168.' || (i % 256) || '.0/24')::cidr`)},
         ${orNull(5, `('08:00:2b:01:02:' || lpad(to_hex(i % 256), 2, '0'))::macaddr`)},
         ${orNull(6, `point(i / 3.0, -i)`)},
         ${orNull(7, `(i % 256)::bit(8)`)},
         ${orNull(8, `((i * 37) % 65536)::bit(16)::varbit`)},
         ${orNull(9, `int4range(i, i + 10)`)},
         ${orNull(10, `tstzrange(timestamptz '2025-01-01 00:00:00.123456+00' + i * interval '1 hour', NULL)`)},
         ${orNull(11, `xmlelement(name item, xmlattributes(i AS id), (${texts})[1 + i % ${count}])`)},
         ${orNull(12, `ROW(i, (${texts})[1 + i % ${count}])::pair`)},
         ${orNull(13, `repeat('v', i % 50)`)},
         ${orNull(14, `(i * 1000)::oid`)},
         ${orNull(15, `('0/' || to_hex(i * 4096))::pg_lsn`)}
       FROM generate_series(1, ${n}) AS i`,
      // Duplicate rows on purpose: the lake must keep both.
      `INSERT INTO no_primary_key
       SELECT (${texts})[1 + i % 5], (i % 5) / 8.0, timestamp '2025-01-01' + (i % 5) * interval '1 day'
       FROM generate_series(1, ${Math.max(20, Math.floor(n / 10))}) AS i`,
      `INSERT INTO documents VALUES
         (1, 'large', repeat('0123456789abcdef', ${LARGE_TEXT_CHARACTERS / 16})),
         (2, 'unicode', repeat('ü€😀', 1000)),
         (3, 'empty', '')`,
    ];
  },
  tables: ['public.everything', 'public.rarer', 'public.no_primary_key', 'public.documents'],
};

const settings: DemoDatabase = {
  id: 'settings',
  describe: () => 'settings: two small tables',
  schema: `
    CREATE TABLE feature_flags (name text PRIMARY KEY, enabled boolean NOT NULL, updated_at timestamptz NOT NULL);
    CREATE TABLE audit_log (id bigserial PRIMARY KEY, actor text NOT NULL, action text NOT NULL, at timestamptz NOT NULL);`,
  seed: () => [
    `INSERT INTO feature_flags
     SELECT 'flag_' || i, i % 3 = 0, timestamptz '2025-06-01 12:00:00+00' + i * interval '1 hour'
     FROM generate_series(1, 40) AS i`,
    `INSERT INTO audit_log (actor, action, at)
     SELECT 'user' || (i % 7), (ARRAY['login', 'toggle', 'logout'])[1 + i % 3],
            timestamptz '2025-06-01 12:00:00+00' + i * interval '5 minutes'
     FROM generate_series(1, 200) AS i`,
  ],
  tables: ['public.feature_flags', 'public.audit_log'],
};

export const DEMO_DATABASES: readonly DemoDatabase[] = [orders, awkward, settings];

export const demoDatabase = (id: string): DemoDatabase | undefined =>
  DEMO_DATABASES.find((database) => database.id === id);
