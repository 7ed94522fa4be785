// MySQL/MariaDB against the real server from scripts/test.sh: every type across
// dialects, bulk copies both ways, whole-database copy, plan, TLS fail-closed.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "sluice/config.h"
#include "sluice/runner.h"
#include "support/mysql_client.h"
#include "support/pg_client.h"
#include "support/type_tables.h"
#include "support/process.h"
#include "support/servers.h"
#include "support/sqlite_client.h"
#include "support/run_pipeline.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

using test::run_pipeline;
using test::run_steps_in_turn;

using test::pg_scalar;
using test::create_mysql_types;
using test::kMysqlTypeColumns;
using test::mysql_differences;

}  // namespace

TEST(MySql, EveryTypeToPostgresAndBackIsExact) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::MyClient my(my_url);
  create_mysql_types(my);
  pg_scalar(pg_url, "DROP TABLE IF EXISTS mtypes");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: my-pg-types\nconnections:\n  my: {url: \"" + my_url + "\"}\n  pg: {url: \"" + pg_url + "\"}\n"
                   "defaults: {batch_size: 2, commit_every: 1}\n"
                   "steps:\n"
                   "  - {name: to_pg, extract: {from: my, table: types}, load: {to: pg, table: mtypes}}\n"
                   "  - {name: back, extract: {from: pg, table: mtypes}, load: {to: my, table: types_pg}}\n");
  auto r = run_steps_in_turn(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps.back().error);
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM types_pg"), "3");
  for (const char* col : kMysqlTypeColumns) EXPECT_EQ(mysql_differences(my, "types", "types_pg", col), "0") << "column " << col;
  // The PostgreSQL side holds the same values in the mapped types.
  auto pg_type = [&](const char* col) {
    return pg_scalar(pg_url, std::string("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'mtypes'::regclass AND attname = '") + col + "'");
  };
  EXPECT_EQ(pg_type("b"), "boolean");
  EXPECT_EQ(pg_type("u32"), "bigint");
  EXPECT_EQ(pg_type("u64"), "numeric(20,0)");
  EXPECT_EQ(pg_type("dec"), "numeric(38,10)");
  EXPECT_EQ(pg_type("vbin"), "bytea");
  EXPECT_EQ(pg_type("ts"), "timestamp(6) with time zone");
  EXPECT_EQ(pg_type("j"), "jsonb");
  EXPECT_EQ(pg_type("u"), "uuid");
  EXPECT_EQ(pg_scalar(pg_url, "SELECT u64::text FROM mtypes WHERE id = 2"), "18446744073709551615");
  EXPECT_EQ(pg_scalar(pg_url, "SELECT i64::text FROM mtypes WHERE id = 1"), "-9223372036854775808");
  EXPECT_EQ(pg_scalar(pg_url, "SELECT dec::text FROM mtypes WHERE id = 2"), "9999999999999999999999999999.9999999999");
  EXPECT_EQ(pg_scalar(pg_url, "SELECT length(vbin)::text || ':' || md5(vbin) FROM mtypes WHERE id = 1"),
            "256:" + my.scalar("SELECT MD5(vbin) FROM types WHERE id = 1"));
  EXPECT_EQ(pg_scalar(pg_url, "SELECT ts::text FROM mtypes WHERE id = 2"), "2038-01-19 03:14:07.999999+00");
  EXPECT_EQ(pg_scalar(pg_url, "SELECT t FROM mtypes WHERE id = 1"), my.scalar("SELECT t FROM types WHERE id = 1"));
  EXPECT_EQ(pg_scalar(pg_url, "SELECT count(*) FROM mtypes WHERE id = 3 AND num_nonnulls(b, i8, u64, dec, t, vbin, d, ts, j, u, e) = 0"), "1");
  // verify compares the dialects' canonical forms: both steps are equal...
  std::string out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " verify " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("step to_pg:\n  source rows 3, target rows 3, 0 differences: equal"), std::string::npos) << out;
  // ...until the target changes.
  pg_scalar(pg_url, "UPDATE mtypes SET dec = dec - 0.0000000001 WHERE id = 2; DELETE FROM mtypes WHERE id = 3");
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " verify " + dir.file("p.yaml"), &out), 1) << out;
  EXPECT_NE(out.find("differs: (id=2) in dec"), std::string::npos) << out;
  EXPECT_NE(out.find("missing in target: (id=3)"), std::string::npos) << out;
}

TEST(MySql, EveryTypeToSqliteAndBackIsExact) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::MyClient my(my_url);
  create_mysql_types(my);
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: my-lite-types\nconnections:\n  my: {url: \"" + my_url + "\"}\n  lite: {url: sqlite:mid.db}\n"
                   "steps:\n"
                   "  - {name: to_lite, extract: {from: my, table: types}, load: {to: lite, table: types}}\n"
                   "  - {name: back, extract: {from: lite, table: types}, load: {to: my, table: types_lite}}\n");
  auto r = run_steps_in_turn(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps.back().error);
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM types_lite"), "3");
  for (const char* col : kMysqlTypeColumns) EXPECT_EQ(mysql_differences(my, "types", "types_lite", col), "0") << "column " << col;
}

// MariaDB's bulk array binding (the default) and multi-row INSERTs (write_method:
// insert) write the same rows, and isolate the same refused rows into the reject file.
TEST(MySql, BulkLoadDataAndInsertWriteTheSameRowsAndRefuseTheSameOnes) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::MyClient my(my_url);
  create_mysql_types(my);
  pg_scalar(pg_url, "DROP TABLE IF EXISTS bulk_src; CREATE TABLE bulk_src (id int PRIMARY KEY, qty int, code text, at timestamptz, "
                    "amount numeric(12,3), note text, raw bytea); "
                    "INSERT INTO bulk_src SELECT g, CASE WHEN g IN (77, 15000) THEN -1 ELSE g END, CASE WHEN g = 9001 THEN 'c9000' ELSE 'c' || g END, "
                    "timestamptz '2021-03-04 05:06:07.123456+00' + g * interval '1 second', g / 7.0, "
                    "CASE WHEN g % 5 = 0 THEN NULL ELSE repeat('ü\t''\\', g % 40) END, decode(lpad(to_hex(g), 8, '0'), 'hex') "
                    "FROM generate_series(1, 20000) g");
  for (const std::string method : {"bulk", "load_data", "insert"}) {
    my.exec("DROP TABLE IF EXISTS bulk_" + method + ", types_" + method);
    my.exec("CREATE TABLE bulk_" + method + " (id int PRIMARY KEY, qty int CHECK (qty >= 0), code varchar(20) UNIQUE, at datetime(6), "
            "amount decimal(12,3), note text, raw varbinary(8))");
    my.forget_pipeline("bulk-" + method);
    test::TempDir dir;
    test::write_file(dir.file("p.yaml"),
                     "version: 1\nname: bulk-" + method + "\nconnections:\n  pg: {url: \"" + pg_url + "\"}\n  my: {url: \"" + my_url +
                     "\", write_method: " + method + "}\n"
                     "defaults: {batch_size: 5000, commit_every: 1, on_error: reject, max_rejects: 5, reject_file: rejects.jsonl}\n"
                     "steps:\n  - {name: rows, extract: {from: pg, table: bulk_src}, load: {to: my, table: bulk_" + method + ", create: never}}\n"
                     "  - {name: types, extract: {from: my, table: types}, load: {to: my, table: types_" + method + "}}\n");
    auto r = run_steps_in_turn(dir.file("p.yaml"));
    ASSERT_EQ(r.exit_code, 0) << method << ": " << (r.steps.empty() ? "" : r.steps.back().error);
    EXPECT_EQ(r.steps[0].rows_rejected, 3) << method;
    const std::string rejects = test::read_file(dir.file("rejects.jsonl"));
    for (const char* id : {"\"id\":77,", "\"id\":15000,", "\"id\":9001,"}) EXPECT_NE(rejects.find(id), std::string::npos) << method << ": " << rejects;
    for (const char* col : kMysqlTypeColumns) EXPECT_EQ(mysql_differences(my, "types", "types_" + method, col), "0") << method << ", column " << col;
  }
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM bulk_bulk"), "19997");
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM bulk_bulk b JOIN bulk_insert i USING (id) WHERE b.qty <=> i.qty AND b.code <=> i.code AND "
                      "b.at <=> i.at AND b.amount <=> i.amount AND b.note <=> i.note AND b.raw <=> i.raw"),
            "19997");
  EXPECT_EQ(my.scalar("SELECT CONCAT(note, '|', HEX(raw), '|', at) FROM bulk_bulk WHERE id = 39"),
            my.scalar("SELECT CONCAT(note, '|', HEX(raw), '|', at) FROM bulk_insert WHERE id = 39"));
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM bulk_bulk b JOIN bulk_load_data l USING (id) WHERE b.qty <=> l.qty AND b.code <=> l.code AND "
                      "b.at <=> l.at AND b.amount <=> l.amount AND b.note <=> l.note AND b.raw <=> l.raw"),
            "19997");
}

TEST(MySql, ZeroDatesBecomeNullAndAreCounted) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::MyClient my(my_url);
  my.exec("DROP TABLE IF EXISTS zero_dates");
  my.exec("CREATE TABLE zero_dates (id int PRIMARY KEY, d date, dt datetime)");
  my.exec("SET SESSION sql_mode = ''");
  my.exec("INSERT INTO zero_dates VALUES (1, '0000-00-00', '0000-00-00 00:00:00'), (2, '2024-02-29', '2024-02-29 12:00:00')");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), "version: 1\nname: zero\nconnections:\n  my: {url: \"" + my_url + "\"}\n  lite: {url: sqlite:z.db}\n"
                                       "steps:\n  - {name: z, extract: {from: my, table: zero_dates}, load: {to: lite, table: z}}\n");
  std::string out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("2 MySQL zero date(s)"), std::string::npos) << out;
}

TEST(MySql, TwoHundredThousandRowsBothWaysWithChecksums) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::MyClient my(my_url);
  my.exec("DROP TABLE IF EXISTS big, big_back");
  my.exec("CREATE TABLE big (id bigint PRIMARY KEY, name varchar(40) NOT NULL, amount decimal(14,2), created datetime(6), flag tinyint(1))");
  my.exec("INSERT INTO big SELECT seq, CONCAT('name ', seq, ' ✓'), seq / 7, '2020-01-01' + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND, seq % 2 "
          "FROM seq_1_to_200000");
  pg_scalar(pg_url, "DROP TABLE IF EXISTS big");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: big\nconnections:\n  my: {url: \"" + my_url + "\"}\n  pg: {url: \"" + pg_url + "\"}\n"
                   "defaults: {batch_size: 5000, commit_every: 4}\n"
                   "steps:\n"
                   "  - {name: to_pg, extract: {from: my, table: big}, load: {to: pg, table: big}}\n"
                   "  - {name: back, extract: {from: pg, table: big}, load: {to: my, table: big_back}}\n");
  auto r = run_steps_in_turn(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps.back().error);
  const std::string my_sum =
      "SELECT CONCAT(COUNT(*), ':', MD5(GROUP_CONCAT(CONCAT_WS('|', id, name, COALESCE(amount, 'N'), "
      "DATE_FORMAT(created, '%Y-%m-%d %H:%i:%s.%f'), flag) ORDER BY id SEPARATOR '\\n'))) FROM ";
  std::string source = my.scalar(my_sum + "big");
  EXPECT_EQ(source.substr(0, 7), "200000:");
  EXPECT_EQ(pg_scalar(pg_url, "SELECT count(*) || ':' || md5(string_agg(concat_ws('|', id, name, COALESCE(amount::text, 'N'), "
                              "to_char(created, 'YYYY-MM-DD HH24:MI:SS.US'), flag::int), E'\\n' ORDER BY id)) FROM big"),
            source);
  EXPECT_EQ(my.scalar(my_sum + "big_back"), source);
}

TEST(MySql, WholeDatabaseCopyWithPatternsInDependencyOrder) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::MyClient my(my_url);
  my.exec("DROP DATABASE IF EXISTS shop");
  my.exec("CREATE DATABASE shop CHARACTER SET utf8mb4");
  my.exec("CREATE TABLE shop.a_order_items (id int PRIMARY KEY, order_id int NOT NULL, sku varchar(20))");
  my.exec("CREATE TABLE shop.orders (id int PRIMARY KEY, customer_id int NOT NULL, total decimal(10,2))");
  my.exec("CREATE TABLE shop.customers (id int PRIMARY KEY, name varchar(50))");
  my.exec("CREATE TABLE shop.audit_log (id int PRIMARY KEY, msg text)");
  my.exec("CREATE TABLE shop.tmp_scratch (id int PRIMARY KEY)");
  my.exec("ALTER TABLE shop.orders ADD FOREIGN KEY (customer_id) REFERENCES shop.customers (id)");
  my.exec("ALTER TABLE shop.a_order_items ADD FOREIGN KEY (order_id) REFERENCES shop.orders (id)");
  my.exec("INSERT INTO shop.customers VALUES (1, 'Ada'), (2, 'Grace')");
  my.exec("INSERT INTO shop.orders VALUES (10, 1, 9.99), (11, 2, 100.00), (12, 1, NULL)");
  my.exec("INSERT INTO shop.a_order_items VALUES (100, 10, 'X-1'), (101, 11, 'Y-2')");
  my.exec("INSERT INTO shop.audit_log VALUES (1, 'secret')");
  my.exec("INSERT INTO shop.tmp_scratch VALUES (1)");
  pg_scalar(pg_url, "DROP SCHEMA IF EXISTS shop CASCADE");
  test::PgClient(pg_url).forget_pipeline("wholedb");
  pg_scalar(pg_url, "CREATE SCHEMA shop");
  // Existing target tables with foreign keys: only a parents-first order can load them.
  pg_scalar(pg_url, "CREATE TABLE shop.customers (id int PRIMARY KEY, name varchar(50))");
  pg_scalar(pg_url, "CREATE TABLE shop.orders (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES shop.customers, total numeric(10,2))");
  pg_scalar(pg_url, "CREATE TABLE shop.a_order_items (id int PRIMARY KEY, order_id int NOT NULL REFERENCES shop.orders, sku varchar(20))");

  ConnectionConfig base;
  config::apply_url(my_url, "/", base);
  std::string shop_url = my_url.substr(0, my_url.rfind('/')) + "/shop";
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: wholedb\nconnections:\n  shop: {url: \"" + shop_url + "\"}\n  pg: {url: \"" + pg_url + "\"}\n"
                   "steps:\n  - name: everything\n    extract: {from: shop, tables: {include: [\"*\"], exclude: [\"audit_*\", \"tmp_*\"]}}\n"
                   "    load: {to: pg, schema: shop, mode: append, create: if_missing}\n");
  auto r = run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps.back().error);
  ASSERT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(r.steps[0].name, "everything/customers");
  EXPECT_EQ(r.steps[1].name, "everything/orders");
  EXPECT_EQ(r.steps[2].name, "everything/a_order_items");
  EXPECT_EQ(pg_scalar(pg_url, "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                              "WHERE n.nspname = 'shop' AND c.relkind = 'r'"),
            "a_order_items,customers,orders");
  EXPECT_EQ(pg_scalar(pg_url, "SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM shop.customers"), "1:Ada,2:Grace");
  EXPECT_EQ(pg_scalar(pg_url, "SELECT string_agg(id || ':' || customer_id || ':' || COALESCE(total::text, 'N'), ',' ORDER BY id) FROM shop.orders"),
            "10:1:9.99,11:2:100.00,12:1:N");
  EXPECT_EQ(pg_scalar(pg_url, "SELECT string_agg(id || ':' || order_id || ':' || sku, ',' ORDER BY id) FROM shop.a_order_items"),
            "100:10:X-1,101:11:Y-2");
}

TEST(MySql, PlanShowsDdlAndFlagsNarrowing) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::MyClient my(my_url);
  my.exec("DROP TABLE IF EXISTS plan_src");
  my.exec("CREATE TABLE plan_src (id bigint unsigned PRIMARY KEY, amount decimal(20,4), label varchar(100), flag tinyint(1))");
  pg_scalar(pg_url, "DROP TABLE IF EXISTS plan_narrow; DROP TABLE IF EXISTS plan_new");
  // A target made on purpose too narrow: integer for bigint unsigned, numeric(10,2), varchar(10).
  pg_scalar(pg_url, "CREATE TABLE plan_narrow (id integer PRIMARY KEY, amount numeric(10,2), label varchar(10), flag boolean)");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: plan\nconnections:\n  my: {url: \"" + my_url + "\"}\n  pg: {url: \"" + pg_url + "\"}\n"
                   "steps:\n"
                   "  - {name: fresh, extract: {from: my, table: plan_src}, load: {to: pg, table: plan_new}}\n"
                   "  - {name: narrow, extract: {from: my, table: plan_src}, load: {to: pg, table: plan_narrow}}\n"
                   "  - {name: zoned, extract: {from: pg, table: plan_tz}, load: {to: my, table: plan_tz_new}}\n");
  pg_scalar(pg_url, "DROP TABLE IF EXISTS plan_tz; CREATE TABLE plan_tz (id int PRIMARY KEY, at timestamptz)");
  my.exec("DROP TABLE IF EXISTS plan_tz_new");
  std::string out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " plan " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("CREATE TABLE \"plan_new\" (\"id\" numeric(20,0) NOT NULL, \"amount\" numeric(20,4), \"label\" varchar(100), "
                     "\"flag\" boolean, PRIMARY KEY (\"id\"))"),
            std::string::npos) << out;
  EXPECT_NE(out.find("id: bigint(20) unsigned -> integer   [LOSSY: narrowing integer]"), std::string::npos) << out;
  EXPECT_NE(out.find("amount: decimal(20,4) -> numeric(10,2)   [LOSSY: decimal precision]"), std::string::npos) << out;
  EXPECT_NE(out.find("label: varchar(100) -> character varying(10)   [LOSSY: text length]"), std::string::npos) << out;
  EXPECT_NE(out.find("at: timestamp with time zone -> datetime(6)   [LOSSY: time zone dropped]"), std::string::npos) << out;
  EXPECT_EQ(out.find("sluice:sluice@"), std::string::npos) << "password shown: " << out;
  EXPECT_EQ(pg_scalar(pg_url, "SELECT to_regclass('plan_new') IS NULL"), "t") << "plan must write nothing";
}

TEST(MySql, RequiredTlsToServerWithoutTlsFailsClosed) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::TempDir dir;
  test::write_file(dir.file("in/t.csv"), "id\n1\n");
  for (const std::string& target : {my_url + "?sslmode=require", pg_url + "?sslmode=require"}) {
    test::write_file(dir.file("p.yaml"), "version: 1\nname: tls\nconnections:\n  in: {url: csv://./in}\n  db: {url: \"" + target + "\"}\n"
                                         "steps:\n  - {name: s, extract: {from: in, table: t}, load: {to: db, table: tls_t}}\n");
    std::string out;
    EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml"), &out), 1) << out;
    EXPECT_TRUE(out.find("TLS") != std::string::npos || out.find("SSL") != std::string::npos) << out;
    EXPECT_NE(out.find("connection 'db'"), std::string::npos) << out;
  }
}

TEST(MySql, PeakMemoryDoesNotGrowWithRowCount) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::MyClient my(my_url);
  my.exec("DROP TABLE IF EXISTS mem_small, mem_large");
  const char* ddl = " (id bigint PRIMARY KEY, payload varchar(200) NOT NULL, amount decimal(14,2))";
  my.exec(std::string("CREATE TABLE mem_small") + ddl);
  my.exec(std::string("CREATE TABLE mem_large") + ddl);
  my.exec("INSERT INTO mem_small SELECT seq, REPEAT('x', 150), seq / 3 FROM seq_1_to_50000");
  my.exec("INSERT INTO mem_large SELECT seq, REPEAT('x', 150), seq / 3 FROM seq_1_to_200000");
  pg_scalar(pg_url, "DROP TABLE IF EXISTS mem_small; DROP TABLE IF EXISTS mem_large");
  test::TempDir dir;
  long rss[2];
  const char* tables[] = {"mem_small", "mem_large"};
  for (int i = 0; i < 2; ++i) {
    std::string t = tables[i];
    test::write_file(dir.file(t + ".yaml"), "version: 1\nname: mem-" + t + "\nconnections:\n  my: {url: \"" + my_url +
                                                "\"}\n  pg: {url: \"" + pg_url + "\"}\nsteps:\n  - {name: m, extract: {from: my, table: " +
                                                t + "}, load: {to: pg, table: " + t + "}}\n");
    test::Child c({SLUICE_BINARY, "run", dir.file(t + ".yaml")}, dir.file("log"));
    ASSERT_EQ(c.wait(), 0) << test::read_file(dir.file("log"));
    rss[i] = c.max_rss_kb();
  }
  EXPECT_EQ(pg_scalar(pg_url, "SELECT count(*) FROM mem_large"), "200000");
  // Four times the rows, well under 1.5 times the memory (batches are reused).
  EXPECT_LT(rss[1], rss[0] * 3 / 2 + 8 * 1024) << "50k rows: " << rss[0] << " KiB, 200k rows: " << rss[1] << " KiB";
  std::printf("peak RSS: 50k rows %ld KiB, 200k rows %ld KiB\n", rss[0], rss[1]);
}

// Issue 9, item 5: RENAME TABLE would carry another table's foreign key along to the
// retired table: such a replace is refused before anything is written, naming it.
TEST(MySql, ReplaceOfAReferencedTableIsRefusedNamingTheForeignKey) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::MyClient my(my_url);
  my.exec("DROP TABLE IF EXISTS dep_child, dep_parent");
  my.exec("CREATE TABLE dep_parent (id int PRIMARY KEY, v text) ENGINE=InnoDB");
  my.exec("INSERT INTO dep_parent VALUES (1, 'old')");
  my.exec("CREATE TABLE dep_child (id int PRIMARY KEY, parent_id int, CONSTRAINT dep_child_fk FOREIGN KEY (parent_id) REFERENCES dep_parent (id)) ENGINE=InnoDB");
  test::TempDir dir;
  test::write_file(dir.file("in/t.csv"), "id,v\n1,new\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: mydeps\nconnections:\n  in: {url: csv://./in}\n  my: {url: \"" + my_url + "\"}\n"
                                       "steps:\n  - {name: p, extract: {from: in, table: t}, load: {to: my, table: dep_parent, mode: replace}}\n");
  std::string out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml"), &out), 1) << out;
  EXPECT_NE(out.find("foreign key dep_child_fk of sluice_test.dep_child"), std::string::npos) << out;
  EXPECT_EQ(my.scalar("SELECT GROUP_CONCAT(v) FROM dep_parent"), "old");
  EXPECT_EQ(my.scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE 'dep\\_parent\\_\\_sluice%'"), "0");
  my.exec("DROP TABLE dep_child, dep_parent");
}

// Issue 9, item 3: spatial columns are read as WKT text, never as MySQL's internal
// SRID + WKB bytes (which used to abort a whole-database copy), and plan flags them.
TEST(MySql, SpatialColumnsTravelAsWktText) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::MyClient my(my_url);
  my.exec("DROP DATABASE IF EXISTS geo");
  my.exec("CREATE DATABASE geo");
  my.exec("CREATE TABLE geo.places (id int PRIMARY KEY, at point, area geometry, name text)");
  my.exec("INSERT INTO geo.places VALUES (1, ST_GeomFromText('POINT(1 2)'), ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 0))', 4326), 'a'), "
          "(2, NULL, NULL, 'b')");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), "version: 1\nname: geo\nconnections:\n  my: {url: \"" + my_url + "\"}\n  lite: {url: sqlite:g.db}\n"
                                       "steps:\n  - {name: all, extract: {from: my, schema: geo, tables: {include: [\"*\"]}}, load: {to: lite}}\n");
  std::string out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " plan " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("at: point -> TEXT   [LOSSY: spatial value as text"), std::string::npos) << out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml"), &out), 0) << out;
  const std::string lite = dir.file("g.db");
  EXPECT_EQ(test::sqlite_scalar(lite, "SELECT at FROM places WHERE id = 1"), "POINT(1 2)");
  EXPECT_EQ(test::sqlite_scalar(lite, "SELECT area FROM places WHERE id = 1"), "POLYGON((0 0,1 0,1 1,0 0))");
  EXPECT_EQ(test::sqlite_scalar(lite, "SELECT at IS NULL FROM places WHERE id = 2"), "1");
  my.exec("DROP DATABASE geo");
}

// Issue 9, item 3: a FLOAT column is read as the exact single-precision value it holds,
// not the 6-digit text MariaDB prints for it.
TEST(MySql, FloatColumnsAreReadExactly) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::MyClient my(my_url);
  my.exec("DROP TABLE IF EXISTS exact_floats");
  my.exec("CREATE TABLE exact_floats (id int PRIMARY KEY, f float)");
  my.exec("INSERT INTO exact_floats VALUES (1, 1/3), (2, 16777217), (3, -0.1), (4, NULL)");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), "version: 1\nname: floats\nconnections:\n  my: {url: \"" + my_url + "\"}\n  lite: {url: sqlite:f.db}\n"
                                       "steps:\n  - {name: f, extract: {from: my, table: exact_floats}, load: {to: lite, table: f}}\n");
  auto r = run_pipeline(dir.file("p.yaml"), [] { RunOptions o; o.fresh = true; return o; }());
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps[0].error);
  const std::string lite = dir.file("f.db");
  // The doubles nearest the single-precision values (1/3 and -0.1 as floats).
  EXPECT_EQ(test::sqlite_scalar(lite, "SELECT f = 0.3333333432674408 FROM f WHERE id = 1"), "1");
  EXPECT_EQ(test::sqlite_scalar(lite, "SELECT f = 16777216.0 FROM f WHERE id = 2"), "1");
  EXPECT_EQ(test::sqlite_scalar(lite, "SELECT f = -0.10000000149011612 FROM f WHERE id = 3"), "1");
  EXPECT_EQ(test::sqlite_scalar(lite, "SELECT f IS NULL FROM f WHERE id = 4"), "1");
  my.exec("DROP TABLE exact_floats");
}
