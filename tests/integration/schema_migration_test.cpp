// Issue 9: after a whole-database copy into tables sluice creates, the target is a
// database an application runs on — indexes, unique constraints, foreign keys with
// their actions, defaults, identity columns and checks — in each direction among
// MySQL/MariaDB, PostgreSQL and SQLite, against the real servers of scripts/test.sh.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "support/mysql_client.h"
#include "support/pg_client.h"
#include "support/process.h"
#include "support/servers.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;
using namespace std::chrono_literals;

namespace {

std::string sluice_cmd(const std::string& command, const std::string& pipeline) {
  return std::string(SLUICE_BINARY) + " " + command + " " + pipeline;
}

// The error a statement gets from PostgreSQL, or "" when it succeeds.
std::string pg_error(test::PgClient& pg, const std::string& sql) {
  pg.send(sql);
  return pg.finish();
}

std::string my_error(test::MyClient& my, const std::string& sql) {
  try {
    std::unique_ptr<::sql::Statement> st(my.conn->createStatement());
    st->execute(sql);
    return "";
  } catch (const ::sql::SQLException& e) {
    return e.what();
  }
}

// The error SQLite gives `sql` on a connection enforcing foreign keys, or "".
std::string sqlite_error(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
  char* err = nullptr;
  std::string out;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) out = err ? err : "error";
  sqlite3_free(err);
  sqlite3_close(db);
  return out;
}

std::string sqlite_indexes(const std::string& path) {
  return test::sqlite_scalar(path, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex%'");
}

std::string sqlite_foreign_keys(const std::string& path) {
  return test::sqlite_scalar(path, "SELECT count(DISTINCT m.name || '/' || f.id) FROM sqlite_schema m, pragma_foreign_key_list(m.name) f "
                                   "WHERE m.type = 'table'");
}

void create_mysql_shop(test::MyClient& my) {
  my.exec("DROP DATABASE IF EXISTS mig9_src");
  my.exec("CREATE DATABASE mig9_src CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
  my.exec(R"(CREATE TABLE mig9_src.customers (
      id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, email VARCHAR(120) NOT NULL,
      name VARCHAR(80) NOT NULL DEFAULT 'anonymous', country CHAR(2) DEFAULT 'NL',
      tags SET('new','vip','late') DEFAULT 'new', born YEAR, score FLOAT DEFAULT 0.5,
      active TINYINT(1) NOT NULL DEFAULT 1, created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
      updated_at DATETIME DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, home POINT,
      UNIQUE KEY uq_email (email), KEY idx_country_name (country, name),
      CONSTRAINT chk_score CHECK (score >= 0)) ENGINE=InnoDB)");
  my.exec(R"(CREATE TABLE mig9_src.orders (
      id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, customer_id INT NOT NULL,
      total DECIMAL(10,2) NOT NULL DEFAULT 0.00, status VARCHAR(10) NOT NULL DEFAULT 'open', KEY idx_status (status),
      CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE) ENGINE=InnoDB)");
  my.exec(R"(CREATE TABLE mig9_src.order_lines (
      order_id BIGINT NOT NULL, line INT NOT NULL, qty INT NOT NULL DEFAULT 1, note TEXT, PRIMARY KEY (order_id, line),
      FULLTEXT KEY ft_note (note),
      CONSTRAINT fk_lines_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE) ENGINE=InnoDB)");
  my.exec("CREATE PROCEDURE mig9_src.touch() SELECT 1");
  my.exec("CREATE TRIGGER mig9_src.trg_orders BEFORE INSERT ON mig9_src.orders FOR EACH ROW SET NEW.status = LOWER(NEW.status)");
  my.exec("INSERT INTO mig9_src.customers (email, name, country, tags, born, score, home) VALUES "
          "('a@x', 'Ann', 'NL', 'vip,late', 1990, 1/3, POINT(1,2)), ('b@x', 'Bob', 'DE', '', 2001, 1.5, NULL)");
  my.exec("INSERT INTO mig9_src.orders (customer_id, total, status) VALUES (1, 150.00, 'open'), (2, 20.50, 'paid')");
  my.exec("INSERT INTO mig9_src.order_lines VALUES (1, 1, 2, 'first'), (1, 2, 1, NULL), (2, 1, 5, 'x')");
}

void create_pg_shop(test::PgClient& pg) {
  pg.exec("DROP SCHEMA IF EXISTS shop9 CASCADE");
  pg.exec("CREATE SCHEMA shop9");
  pg.exec("CREATE DOMAIN shop9.positive_int AS integer CHECK (VALUE > 0)");
  pg.exec("CREATE TABLE shop9.authors (id serial PRIMARY KEY, name text NOT NULL, email varchar(100) UNIQUE, "
          "created timestamptz NOT NULL DEFAULT now(), token uuid DEFAULT gen_random_uuid())");
  pg.exec("CREATE TABLE shop9.books (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
          "author_id integer NOT NULL REFERENCES shop9.authors(id) ON DELETE CASCADE, title varchar(200) NOT NULL, "
          "pages shop9.positive_int, tags text[], price numeric(8,2) DEFAULT 9.99 CHECK (price >= 0), published date DEFAULT CURRENT_DATE)");
  pg.exec("CREATE INDEX books_title_idx ON shop9.books (title)");
  pg.exec("CREATE INDEX books_lower_title ON shop9.books (lower(title))");
  pg.exec("CREATE UNIQUE INDEX books_author_title ON shop9.books (author_id, title)");
  pg.exec("CREATE TABLE shop9.events (id bigint NOT NULL, at date NOT NULL, what text DEFAULT 'x', PRIMARY KEY (id, at)) PARTITION BY RANGE (at)");
  pg.exec("CREATE TABLE shop9.events_2025 PARTITION OF shop9.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
  pg.exec("CREATE TABLE shop9.events_2026 PARTITION OF shop9.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");
  pg.exec("CREATE INDEX events_what ON shop9.events (what)");
  pg.exec("CREATE FUNCTION shop9.book_count() RETURNS bigint LANGUAGE sql AS 'SELECT count(*) FROM shop9.books'");
  pg.exec("CREATE VIEW shop9.recent_books AS SELECT * FROM shop9.books WHERE published > '2020-01-01'");
  pg.exec("INSERT INTO shop9.authors (name, email) VALUES ('Ann', 'ann@x'), ('Bob', NULL)");
  pg.exec("INSERT INTO shop9.books (author_id, title, pages, tags, price) VALUES (1, 'One', 100, '{a,b}', 10), (1, 'Two', 200, NULL, 0), "
          "(2, 'Three', NULL, '{}', 5.5)");
  pg.exec("INSERT INTO shop9.events VALUES (1, '2025-05-01', 'a'), (2, '2026-02-02', 'b')");
}

}  // namespace

TEST(SchemaMigration, MySqlSchemaBecomesAUsablePostgresAndSqliteDatabase) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::MyClient my(my_url);
  test::PgClient pg(pg_url);
  create_mysql_shop(my);
  pg.exec("DROP SCHEMA IF EXISTS mig9 CASCADE");
  pg.forget_pipeline("mig9");
  test::TempDir dir;
  const std::string src = my_url.substr(0, my_url.rfind('/')) + "/mig9_src";
  test::write_file(dir.file("p.yaml"), "version: 1\nname: mig9\nconnections:\n  my: {url: \"" + src + "\"}\n  pg: {url: \"" + pg_url +
                                           "\"}\n  lite: {url: sqlite:shop.db}\nsteps:\n"
                                           "  - {name: to_pg, extract: {from: my, tables: {include: [\"*\"]}}, load: {to: pg, schema: mig9}}\n"
                                           "  - {name: to_lite, extract: {from: my, tables: {include: [\"*\"]}}, load: {to: lite}}\n");
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("plan", dir.file("p.yaml")), &out), 0) << out;
  for (const char* expected : {"CREATE UNIQUE INDEX \"uq_email\" ON \"mig9\".\"customers\" (\"email\");   -- after the load",
                               "FOREIGN KEY (\"customer_id\") REFERENCES \"mig9\".\"customers\" (\"id\") ON DELETE CASCADE",
                               "\"id\" integer NOT NULL GENERATED BY DEFAULT AS IDENTITY", "DEFAULT 'anonymous'",
                               "SELECT setval(s, m) FROM (SELECT pg_get_serial_sequence('\"mig9\".\"customers\"', 'id') AS s",
                               "not migrated: full-text index ft_note", "not migrated: trigger trg_orders",
                               "not migrated: ON UPDATE CURRENT_TIMESTAMP of column updated_at", "[LOSSY: SET as comma-separated text]",
                               "[LOSSY: YEAR as an integer]", "not migrated: procedure touch (of the schema; not migrated)"})
    EXPECT_NE(out.find(expected), std::string::npos) << expected << "\n" << out;
  ASSERT_EQ(test::run_command(sluice_cmd("run", dir.file("p.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("to_pg/order_lines: 1 index(es) and foreign key(s) built, 1 source object(s) not migrated"), std::string::npos) << out;
  ASSERT_EQ(test::run_command(sluice_cmd("verify", dir.file("p.yaml")), &out), 0) << out;

  // As many secondary indexes and foreign keys as the source, less the full-text index.
  const std::string source_indexes =
      my.scalar("SELECT COUNT(DISTINCT TABLE_NAME, INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'mig9_src' "
                "AND INDEX_NAME <> 'PRIMARY' AND INDEX_TYPE <> 'FULLTEXT'");
  const std::string source_fks = my.scalar("SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'mig9_src'");
  EXPECT_EQ(source_indexes, "4");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = 'mig9' AND indexname NOT LIKE '%_pkey'"), source_indexes);
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'mig9' "
                      "AND c.contype = 'f'"), source_fks);
  const std::string lite = dir.file("shop.db");
  EXPECT_EQ(sqlite_indexes(lite), source_indexes);
  EXPECT_EQ(sqlite_foreign_keys(lite), source_fks);

  // PostgreSQL: fresh ids, defaults, and the constraints enforced.
  EXPECT_EQ(pg.scalar("INSERT INTO mig9.customers (email) VALUES ('new@x') RETURNING id::text || name || country || active::text"),
            "3anonymousNLtrue");
  EXPECT_EQ(pg.scalar("INSERT INTO mig9.orders (customer_id) VALUES (3) RETURNING id::text || status || total::text"), "3open0.00");
  EXPECT_NE(pg_error(pg, "INSERT INTO mig9.orders (customer_id) VALUES (999)").find("foreign key"), std::string::npos);
  EXPECT_NE(pg_error(pg, "INSERT INTO mig9.customers (email) VALUES ('a@x')").find("uq_email"), std::string::npos);
  EXPECT_NE(pg_error(pg, "INSERT INTO mig9.customers (email, score) VALUES ('neg@x', -1)").find("chk_score"), std::string::npos);
  pg.exec("DELETE FROM mig9.customers WHERE id = 1");  // ON DELETE CASCADE, two levels
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM mig9.order_lines"), "1");

  // SQLite: the same, with foreign keys enforced as an application turns them on.
  EXPECT_EQ(sqlite_error(lite, "INSERT INTO customers (email) VALUES ('new@x')"), "");
  EXPECT_EQ(test::sqlite_scalar(lite, "SELECT id || name || country FROM customers WHERE email = 'new@x'"), "3anonymousNL");
  EXPECT_NE(sqlite_error(lite, "INSERT INTO orders (customer_id) VALUES (999)").find("FOREIGN KEY"), std::string::npos);
  EXPECT_NE(sqlite_error(lite, "INSERT INTO customers (email) VALUES ('a@x')").find("UNIQUE"), std::string::npos);
  EXPECT_NE(sqlite_error(lite, "INSERT INTO customers (email, score) VALUES ('neg@x', -1)").find("CHECK"), std::string::npos);

  // A rerun builds nothing again (the tables exist, their objects too).
  ASSERT_EQ(test::run_command(sluice_cmd("run", dir.file("p.yaml")), &out), 0) << out;
  EXPECT_EQ(out.find("created index"), std::string::npos) << out;
  my.exec("DROP DATABASE mig9_src");
  pg.exec("DROP SCHEMA mig9 CASCADE");
}

TEST(SchemaMigration, PostgresSchemaBecomesAUsableMySqlAndSqliteDatabase) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::MyClient my(my_url);
  test::PgClient pg(pg_url);
  create_pg_shop(pg);
  my.exec("DROP DATABASE IF EXISTS mig9_dst");
  my.exec("CREATE DATABASE mig9_dst");
  test::TempDir dir;
  const std::string dst = my_url.substr(0, my_url.rfind('/')) + "/mig9_dst";
  test::write_file(dir.file("p.yaml"), "version: 1\nname: mig9pg\nconnections:\n  pg: {url: \"" + pg_url + "\"}\n  my: {url: \"" + dst +
                                           "\"}\n  lite: {url: sqlite:shop.db}\nsteps:\n"
                                           "  - {name: to_my, extract: {from: pg, schema: shop9, tables: {include: [\"*\"]}}, load: {to: my}}\n"
                                           "  - {name: to_lite, extract: {from: pg, schema: shop9, tables: {include: [\"*\"]}}, load: {to: lite}}\n");
  pg.forget_pipeline("mig9pg");
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("plan", dir.file("p.yaml")), &out), 0) << out;
  for (const char* expected : {"not migrated: index books_lower_title (an expression or partial index)", "not migrated: view shop9.recent_books",
                               "[LOSSY: domain as its base type", "[LOSSY: array as its text form]", "`id` bigint NOT NULL AUTO_INCREMENT",
                               "not migrated: default of column token (a generated value)",
                               "not migrated: function book_count (of the schema; not migrated)"})
    EXPECT_NE(out.find(expected), std::string::npos) << expected << "\n" << out;
  EXPECT_EQ(out.find("events_2025"), std::string::npos) << out;
  ASSERT_EQ(test::run_command(sluice_cmd("run", dir.file("p.yaml")), &out), 0) << out;
  ASSERT_EQ(test::run_command(sluice_cmd("verify", dir.file("p.yaml")), &out), 0) << out;

  const std::string source_indexes =
      pg.scalar("SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'shop9' AND NOT i.indisprimary AND i.indexprs IS NULL AND NOT c.relispartition");
  EXPECT_EQ(source_indexes, "4");
  EXPECT_EQ(my.scalar("SELECT COUNT(DISTINCT TABLE_NAME, INDEX_NAME) FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'mig9_dst' "
                      "AND INDEX_NAME <> 'PRIMARY' AND TABLE_NAME NOT LIKE 'sluice%'"), source_indexes);
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = 'mig9_dst'"), "1");
  const std::string lite = dir.file("shop.db");
  EXPECT_EQ(sqlite_indexes(lite), source_indexes);
  EXPECT_EQ(sqlite_foreign_keys(lite), "1");

  // Partitioned rows once, under the parent's name only.
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM mig9_dst.events"), "2");
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mig9_dst' AND TABLE_NAME LIKE 'events_%'"), "0");
  EXPECT_EQ(test::sqlite_scalar(lite, "SELECT count(*) FROM events"), "2");

  // MySQL: fresh ids, defaults, constraints.
  my.exec("INSERT INTO mig9_dst.authors (name) VALUES ('Cy')");
  EXPECT_EQ(my.scalar("SELECT CONCAT(id, '/', token IS NOT NULL, '/', created IS NOT NULL) FROM mig9_dst.authors WHERE name = 'Cy'"), "3/1/1");
  my.exec("INSERT INTO mig9_dst.books (author_id, title) VALUES (3, 'Four')");
  EXPECT_EQ(my.scalar("SELECT CONCAT(id, '/', price, '/', published = CURRENT_DATE) FROM mig9_dst.books WHERE title = 'Four'"), "4/9.99/1");
  EXPECT_NE(my_error(my, "INSERT INTO mig9_dst.books (author_id, title) VALUES (999, 'x')").find("foreign key"), std::string::npos);
  EXPECT_NE(my_error(my, "INSERT INTO mig9_dst.books (author_id, title) VALUES (1, 'One')").find("Duplicate"), std::string::npos);
  EXPECT_NE(my_error(my, "INSERT INTO mig9_dst.books (author_id, title, price) VALUES (1, 'Neg', -1)").find("books_price_check"),
            std::string::npos);

  // SQLite.
  EXPECT_EQ(sqlite_error(lite, "INSERT INTO books (author_id, title) VALUES (2, 'Four')"), "");
  EXPECT_EQ(test::sqlite_scalar(lite, "SELECT id || '/' || price FROM books WHERE title = 'Four'"), "4/9.99");
  EXPECT_NE(sqlite_error(lite, "INSERT INTO books (author_id, title) VALUES (999, 'x')").find("FOREIGN KEY"), std::string::npos);
  EXPECT_NE(sqlite_error(lite, "INSERT INTO books (author_id, title) VALUES (1, 'One')").find("UNIQUE"), std::string::npos);
  my.exec("DROP DATABASE mig9_dst");
  pg.exec("DROP SCHEMA shop9 CASCADE");
}

// A kill -9 while the indexes are being built, then a rerun: every index exists,
// and each was created exactly once over the two runs.
TEST(SchemaMigration, KillDuringIndexBuildThenRerunBuildsTheRestOnce) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  test::TempDir dir;
  const std::string lite = dir.file("src.db");
  sqlite3* db = nullptr;
  sqlite3_open(lite.c_str(), &db);
  sqlite3_exec(db,
               "CREATE TABLE wide (id INTEGER PRIMARY KEY, a INT, b INT, c TEXT, d TEXT, e INT);"
               "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) "
               "INSERT INTO wide SELECT i, i % 977, i % 13, hex(randomblob(8)), 'v' || (i % 5000), -i FROM n;"
               "CREATE INDEX wide_a ON wide (a); CREATE INDEX wide_b ON wide (b); CREATE INDEX wide_c ON wide (c);"
               "CREATE INDEX wide_d ON wide (d); CREATE INDEX wide_e ON wide (e); CREATE INDEX wide_ab ON wide (a, b);",
               nullptr, nullptr, nullptr);
  sqlite3_close(db);
  pg.exec("DROP SCHEMA IF EXISTS kill9 CASCADE");
  pg.forget_pipeline("kill9");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: kill9\nconnections:\n  lite: {url: \"sqlite:" + lite + "\"}\n  pg: {url: \"" +
                                           pg_url + "\"}\nsteps:\n  - {name: all, extract: {from: lite, tables: {include: [\"*\"]}}, "
                                                    "load: {to: pg, schema: kill9}}\n");
  const std::string first_log = dir.file("first.log"), second_log = dir.file("second.log");
  {
    test::Child run({SLUICE_BINARY, "run", dir.file("p.yaml")}, first_log);
    const auto deadline = std::chrono::steady_clock::now() + 120s;
    int code = -1;
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline && !(exited = run.exited(&code)) &&
           test::read_file(first_log).find("created index") == std::string::npos)
      std::this_thread::sleep_for(1ms);
    ASSERT_FALSE(exited) << "finished before it could be killed: " << test::read_file(first_log);
    run.signal(SIGKILL);
    EXPECT_EQ(run.wait(), 128 + SIGKILL);
  }
  // The server finishes a statement whose client was killed: wait for it, so that what
  // the first run built is known.
  for (int i = 0; i < 600 && pg.scalar("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'CREATE%INDEX%kill9%' "
                                       "AND state = 'active' AND pid <> pg_backend_pid()") != "0"; ++i)
    std::this_thread::sleep_for(50ms);
  const int built_before = std::stoi(pg.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = 'kill9' AND indexname <> 'wide_pkey'"));
  EXPECT_LT(built_before, 6) << "every index was built before the kill";
  int code = -1;
  for (int attempt = 0; attempt < 20; ++attempt) {  // the killed session's lock may linger a moment
    test::Child rerun({SLUICE_BINARY, "run", dir.file("p.yaml")}, second_log);
    if ((code = rerun.wait()) != 75) break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(code, 0) << test::read_file(second_log);
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = 'kill9' AND indexname <> 'wide_pkey'"), "6");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM kill9.wide"), "300000");
  const std::string second = test::read_file(second_log);
  int created_again = 0;
  for (std::size_t at = 0; (at = second.find("created index", at)) != std::string::npos; ++at) ++created_again;
  EXPECT_EQ(built_before + created_again, 6) << second;
  EXPECT_EQ(pg.scalar("SELECT completed::text FROM sluice_state WHERE pipeline = 'kill9' AND step = 'all@objects'"), "true");
  pg.exec("DROP SCHEMA kill9 CASCADE");
  pg.forget_pipeline("kill9");
}

// Issue 9, item 3: every column type of the PostgreSQL documentation's list is read
// without error, each as its exact value or its text form, into MySQL, SQLite and
// PostgreSQL itself, and verify finds the copies equal.
TEST(SchemaMigration, EveryPostgresColumnTypeIsRead) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  test::MyClient my(my_url);
  pg.exec("DROP SCHEMA IF EXISTS alltypes9 CASCADE");
  pg.exec("DROP SCHEMA IF EXISTS alltypes9_copy CASCADE");
  pg.exec("CREATE SCHEMA alltypes9");
  pg.exec(R"sql(CREATE TYPE alltypes9.mood AS ENUM ('sad', 'ok'))sql");
  pg.exec(R"sql(CREATE TYPE alltypes9.pair AS (a int, b text))sql");
  pg.exec(R"sql(CREATE DOMAIN alltypes9.short_text AS varchar(10) CHECK (VALUE <> ''))sql");
  pg.exec(R"sql(CREATE TABLE alltypes9.t (id int PRIMARY KEY,
 c_smallint smallint, c_int integer, c_bigint bigint, c_numeric numeric(10,3), c_numeric_free numeric, c_real real, c_double double precision,
 c_smallserial smallserial, c_serial serial, c_bigserial bigserial, c_money money,
 c_char char(3), c_varchar varchar(20), c_text text, c_bytea bytea,
 c_timestamp timestamp, c_timestamptz timestamptz, c_date date, c_time time, c_timetz timetz, c_interval interval,
 c_bool boolean, c_enum alltypes9.mood,
 c_point point, c_line line, c_lseg lseg, c_box box, c_path path, c_polygon polygon, c_circle circle,
 c_cidr cidr, c_inet inet, c_macaddr macaddr, c_macaddr8 macaddr8,
 c_bit bit(3), c_varbit bit varying(8), c_tsvector tsvector, c_tsquery tsquery, c_uuid uuid, c_xml xml, c_json json, c_jsonb jsonb,
 c_int4range int4range, c_int8range int8range, c_numrange numrange, c_tsrange tsrange, c_tstzrange tstzrange, c_daterange daterange,
 c_multirange int4multirange, c_int_array int[], c_text_matrix text[][], c_composite alltypes9.pair, c_domain alltypes9.short_text, c_oid oid, c_pg_lsn pg_lsn))sql");
  pg.exec(R"sql(INSERT INTO alltypes9.t VALUES (1, -32768, 2147483647, -9223372036854775808, 1234567.891, 3.14159265358979323846, 1.5, -2.25e300,
 1, 1, 1, '12.34', 'ab', 'héllo', 'text with ''quotes''', '\x00ff',
 '2024-02-29 12:34:56.789', '2024-02-29 12:34:56.789+02', '2024-02-29', '23:59:59.999999', '10:00+05', '1 year 2 mons 3 days 04:05:06',
 true, 'ok', '(1,2)', '{1,-1,0}', '[(0,0),(1,1)]', '(1,1),(0,0)', '[(0,0),(1,1),(2,0)]', '((0,0),(1,1),(1,0))', '<(0,0),2>',
 '10.0.0.0/8', '192.168.1.5/24', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05',
 B'101', B'1101', 'a fat cat', 'fat & cat', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '<a>x</a>', '{"k": [1, 2]}', '{"k": [1, 2]}',
 '[1,5)', '[1,10)', '(1.5,2.5]', '[2024-01-01,2024-02-01)', '[2024-01-01 00:00+00,2024-02-01 00:00+00)', '[2024-01-01,2024-02-01)',
 '{[1,3), [5,7)}', '{1,2,NULL}', '{{a,b},{c,d}}', '(1,"x y")', 'short', 42, '16/B374D848'))sql");
  pg.exec(R"sql(INSERT INTO alltypes9.t (id) VALUES (2))sql");
  my.exec("DROP DATABASE IF EXISTS alltypes9_dst");
  my.exec("CREATE DATABASE alltypes9_dst");
  pg.forget_pipeline("types9pg");
  test::TempDir dir;
  const std::string dst = my_url.substr(0, my_url.rfind('/')) + "/alltypes9_dst";
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: types9pg\nconnections:\n  pg: {url: \"" + pg_url + "\"}\n  my: {url: \"" + dst +
                       "\"}\n  lite: {url: sqlite:t.db}\nsteps:\n"
                       "  - {name: to_my, extract: {from: pg, schema: alltypes9, tables: {include: [\"*\"]}}, load: {to: my}}\n"
                       "  - {name: to_lite, extract: {from: pg, schema: alltypes9, tables: {include: [\"*\"]}}, load: {to: lite}}\n"
                       "  - {name: to_pg, extract: {from: pg, schema: alltypes9, tables: {include: [\"*\"]}}, load: {to: pg, schema: alltypes9_copy}}\n");
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("plan", dir.file("p.yaml")), &out), 0) << out;
  for (const char* flag : {"c_interval: interval -> longtext   [LOSSY: interval as text]", "[LOSSY: range as its text form]",
                           "[LOSSY: text search value as text]", "[LOSSY: array as its text form]", "[LOSSY: inet as text]"})
    EXPECT_NE(out.find(flag), std::string::npos) << flag << "\n" << out;
  ASSERT_EQ(test::run_command(sluice_cmd("run", dir.file("p.yaml")), &out), 0) << out;
  ASSERT_EQ(test::run_command(sluice_cmd("verify", dir.file("p.yaml")), &out), 0) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("t.db"), "SELECT c_interval || ' ' || c_int_array || ' ' || c_composite || ' ' || c_multirange || ' ' || "
                                                  "c_domain || ' ' || c_numeric_free FROM t WHERE id = 1"),
            "P1Y2M3DT4H5M6S {1,2,NULL} (1,\"x y\") {[1,3),[5,7)} short 3.14159265358979323846");
  EXPECT_EQ(my.scalar("SELECT CONCAT(c_inet, ' ', c_tsvector, ' ', HEX(c_bytea)) FROM alltypes9_dst.t WHERE id = 1"),
            "192.168.1.5/24 'a' 'cat' 'fat' 00FF");
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM alltypes9_dst.t WHERE id = 2 AND c_xml IS NULL AND c_point IS NULL"), "1");
  pg.exec("DROP SCHEMA alltypes9 CASCADE");
  pg.exec("DROP SCHEMA alltypes9_copy CASCADE");
  my.exec("DROP DATABASE alltypes9_dst");
}

// Issue 9, item 3, MySQL/MariaDB's list: BIT(n) as its bits (BIT(1) as a boolean),
// SET, YEAR, every spatial type as WKT, MariaDB's uuid/inet4/inet6, the widest decimal.
TEST(SchemaMigration, EveryMySqlColumnTypeIsRead) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  test::MyClient my(my_url);
  my.exec("DROP DATABASE IF EXISTS alltypes9");
  my.exec("CREATE DATABASE alltypes9 CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
  my.exec(R"sql(CREATE TABLE alltypes9.t (id int PRIMARY KEY,
 c_tinyint tinyint, c_utinyint tinyint unsigned, c_smallint smallint, c_mediumint mediumint, c_int int, c_bigint bigint, c_ubigint bigint unsigned,
 c_decimal decimal(65,30), c_float float, c_double double, c_bit1 bit(1), c_bit5 bit(5), c_bit64 bit(64), c_bool boolean,
 c_date date, c_datetime datetime(6), c_timestamp timestamp(3) NULL, c_time time(2), c_year year,
 c_char char(4), c_varchar varchar(300), c_binary binary(3), c_varbinary varbinary(10),
 c_tinyblob tinyblob, c_blob blob, c_mediumblob mediumblob, c_longblob longblob,
 c_tinytext tinytext, c_text text, c_mediumtext mediumtext, c_longtext longtext,
 c_enum enum('a','b'), c_set set('x','y','z'), c_json json,
 c_geometry geometry, c_point point, c_linestring linestring, c_polygon polygon, c_multipoint multipoint,
 c_multilinestring multilinestring, c_multipolygon multipolygon, c_geomcollection geometrycollection,
 c_uuid uuid, c_inet4 inet4, c_inet6 inet6))sql");
  my.exec(R"sql(INSERT INTO alltypes9.t VALUES (1, -128, 255, -32768, -8388608, -2147483648, -9223372036854775808, 18446744073709551615,
 '12345678901234567890.123456789012345678901234567890', 1/3, -1.5e300, b'1', b'10101', b'1111111111111111111111111111111111111111111111111111111111111111', true,
 '2024-02-29', '2024-02-29 12:34:56.123456', '2024-02-29 12:34:56.789', '12:34:56.78', 2155,
 'ab', 'héllo', x'000102', x'ff', x'01', x'0203', x'04', x'05', 'tiny', 'text', 'medium', 'long',
 'b', 'x,z', '{"k": [1, 2]}',
 ST_GeomFromText('POINT(1 1)'), POINT(1, 2), ST_GeomFromText('LINESTRING(0 0,1 1)'), ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))'),
 ST_GeomFromText('MULTIPOINT(0 0,1 1)'), ST_GeomFromText('MULTILINESTRING((0 0,1 1))'), ST_GeomFromText('MULTIPOLYGON(((0 0,1 0,1 1,0 0)))'),
 ST_GeomFromText('GEOMETRYCOLLECTION(POINT(1 1))'), 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '10.0.0.1', '::1'))sql");
  my.exec(R"sql(INSERT INTO alltypes9.t (id) VALUES (2))sql");
  my.exec("INSERT INTO alltypes9.t (id, c_bit1, c_bit5) VALUES (3, b'0', b'00001')");
  pg.exec("DROP SCHEMA IF EXISTS alltypes9_my CASCADE");
  pg.forget_pipeline("types9my");
  test::TempDir dir;
  const std::string src = my_url.substr(0, my_url.rfind('/')) + "/alltypes9";
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: types9my\nconnections:\n  my: {url: \"" + src + "\"}\n  pg: {url: \"" + pg_url +
                       "\"}\n  lite: {url: sqlite:t.db}\nsteps:\n"
                       "  - {name: to_pg, extract: {from: my, tables: {include: [\"*\"]}}, load: {to: pg, schema: alltypes9_my}}\n"
                       "  - {name: to_lite, extract: {from: my, tables: {include: [\"*\"]}}, load: {to: lite}}\n");
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("plan", dir.file("p.yaml")), &out), 0) << out;
  for (const char* flag : {"c_set: set('x','y','z') -> text   [LOSSY: SET as comma-separated text]", "c_year: year(4) -> smallint   [LOSSY: YEAR",
                           "c_bit5: bit(5) -> bytea   [LOSSY: BIT(n) as bytes]", "c_multipolygon: multipolygon -> text   [LOSSY: spatial"})
    EXPECT_NE(out.find(flag), std::string::npos) << flag << "\n" << out;
  ASSERT_EQ(test::run_command(sluice_cmd("run", dir.file("p.yaml")), &out), 0) << out;
  ASSERT_EQ(test::run_command(sluice_cmd("verify", dir.file("p.yaml")), &out), 0) << out;
  // b'0' is false (the connector's text "0" is not a zero byte), BIT(5) b'10101' the byte 0x15.
  EXPECT_EQ(pg.scalar("SELECT string_agg(id || ':' || coalesce(c_bit1::text, '-') || ':' || coalesce(encode(c_bit5, 'hex'), '-'), ' ' ORDER BY id) "
                      "FROM alltypes9_my.t"), "1:true:15 2:-:- 3:false:01");
  EXPECT_EQ(pg.scalar("SELECT encode(c_bit64, 'hex') FROM alltypes9_my.t WHERE id = 1"), "ffffffffffffffff");
  EXPECT_EQ(pg.scalar("SELECT c_set || ' ' || c_year || ' ' || c_geomcollection || ' ' || c_inet6 || ' ' || c_decimal FROM alltypes9_my.t WHERE id = 1"),
            "x,z 2155 GEOMETRYCOLLECTION(POINT(1 1)) ::1 12345678901234567890.123456789012345678901234567890");
  EXPECT_EQ(test::sqlite_scalar(dir.file("t.db"), "SELECT hex(c_bit5) || ' ' || c_bit1 || ' ' || (c_float = 0.3333333432674408) FROM t WHERE id = 1"),
            "15 1 1");
  my.exec("DROP DATABASE alltypes9");
  pg.exec("DROP SCHEMA alltypes9_my CASCADE");
}

// Issue 9, item 4: a partitioned table is copied once, as a plain table by default
// (plan says so), or partitioned the same way with load partitions: keep.
TEST(SchemaMigration, PartitionedTablesArePlainOrKeptPartitioned) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  pg.exec("DROP SCHEMA IF EXISTS parts9 CASCADE");
  pg.exec("DROP SCHEMA IF EXISTS parts9_plain CASCADE");
  pg.exec("DROP SCHEMA IF EXISTS parts9_kept CASCADE");
  pg.exec("CREATE SCHEMA parts9");
  pg.exec("CREATE TABLE parts9.events (id bigint NOT NULL, at date NOT NULL, what text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)");
  pg.exec("CREATE TABLE parts9.events_2025 PARTITION OF parts9.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
  pg.exec("CREATE TABLE parts9.events_rest PARTITION OF parts9.events DEFAULT");
  pg.exec("CREATE INDEX events_what ON parts9.events (what)");
  pg.exec("INSERT INTO parts9.events VALUES (1, '2025-05-01', 'a'), (2, '2026-02-02', 'b'), (3, '2025-12-31', 'c')");
  pg.forget_pipeline("parts9");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), "version: 1\nname: parts9\nconnections:\n  pg: {url: \"" + pg_url + "\"}\nsteps:\n"
                                           "  - {name: plain, extract: {from: pg, schema: parts9, tables: {include: [\"*\"]}}, "
                                           "load: {to: pg, schema: parts9_plain}}\n"
                                           "  - {name: kept, extract: {from: pg, schema: parts9, tables: {include: [\"*\"]}}, "
                                           "load: {to: pg, schema: parts9_kept, partitions: keep}}\n");
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("plan", dir.file("p.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("not migrated: partitioning (RANGE (at), 2 partitions: loaded as one plain table"), std::string::npos) << out;
  EXPECT_NE(out.find("PRIMARY KEY (\"id\", \"at\")) PARTITION BY RANGE (at);"), std::string::npos) << out;
  EXPECT_NE(out.find("CREATE TABLE \"parts9_kept\".\"events_rest\" PARTITION OF \"parts9_kept\".\"events\" DEFAULT;"), std::string::npos) << out;
  ASSERT_EQ(test::run_command(sluice_cmd("run", dir.file("p.yaml")), &out), 0) << out;
  ASSERT_EQ(test::run_command(sluice_cmd("verify", dir.file("p.yaml")), &out), 0) << out;
  EXPECT_EQ(pg.scalar("SELECT relkind::text FROM pg_class WHERE oid = 'parts9_plain.events'::regclass"), "r");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM parts9_plain.events"), "3");
  EXPECT_EQ(pg.scalar("SELECT relkind::text FROM pg_class WHERE oid = 'parts9_kept.events'::regclass"), "p");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM parts9_kept.events"), "3");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM parts9_kept.events_2025"), "2");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM parts9_kept.events_rest"), "1");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = 'parts9_kept' AND tablename = 'events' AND indexname = 'events_what'"), "1");
  pg.exec("DROP SCHEMA parts9 CASCADE");
  pg.exec("DROP SCHEMA parts9_plain CASCADE");
  pg.exec("DROP SCHEMA parts9_kept CASCADE");
}

// Issue 9, item 5: a replace keeps the replaced table's own foreign keys (PostgreSQL: the
// staging copy gets them; CREATE TABLE ... LIKE copies none), run twice; MySQL, whose
// foreign key names are per database, refuses it before writing, naming them.
TEST(SchemaMigration, ReplaceKeepsTheTablesOwnForeignKeys) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  test::MyClient my(my_url);
  pg.exec("DROP SCHEMA IF EXISTS rfk9 CASCADE");
  pg.exec("CREATE SCHEMA rfk9");
  pg.exec("CREATE TABLE rfk9.parent (id int PRIMARY KEY)");
  pg.exec("CREATE TABLE rfk9.child (id int PRIMARY KEY, parent_id int REFERENCES rfk9.parent (id) ON DELETE CASCADE, "
          "boss int REFERENCES rfk9.child (id))");
  pg.exec("INSERT INTO rfk9.parent VALUES (1), (2)");
  pg.exec("INSERT INTO rfk9.child VALUES (1, 1, NULL), (2, 2, 1)");
  pg.exec("CREATE TABLE rfk9.child_src AS SELECT * FROM rfk9.child");
  pg.exec("ALTER TABLE rfk9.child_src ADD PRIMARY KEY (id)");
  my.exec("DROP TABLE IF EXISTS rfk9_child, rfk9_parent");
  my.exec("CREATE TABLE rfk9_parent (id int PRIMARY KEY)");
  my.exec("CREATE TABLE rfk9_child (id int PRIMARY KEY, parent_id int, CONSTRAINT rfk9_fk FOREIGN KEY (parent_id) REFERENCES rfk9_parent (id))");
  pg.forget_pipeline("rfk9");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), "version: 1\nname: rfk9\nconnections:\n  pg: {url: \"" + pg_url + "\"}\nsteps:\n"
                                           "  - {name: child, extract: {from: pg, table: rfk9.child_src}, load: {to: pg, table: rfk9.child, mode: replace}}\n");
  std::string out;
  for (int run = 0; run < 2; ++run) ASSERT_EQ(test::run_command(sluice_cmd("run", dir.file("p.yaml")), &out), 0) << out;
  EXPECT_EQ(pg.scalar("SELECT string_agg(conname || '->' || confrelid::regclass::text, ' ' ORDER BY conname) FROM pg_constraint "
                      "WHERE conrelid = 'rfk9.child'::regclass AND contype = 'f'"),
            "child_boss_fkey->rfk9.child child_parent_id_fkey->rfk9.parent");
  EXPECT_NE(pg_error(pg, "INSERT INTO rfk9.child VALUES (9, 99, NULL)").find("foreign key"), std::string::npos);
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM pg_class WHERE relname LIKE '%sluice%' AND relnamespace = 'rfk9'::regnamespace"), "0");

  test::write_file(dir.file("m.yaml"), "version: 1\nname: rfk9m\nconnections:\n  pg: {url: \"" + pg_url + "\"}\n  my: {url: \"" + my_url +
                                           "\"}\nsteps:\n  - {name: child, extract: {from: pg, table: rfk9.child_src, columns: [id, parent_id]}, "
                                           "load: {to: my, table: rfk9_child, mode: replace}}\n");
  // Refused when the step opens its target: exit 1 (the run marker was written), no row.
  EXPECT_EQ(test::run_command(sluice_cmd("run", dir.file("m.yaml")), &out), 1) << out;
  EXPECT_NE(out.find("its own foreign key rfk9_fk"), std::string::npos) << out;
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM rfk9_child"), "0");
  my.exec("DROP TABLE rfk9_child, rfk9_parent");
  pg.exec("DROP SCHEMA rfk9 CASCADE");
}
