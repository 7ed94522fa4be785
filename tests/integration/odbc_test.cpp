// The ODBC driver against the real test servers through Debian's real ODBC drivers
// (psqlODBC, MariaDB Connector/ODBC, SQLite ODBC), configured in a private
// odbcinst.ini/odbc.ini: the type round-trip tables both ways, 100k rows both ways,
// kill -9 and rerun, a refused row isolated, a whole database with its indexes and
// foreign keys, errors and secrets.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/copy_faults.h"
#include "support/mysql_client.h"
#include "support/odbc_config.h"
#include "support/pg_client.h"
#include "support/process.h"
#include "support/run_pipeline.h"
#include "support/servers.h"
#include "support/temp_dir.h"
#include "support/type_tables.h"

using namespace sluice;

namespace {

std::string first_error(const RunResult& r) {
  for (const auto& s : r.steps)
    if (!s.error.empty()) return s.name + ": " + s.error;
  return {};
}

// A PostgreSQL table of `rows` rows with the columns test::pg_checksum reads.
void make_pg_rows(test::PgClient& pg, const std::string& table, int rows) {
  pg.exec("DROP TABLE IF EXISTS " + table);
  pg.exec("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name varchar(40) NOT NULL, amount numeric(14,2), created timestamp(6))");
  pg.exec("INSERT INTO " + table + " SELECT g, 'n' || g || CASE WHEN g % 97 = 0 THEN E' \"q\"\\t\\\\' ELSE ' ✓' END, "
          "CASE WHEN g % 11 = 0 THEN NULL ELSE round(g / 7.0, 2) END, "
          "timestamp '2020-01-01' + g * interval '1 second' + (g % 1000000) * interval '1 microsecond' FROM generate_series(1, " +
          std::to_string(rows) + ") g");
}

}  // namespace

TEST(Odbc, PostgresTypesThroughOdbcBothWaysAreExact) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  const auto& odbc = test::odbc_config(pg_url, my_url);
  test::PgClient pg(pg_url);
  test::create_pg_types(pg);
  pg.forget_pipeline("odbc-pg-types");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: odbc-pg-types\nconnections:\n  pg: {url: \"" + pg_url + "\"}\n  opg: " + odbc.pg_connection() + "\n"
                   "defaults: {batch_size: 2, commit_every: 1}\n"
                   "steps:\n"
                   "  - {name: into_odbc, extract: {from: pg, table: rt.types}, load: {to: opg, table: rt.types_odbc}}\n"
                   "  - {name: out_of_odbc, extract: {from: opg, table: rt.types_odbc}, load: {to: pg, table: rt.types_back}}\n");
  auto r = test::run_steps_in_turn(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << first_error(r);
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM rt.types_back"), "3");
  for (const char* col : test::kPgTypeColumns) {
    EXPECT_EQ(test::pg_differences(pg, "rt.types", "rt.types_odbc", col), "") << "ODBC sink, column " << col;
    EXPECT_EQ(test::pg_differences(pg, "rt.types", "rt.types_back", col), "") << "ODBC source, column " << col;
  }
  EXPECT_EQ(pg.scalar("SELECT length(bin) FROM rt.types_back WHERE id = 1"), "256");
  EXPECT_EQ(pg.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'rt.types_odbc'::regclass AND attname = 'tstz'"),
            "timestamp(6) with time zone");
  // verify and state read through the ODBC connection as through a native one.
  std::string out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " verify " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("step into_odbc:\n  source rows 3, target rows 3, 0 differences: equal"), std::string::npos) << out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " state " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("into_odbc"), std::string::npos) << out;
  EXPECT_EQ(out.find(test::parse_server_url(pg_url).password + "@"), std::string::npos) << out;
}

TEST(Odbc, SqliteThroughOdbcKeepsEveryPostgresType) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  const auto& odbc = test::odbc_config(pg_url, my_url);
  test::PgClient pg(pg_url);
  test::create_pg_types(pg);
  pg.forget_pipeline("odbc-lite-types");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: odbc-lite-types\nconnections:\n  pg: {url: \"" + pg_url + "\"}\n  olite: " +
                   odbc.sqlite_connection(dir.file("lite.db")) + "\n"
                   "defaults: {batch_size: 2, commit_every: 1}\n"
                   "steps:\n"
                   "  - {name: into_odbc, extract: {from: pg, table: rt.types}, load: {to: olite, table: types}}\n"
                   "  - {name: out_of_odbc, extract: {from: olite, table: types}, load: {to: pg, table: rt.types_lite}}\n");
  auto r = test::run_steps_in_turn(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << first_error(r);
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM rt.types_lite"), "3");
  for (const char* col : test::kPgTypeColumns) EXPECT_EQ(test::pg_differences(pg, "rt.types", "rt.types_lite", col), "") << "column " << col;
  // Its run lock is the file beside the database, as with the native driver.
  EXPECT_TRUE(std::filesystem::exists(dir.file("lite.db.sluice-lock")));
}

TEST(Odbc, MySqlTypesThroughOdbcBothWaysAreExact) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  const auto& odbc = test::odbc_config(pg_url, my_url);
  test::MyClient my(my_url);
  test::create_mysql_types(my);
  my.exec("DROP TABLE IF EXISTS types_odbc, types_back");
  my.forget_pipeline("odbc-my-types");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: odbc-my-types\nconnections:\n  my: {url: \"" + my_url + "\"}\n  omy: " + odbc.my_connection() + "\n"
                   "defaults: {batch_size: 2, commit_every: 1}\n"
                   "steps:\n"
                   "  - {name: into_odbc, extract: {from: my, table: types}, load: {to: omy, table: types_odbc}}\n"
                   "  - {name: out_of_odbc, extract: {from: omy, table: types_odbc}, load: {to: my, table: types_back}}\n");
  auto r = test::run_steps_in_turn(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << first_error(r);
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM types_back"), "3");
  for (const char* col : test::kMysqlTypeColumns) {
    EXPECT_EQ(test::mysql_differences(my, "types", "types_odbc", col), "0") << "ODBC sink, column " << col;
    EXPECT_EQ(test::mysql_differences(my, "types", "types_back", col), "0") << "ODBC source, column " << col;
  }
}

TEST(Odbc, HundredThousandRowsEachWayExactly) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  const auto& odbc = test::odbc_config(pg_url, my_url);
  test::PgClient pg(pg_url);
  test::MyClient my(my_url);
  make_pg_rows(pg, "odbc_100k", 100000);
  pg.exec("DROP TABLE IF EXISTS odbc_100k_back");
  pg.forget_pipeline("odbc-100k");
  my.exec("DROP TABLE IF EXISTS odbc_100k_sink, odbc_100k_source");
  my.forget_pipeline("odbc-100k");
  test::TempDir dir;
  // Native PostgreSQL into MariaDB through ODBC; PostgreSQL through ODBC into native MySQL.
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: odbc-100k\nconnections:\n  pg: {url: \"" + pg_url + "\"}\n  opg: " + odbc.pg_connection_string() +
                   "\n  my: {url: \"" + my_url + "\"}\n  omy: " + odbc.my_connection() + "\n"
                   "steps:\n"
                   "  - {name: sink, extract: {from: pg, table: odbc_100k}, load: {to: omy, table: odbc_100k_sink}}\n"
                   "  - {name: source, extract: {from: opg, table: odbc_100k}, load: {to: my, table: odbc_100k_source}}\n"
                   // MariaDB's driver holds whole results: read in pages of 50,000 keys.
                   "  - {name: pages, extract: {from: omy, table: odbc_100k_sink}, load: {to: pg, table: odbc_100k_back}}\n");
  // One run per step: both targets are one MariaDB server, whose GET_LOCK two
  // connections of one run would each try to take.
  auto r = test::run_steps_in_turn(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << first_error(r);
  const std::string expected = test::pg_checksum(pg, "odbc_100k");
  EXPECT_EQ(expected.substr(0, 7), "100000:");
  EXPECT_EQ(test::mysql_checksum(my, "odbc_100k_sink"), expected);
  EXPECT_EQ(test::mysql_checksum(my, "odbc_100k_source"), expected);
  EXPECT_EQ(test::pg_checksum(pg, "odbc_100k_back"), expected);
}

TEST(Odbc, KillNineMidCopyIntoOdbcThenRerunIsExact) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::odbc_config(pg_url, my_url);  // the sluice processes inherit ODBCSYSINI/ODBCINI
  test::MyClient my(my_url);
  test::PgClient pg(pg_url);
  test::make_mysql_source(my, "odbc_kill_src", 200000);
  pg.exec("DROP TABLE IF EXISTS odbc_kill_dst");
  pg.forget_pipeline("odbc-kill");
  const auto a = test::parse_server_url(pg_url);
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), test::copy_pipeline("odbc-kill", my_url, "odbc_kill_src",
                                                           "odbc://" + a.user + ":" + a.password + "@sluice_pg", "odbc_kill_dst"));
  int kills = test::kill_repeatedly(dir.file("p.yaml"), dir.file("log"), 5);
  EXPECT_GE(kills, 5) << "the run finished before it could be killed five times";
  EXPECT_EQ(test::pg_checksum(pg, "odbc_kill_dst"), test::mysql_checksum(my, "odbc_kill_src"));
  EXPECT_EQ(pg.scalar("SELECT count(*) - count(DISTINCT id) FROM odbc_kill_dst"), "0");
}

TEST(Odbc, RefusedRowsAreIsolatedIntoTheRejectFile) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  const auto& odbc = test::odbc_config(pg_url, my_url);
  test::PgClient pg(pg_url);
  test::MyClient my(my_url);
  pg.exec("DROP TABLE IF EXISTS odbc_rj_src");
  pg.exec("CREATE TABLE odbc_rj_src (id int PRIMARY KEY, qty int, code text)");
  pg.exec("INSERT INTO odbc_rj_src SELECT g, CASE WHEN g IN (17, 500) THEN -1 ELSE g END, "
          "CASE WHEN g = 731 THEN 'c730' ELSE 'c' || g END FROM generate_series(1, 1000) g");
  my.exec("DROP TABLE IF EXISTS odbc_rj");
  my.exec("CREATE TABLE odbc_rj (id int PRIMARY KEY, qty int CHECK (qty >= 0), code varchar(20) UNIQUE)");
  my.forget_pipeline("odbc-rejects");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: odbc-rejects\nconnections:\n  pg: {url: \"" + pg_url + "\"}\n  omy: " + odbc.my_connection() + "\n"
                   "defaults: {batch_size: 400, commit_every: 1, on_error: reject, max_rejects: 10, reject_file: \"rejects.jsonl\"}\n"
                   "steps:\n  - {name: load, extract: {from: pg, table: odbc_rj_src}, load: {to: omy, table: odbc_rj, create: never}}\n");
  auto r = test::run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << first_error(r);
  EXPECT_EQ(r.steps[0].rows_rejected, 3);
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM odbc_rj"), "997");
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM odbc_rj WHERE id IN (17, 500, 731)"), "0");
  const std::string rejects = test::read_file(dir.file("rejects.jsonl"));
  for (const char* id : {"\"id\":17,", "\"id\":500,", "\"id\":731,"}) EXPECT_NE(rejects.find(id), std::string::npos) << id << " in " << rejects;
}

TEST(Odbc, WholeDatabaseThroughOdbcGetsItsIndexesAndForeignKeys) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  const auto& odbc = test::odbc_config(pg_url, my_url);
  test::PgClient pg(pg_url);
  test::MyClient my(my_url);
  pg.exec("DROP SCHEMA IF EXISTS odb CASCADE");
  pg.exec("CREATE SCHEMA odb");
  pg.exec("CREATE TABLE odb.customers (id int PRIMARY KEY, email varchar(100) NOT NULL UNIQUE, name varchar(50))");
  pg.exec("CREATE INDEX customers_name_idx ON odb.customers (name)");
  pg.exec("CREATE TABLE odb.orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES odb.customers ON DELETE CASCADE, "
          "total numeric(10,2))");
  pg.exec("CREATE INDEX orders_customer_total_idx ON odb.orders (customer_id, total)");
  pg.exec("INSERT INTO odb.customers VALUES (1, 'ada@example.org', 'Ada'), (2, 'grace@example.org', 'Grace')");
  pg.exec("INSERT INTO odb.orders VALUES (10, 1, 9.99), (11, 2, 100.00), (12, 1, NULL)");
  my.exec("DROP DATABASE IF EXISTS odb");
  my.forget_pipeline("odbc-wholedb");
  test::TempDir dir;
  // Both sides through ODBC: the source's catalog read by SQLStatistics/SQLForeignKeys,
  // the target's indexes and foreign keys built through the ODBC session.
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: odbc-wholedb\nconnections:\n  opg: " + odbc.pg_connection() + "\n  omy: " + odbc.my_connection() + "\n"
                   "steps:\n  - {name: all, extract: {from: opg, schema: odb, tables: {include: [\"*\"]}}, load: {to: omy, schema: odb}}\n");
  auto r = test::run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << first_error(r);
  EXPECT_EQ(my.scalar("SELECT GROUP_CONCAT(CONCAT(id, ':', customer_id, ':', COALESCE(total, 'N')) ORDER BY id) FROM odb.orders"),
            "10:1:9.99,11:2:100.00,12:1:N");
  EXPECT_EQ(my.scalar("SELECT GROUP_CONCAT(DISTINCT CONCAT(TABLE_NAME, '.', INDEX_NAME, '.', NON_UNIQUE) ORDER BY TABLE_NAME, INDEX_NAME) "
                      "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = 'odb' AND INDEX_NAME <> 'PRIMARY'"),
            "customers.customers_email_key.0,customers.customers_name_idx.1,orders.orders_customer_total_idx.1");
  EXPECT_EQ(my.scalar("SELECT CONCAT(TABLE_NAME, '->', REFERENCED_TABLE_NAME, ':', DELETE_RULE) FROM information_schema.REFERENTIAL_CONSTRAINTS "
                      "WHERE CONSTRAINT_SCHEMA = 'odb'"),
            "orders->customers:CASCADE");
  // The foreign key holds: an order of a customer that does not exist is refused.
  std::unique_ptr<::sql::Statement> st(my.conn->createStatement());
  EXPECT_THROW(st->execute("INSERT INTO odb.orders VALUES (13, 99, 1.00)"), ::sql::SQLException);
  EXPECT_EQ(r.steps.size(), 2u);
}

TEST(Odbc, UpsertAndReplaceThroughOdbcAreIdempotent) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  const auto& odbc = test::odbc_config(pg_url, my_url);
  test::PgClient pg(pg_url);
  test::MyClient my(my_url);
  pg.exec("DROP TABLE IF EXISTS odbc_up_src, odbc_up, odbc_rep");
  pg.exec("CREATE TABLE odbc_up_src (id int PRIMARY KEY, v text)");
  pg.exec("INSERT INTO odbc_up_src SELECT g, 'v' || g FROM generate_series(1, 500) g");
  pg.exec("CREATE TABLE odbc_up (id int PRIMARY KEY, v text)");
  pg.exec("INSERT INTO odbc_up VALUES (1, 'old'), (1000, 'kept')");
  my.exec("DROP TABLE IF EXISTS odbc_up, odbc_rep");
  my.exec("CREATE TABLE odbc_up (id int PRIMARY KEY, v varchar(20))");
  my.exec("INSERT INTO odbc_up VALUES (1, 'old'), (1000, 'kept')");
  my.exec("CREATE TABLE odbc_rep (id int PRIMARY KEY, v varchar(20))");
  my.exec("INSERT INTO odbc_rep VALUES (7777, 'gone')");
  pg.forget_pipeline("odbc-modes");
  my.forget_pipeline("odbc-modes");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: odbc-modes\nconnections:\n  pg: {url: \"" + pg_url + "\"}\n  opg: " + odbc.pg_connection() +
                   "\n  omy: " + odbc.my_connection() + "\n"
                   "defaults: {batch_size: 100, commit_every: 2}\n"
                   "steps:\n"
                   "  - {name: up_pg, extract: {from: pg, table: odbc_up_src}, load: {to: opg, table: odbc_up, mode: upsert, key: [id]}}\n"
                   "  - {name: up_my, extract: {from: pg, table: odbc_up_src}, load: {to: omy, table: odbc_up, mode: upsert, key: [id]}}\n"
                   "  - {name: rep_pg, extract: {from: pg, table: odbc_up_src}, load: {to: opg, table: odbc_rep, mode: replace}}\n"
                   "  - {name: rep_my, extract: {from: pg, table: odbc_up_src}, load: {to: omy, table: odbc_rep, mode: replace}}\n");
  for (int pass = 0; pass < 2; ++pass) {
    auto r = test::run_steps_in_turn(dir.file("p.yaml"), [] { RunOptions o; o.fresh = true; return o; }());
    ASSERT_EQ(r.exit_code, 0) << "pass " << pass << ": " << first_error(r);
    EXPECT_EQ(pg.scalar("SELECT count(*) || ':' || min(v) || ':' || max(id) FROM odbc_up"), "501:kept:1000");
    EXPECT_EQ(pg.scalar("SELECT v FROM odbc_up WHERE id = 1"), "v1");
    EXPECT_EQ(my.scalar("SELECT CONCAT(COUNT(*), ':', MAX(id)) FROM odbc_up"), "501:1000");
    EXPECT_EQ(my.scalar("SELECT v FROM odbc_up WHERE id = 1"), "v1");
    EXPECT_EQ(pg.scalar("SELECT count(*) || ':' || max(id) FROM odbc_rep"), "500:500");
    EXPECT_EQ(my.scalar("SELECT CONCAT(COUNT(*), ':', MAX(id)) FROM odbc_rep"), "500:500");
    EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'odbc_rep\\_\\_%'"), "0");
  }
}

TEST(Odbc, ErrorsAreClassifiedAndPasswordsNeverShown) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  const auto& odbc = test::odbc_config(pg_url, my_url);
  test::TempDir dir;
  // A DSN nobody configured: a config error (exit 2), not something to retry.
  test::write_file(dir.file("nodsn.yaml"),
                   "version: 1\nname: odbc-nodsn\nconnections:\n  a: {url: \"odbc://no_such_dsn\"}\n  b: {url: sqlite:x.db}\n"
                   "steps:\n  - {name: s, extract: {from: a, table: t}, load: {to: b, table: t}}\n");
  std::string out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("nodsn.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("IM002"), std::string::npos) << out;
  // A wrong password in a connection string: exit 1 without retries, the password never printed.
  const auto a = test::parse_server_url(pg_url);
  const std::string secret = "Wr0ng;pa55{word}";
  test::write_file(dir.file("badpw.yaml"),
                   "version: 1\nname: odbc-badpw\nconnections:\n  a: {connection_string: \"Driver={PostgreSQL Unicode};Servername=" + a.host +
                   ";Port=" + a.port + ";Database=" + a.database + ";UID=" + a.user + ";PWD={Wr0ng;pa55{word}}}\"}\n  b: {url: sqlite:x.db}\n"
                   "steps:\n  - {name: s, extract: {from: a, table: t}, load: {to: b, table: t}}\n");
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("badpw.yaml"), &out), 1) << out;
  EXPECT_NE(out.find("password authentication failed"), std::string::npos) << out;
  EXPECT_EQ(out.find("pa55"), std::string::npos) << out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " plan " + dir.file("badpw.yaml"), &out), 1) << out;
  EXPECT_EQ(out.find("pa55"), std::string::npos) << out;
  // A duplicate key through ODBC is a data error naming the row (exit 1, nothing half-written).
  test::PgClient pg(pg_url);
  pg.exec("DROP TABLE IF EXISTS odbc_dup; CREATE TABLE odbc_dup (id int PRIMARY KEY, v text UNIQUE)");
  pg.exec("DROP TABLE IF EXISTS odbc_dup_src; CREATE TABLE odbc_dup_src (id int PRIMARY KEY, v text)");
  pg.exec("INSERT INTO odbc_dup_src VALUES (1, 'a'), (2, 'b'), (3, 'a')");
  pg.forget_pipeline("odbc-dup");
  test::write_file(dir.file("dup.yaml"),
                   "version: 1\nname: odbc-dup\nconnections:\n  pg: {url: \"" + pg_url + "\"}\n  opg: " + odbc.pg_connection() + "\n"
                   "steps:\n  - {name: s, extract: {from: pg, table: odbc_dup_src}, load: {to: opg, table: odbc_dup, create: never}}\n");
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("dup.yaml"), &out), 1) << out;
  EXPECT_NE(out.find("(id=3)"), std::string::npos) << out;
  EXPECT_NE(out.find("23505"), std::string::npos) << out;
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM odbc_dup"), "0");
}
