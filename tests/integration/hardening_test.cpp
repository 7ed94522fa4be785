// Issue 7, end to end: inputs that used to destroy data, escape a folder, write to a
// source, crash or exit with the wrong code. One test per item (ItemN_ in the name).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "support/mysql_client.h"
#include "support/pg_client.h"
#include "support/servers.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

int sluice_cmd(const std::string& args, std::string* out = nullptr) {
  return test::run_command(std::string(SLUICE_BINARY) + " " + args, out);
}

std::string pg_tables(test::PgClient& pg, const std::string& like) {
  return pg.scalar("SELECT coalesce(string_agg(n.nspname || '.' || c.relname, ',' ORDER BY 1), '') FROM pg_class c "
                   "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p') AND c.relname LIKE '" + like + "'");
}

// Item 1: a 63-byte name replaced in PostgreSQL keeps the live table; names over the
// limit (or two that PostgreSQL would cut to one) are refused before anything is written.
TEST(Hardening, Item1_LongIdentifiersNeverTruncateIntoAnotherTable) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::PgClient pg(pg_url);
  const std::string t63 = "h1_" + std::string(60, 'r');
  pg.exec("DROP TABLE IF EXISTS " + t63);
  pg.exec("CREATE TABLE " + t63 + " (id int PRIMARY KEY, v text)");
  pg.exec("INSERT INTO " + t63 + " VALUES (1, 'old')");
  pg.forget_pipeline("h1%");
  test::TempDir dir;
  test::write_file(dir.file("in/src.csv"), "id,v\n1,new\n2,new too\n");
  test::write_file(dir.file("replace.yaml"), "version: 1\nname: h1-replace\nconnections:\n  in: {url: csv://./in}\n  pg: {url: \"" + pg_url +
                                                 "\"}\nsteps:\n  - {name: s, extract: {from: in, table: src}, transform: [cast: {id: int}], "
                                                 "load: {to: pg, table: " + t63 + ", mode: replace, key: [id]}}\n");
  std::string out;
  for (int run = 0; run < 2; ++run) {
    ASSERT_EQ(sluice_cmd("run " + dir.file("replace.yaml") + " --fresh", &out), 0) << out;
    EXPECT_EQ(pg.scalar("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM " + t63), "1=new,2=new too");
  }
  EXPECT_EQ(pg_tables(pg, "h1\\_%"), "public." + t63) << "no staging table is left behind";

  // Two MySQL tables of 64 characters sharing 63: PostgreSQL would load both into one.
  test::MyClient my(my_url);
  my.exec("DROP DATABASE IF EXISTS h1_src");
  my.exec("CREATE DATABASE h1_src");
  const std::string a = std::string(63, 'm') + "a", b = std::string(63, 'm') + "b";
  my.exec("CREATE TABLE h1_src." + a + " (id int PRIMARY KEY)");
  my.exec("CREATE TABLE h1_src." + b + " (id int PRIMARY KEY)");
  my.exec("INSERT INTO h1_src." + a + " VALUES (1)");
  my.exec("INSERT INTO h1_src." + b + " VALUES (2)");
  pg.exec("DROP SCHEMA IF EXISTS h1_copy CASCADE");
  std::string my_src = my_url.substr(0, my_url.rfind('/')) + "/h1_src";
  test::write_file(dir.file("whole.yaml"), "version: 1\nname: h1-whole\nconnections:\n  my: {url: \"" + my_src + "\"}\n  pg: {url: \"" + pg_url +
                                               "\"}\nsteps:\n  - {name: all, extract: {from: my, tables: {include: [\"*\"]}}, "
                                               "load: {to: pg, schema: h1_copy}}\n");
  EXPECT_EQ(sluice_cmd("run " + dir.file("whole.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("over PostgreSQL's limit of 63"), std::string::npos) << out;
  EXPECT_NE(out.find(a), std::string::npos) << out;
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'h1_copy'"), "0") << "nothing was written";
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM sluice_state WHERE pipeline = 'h1-whole'"), "0");
  EXPECT_EQ(sluice_cmd("plan " + dir.file("whole.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("over PostgreSQL's limit of 63"), std::string::npos) << out;
  my.exec("DROP DATABASE h1_src");
}

// Item 2: schema: on a single-table step is honoured, created, and shown by plan.
TEST(Hardening, Item2_LoadSchemaOfASingleTableStepIsHonoured) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  pg.exec("DROP SCHEMA IF EXISTS h2_crm CASCADE");
  pg.exec("DROP TABLE IF EXISTS public.h2_people");
  pg.exec("CREATE TABLE public.h2_people (id int PRIMARY KEY, name text)");
  pg.exec("INSERT INTO public.h2_people VALUES (7, 'must stay')");
  pg.forget_pipeline("h2");
  test::TempDir dir;
  test::write_file(dir.file("in/people.csv"), "id,name\n1,Ann\n2,Bo\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: h2\nconnections:\n  in: {url: csv://./in}\n  pg: {url: \"" + pg_url +
                                           "\"}\nsteps:\n  - {name: s, extract: {from: in, table: people}, transform: [cast: {id: int}], "
                                           "load: {to: pg, schema: h2_crm, table: h2_people, mode: replace, key: [id]}}\n");
  std::string out;
  ASSERT_EQ(sluice_cmd("plan " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("h2_crm.h2_people"), std::string::npos) << out;
  ASSERT_EQ(sluice_cmd("run " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_EQ(pg.scalar("SELECT string_agg(name, ',' ORDER BY id) FROM h2_crm.h2_people"), "Ann,Bo");
  EXPECT_EQ(pg.scalar("SELECT string_agg(name, ',') FROM public.h2_people"), "must stay");
  ASSERT_EQ(sluice_cmd("verify " + dir.file("p.yaml"), &out), 0) << out;
}

// Item 6: a query: that tries to write does not, in plan or run, on either server.
TEST(Hardening, Item6_SourceQueriesCannotWrite) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::PgClient pg(pg_url);
  test::MyClient my(my_url);
  pg.exec("DROP TABLE IF EXISTS h6_pwned");
  my.exec("DROP TABLE IF EXISTS h6_pwned");
  test::TempDir dir;
  const std::string evil = "SELECT 1 AS id) q1; CREATE TABLE h6_pwned (x int); SELECT * FROM (SELECT 1 AS id";
  const std::string evil2 = "SELECT 1 AS id; CREATE TABLE h6_pwned (x int)";
  for (const auto& [name, url] : std::vector<std::pair<std::string, std::string>>{{"pg", pg_url}, {"my", my_url}}) {
    for (const auto& q : {evil, evil2}) {
      test::write_file(dir.file("p.yaml"), "version: 1\nname: h6\nconnections:\n  db: {url: \"" + url +
                                               "\"}\n  out: {url: csv://./out}\nsteps:\n  - {name: s, extract: {from: db, query: \"" + q +
                                               "\", order_by: [id]}, load: {to: out, table: q}}\n");
      std::string out;
      EXPECT_NE(sluice_cmd("plan " + dir.file("p.yaml"), &out), 0) << out;
      EXPECT_NE(sluice_cmd("run " + dir.file("p.yaml"), &out), 0) << out;
    }
  }
  EXPECT_EQ(pg.scalar("SELECT to_regclass('h6_pwned') IS NULL"), "t");
  EXPECT_EQ(my.scalar("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'h6_pwned'"), "0");
}

// Item 11: bytes copied into a CSV target verify as equal (the \x hex form is compared
// as the bytes it encodes).
TEST(Hardening, Item11_VerifyComparesHexTextAsBytes) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  pg.exec("DROP TABLE IF EXISTS h11_bytes");
  pg.exec("CREATE TABLE h11_bytes (id int PRIMARY KEY, b bytea)");
  pg.exec("INSERT INTO h11_bytes VALUES (1, '\\x00ff10'), (2, ''), (3, NULL)");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), "version: 1\nname: h11f\nconnections:\n  pg: {url: \"" + pg_url +
                                           "\"}\n  out: {url: csv://./out}\nsteps:\n  - {name: s, extract: {from: pg, table: h11_bytes}, load: {to: out, mode: replace}}\n");
  std::string out;
  ASSERT_EQ(sluice_cmd("run " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_EQ(sluice_cmd("verify " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("0 differences: equal"), std::string::npos) << out;
  test::write_file(dir.file("out/h11_bytes.csv"), "id,b\n1,\\x00ff11\n2,\"\"\n3,\n");
  EXPECT_EQ(sluice_cmd("verify " + dir.file("p.yaml"), &out), 1) << out;
  EXPECT_NE(out.find("differs: (row=1) in b"), std::string::npos) << out;
}


}  // namespace
