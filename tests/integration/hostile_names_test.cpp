// Issue 7: tables and columns named with quotes, backticks, semicolons, spaces, '/',
// '..', non-ASCII, and at and over each dialect's length limit, through every load mode
// and a whole-database copy in each direction (SQLite → PostgreSQL → MySQL → SQLite,
// SQLite → CSV → SQLite). Each run copies exactly or refuses before writing anything.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "support/mysql_client.h"
#include "support/pg_client.h"
#include "support/servers.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

using test::sqlite_exec;
using test::sqlite_scalar;

const std::vector<std::string> kTables = {"we\"ird", "back`tick", "it's", "semi;colon", "sp ace", "sla/sh", "..",
                                          "na\xC3\xAFve_\xC3\xA9", std::string(63, 'x')};
const std::vector<std::string> kColumns = {"c\"q", "c`b", "c'a", "c;d", "c d", "c/e", "\xC3\xBC"};

std::string dq(const std::string& s) {
  std::string o = "\"";
  for (char c : s) { if (c == '"') o += '"'; o += c; }
  return o + "\"";
}
std::string bq(const std::string& s) {
  std::string o = "`";
  for (char c : s) { if (c == '`') o += '`'; o += c; }
  return o + "`";
}

// A SQLite database with every hostile table: id plus every hostile column.
void make_source(const std::string& path, const std::vector<std::string>& tables) {
  for (const auto& t : tables) {
    std::string cols = "id INTEGER PRIMARY KEY";
    for (const auto& c : kColumns) cols += ", " + dq(c) + " TEXT";
    sqlite_exec(path, "CREATE TABLE " + dq(t) + " (" + cols + ")");
    for (int i = 1; i <= 3; ++i) {
      std::string vals = std::to_string(i);
      for (std::size_t c = 0; c < kColumns.size(); ++c)
        vals += i == 3 && c == 0 ? ", NULL" : ", '" + std::string(i == 2 ? "it''s \"x\"; `y` \xC3\xA9 " : "v") + std::to_string(c) + "'";
      sqlite_exec(path, "INSERT INTO " + dq(t) + " VALUES (" + vals + ")");
    }
  }
}

int sluice_cmd(const std::string& args, std::string* out) { return test::run_command(std::string(SLUICE_BINARY) + " " + args, out); }

std::string pg_snapshot(test::PgClient& pg) {
  return pg.scalar("SELECT coalesce(string_agg(n.nspname || '.' || c.relname, ',' ORDER BY 1), '') FROM pg_class c "
                   "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema')") +
         "|" + pg.scalar("SELECT count(*) FROM sluice_state") + "|" + pg.scalar("SELECT string_agg(v, ',') FROM h8_sentinel");
}

std::string my_snapshot(test::MyClient& my) {
  return my.scalar("SELECT coalesce(GROUP_CONCAT(CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) ORDER BY 1), '') FROM information_schema.TABLES "
                   "WHERE TABLE_SCHEMA NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')");
}

TEST(HostileNames, EveryModeEveryDirectionCopiesExactlyOrRefusesBeforeWriting) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::PgClient pg(pg_url);
  test::MyClient my(my_url);
  pg.exec("DROP SCHEMA IF EXISTS h8 CASCADE");
  pg.exec("DROP SCHEMA IF EXISTS h8_long CASCADE");
  pg.exec("CREATE TABLE IF NOT EXISTS sluice_state (pipeline text NOT NULL, step text NOT NULL, run_id text NOT NULL, last_key text NOT NULL, "
          "rows_committed bigint NOT NULL, completed boolean NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (pipeline, step))");
  pg.forget_pipeline("h8%");
  pg.exec("DROP TABLE IF EXISTS h8_sentinel");
  pg.exec("CREATE TABLE h8_sentinel (v text)");
  pg.exec("INSERT INTO h8_sentinel VALUES ('untouched')");
  my.exec("DROP DATABASE IF EXISTS h8");
  my.exec("DROP DATABASE IF EXISTS h8_long");
  test::TempDir dir;
  make_source(dir.file("src.db"), kTables);
  const std::string my_base = my_url.substr(0, my_url.rfind('/'));
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: h8\nconnections:\n  src: {url: sqlite:src.db}\n  pg: {url: \"" + pg_url + "\"}\n"
                   "  my: {url: \"" + my_base + "/sluice_test\"}\n  back: {url: sqlite:back.db}\n  csv: {url: csv://./csv}\n  fromcsv: {url: sqlite:fromcsv.db}\n"
                   "defaults: {batch_size: 2, commit_every: 1}\nsteps:\n"
                   "  - {name: to_pg, extract: {from: src, tables: {include: [\"*\"]}}, load: {to: pg, schema: h8, mode: \"${MODE}\"}}\n"
                   "  - {name: to_my, extract: {from: pg, schema: h8, tables: {include: [\"*\"]}}, load: {to: my, schema: h8, mode: \"${MODE}\"}}\n"
                   "  - {name: to_lite, extract: {from: my, schema: h8, tables: {include: [\"*\"]}}, load: {to: back, mode: \"${MODE}\"}}\n"
                   "  - {name: to_csv, extract: {from: src, tables: {include: [\"*\"]}}, load: {to: csv, mode: \"${MODE_CSV}\"}}\n"
                   "  - {name: from_csv, extract: {from: csv, tables: {include: [\"*\"]}}, load: {to: fromcsv, mode: \"${MODE_CSV}\"}}\n");
  // The CSV folder has no upsert; its passes use replace there. The CSV copy is loaded
  // with every column as text (CSV has no types); its values must still be exact.
  for (const std::string mode : {"replace", "upsert", "truncate", "append", "replace"}) {
    const std::string csv_mode = mode == "upsert" ? "replace" : mode;
    for (const auto* step : {"to_pg", "to_my", "to_lite", "to_csv", "from_csv"}) {
      std::string out;
      ASSERT_EQ(test::run_command("MODE=" + mode + " MODE_CSV=" + csv_mode + " " + SLUICE_BINARY + " run " + dir.file("p.yaml") +
                                      " --step " + step + (mode == "replace" ? " --fresh" : ""), &out), 0)
          << "MODE=" << mode << " step " << step << ":\n" << out;
    }
    std::string out;
    EXPECT_EQ(test::run_command("MODE=" + mode + " MODE_CSV=" + csv_mode + " " + SLUICE_BINARY + " verify " + dir.file("p.yaml"), &out), 0)
        << "MODE=" << mode << ":\n" << out;
    // Independent of sluice: the round trips give the source back, value for value.
    for (const auto& db : {"back.db", "fromcsv.db"})
      for (const auto& t : kTables) {
        std::string cols = "CAST(id AS TEXT)";
        for (const auto& c : kColumns) cols += ", " + dq(c);
        const std::string a = "SELECT " + cols + " FROM main." + dq(t), o = "SELECT " + cols + " FROM other." + dq(t);
        EXPECT_EQ(sqlite_scalar(dir.file("src.db"), "SELECT (SELECT count(*) FROM (" + a + " EXCEPT " + o + ")) + (SELECT count(*) FROM (" +
                                                        o + " EXCEPT " + a + "))", dir.file(db)), "0")
            << db << " " << t << " differs from the source after MODE=" << mode;
        EXPECT_EQ(sqlite_scalar(dir.file(db), "SELECT count(*) FROM " + dq(t)), "3") << db << " " << t << " after MODE=" << mode;
      }
    for (const auto& t : kTables) {
      EXPECT_EQ(pg.scalar("SELECT count(*) FROM h8." + dq(t)), "3") << t;
      EXPECT_EQ(my.scalar("SELECT count(*) FROM h8." + bq(t)), "3") << t;
      EXPECT_EQ(pg.scalar("SELECT " + dq(kColumns[0]) + " FROM h8." + dq(t) + " WHERE id = 2"), "it's \"x\"; `y` \xC3\xA9 0");
      EXPECT_EQ(my.scalar("SELECT " + bq(kColumns[6]) + " FROM h8." + bq(t) + " WHERE id = 2"), "it's \"x\"; `y` \xC3\xA9 6");
    }
    EXPECT_EQ(pg.scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'h8' AND c.relkind = 'r'"),
              std::to_string(kTables.size())) << "no staging table left behind";
  }
  // Exactly equal, byte for byte: the round trip through PostgreSQL and MySQL.
  for (const auto& t : kTables) {
    std::string cols = "id";
    for (const auto& c : kColumns) cols += ", " + dq(c);
    EXPECT_EQ(sqlite_scalar(dir.file("src.db"), "SELECT group_concat(quote(" + dq(kColumns[1]) + "), '|') FROM " + dq(t)),
              sqlite_scalar(dir.file("back.db"), "SELECT group_concat(quote(" + dq(kColumns[1]) + "), '|') FROM " + dq(t))) << t;
  }

  // Over the limits: 64 bytes (PostgreSQL's limit is 63) and 65 characters (MySQL's is
  // 64). Each run is refused before it writes anything, in the target or elsewhere.
  make_source(dir.file("long.db"), {std::string(64, 'l'), std::string(65, 'm')});
  make_source(dir.file("long_my.db"), {std::string(65, 'm')});
  test::write_file(dir.file("long.yaml"),
                   "version: 1\nname: h8-long\nconnections:\n  src: {url: sqlite:long.db}\n  srcmy: {url: sqlite:long_my.db}\n  pg: {url: \"" + pg_url +
                   "\"}\n  my: {url: \"" + my_base + "/sluice_test\"}\nsteps:\n"
                   "  - {name: pg, extract: {from: src, tables: {include: [\"*\"]}}, load: {to: pg, schema: h8_long, mode: replace}}\n"
                   "  - {name: my, extract: {from: srcmy, tables: {include: [\"*\"]}}, load: {to: my, schema: h8_long, mode: upsert}}\n"
                   "  - {name: one, extract: {from: src, table: " + std::string(64, 'l') + "}, load: {to: pg, table: " + std::string(64, 'l') + "}}\n");
  const std::string pg_before = pg_snapshot(pg), my_before = my_snapshot(my);
  std::string out;
  EXPECT_EQ(sluice_cmd("validate " + dir.file("long.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("long.yaml:11:"), std::string::npos) << out;
  for (const auto* step : {"pg", "my", "one"}) {
    EXPECT_EQ(sluice_cmd("run " + dir.file("long.yaml") + " --step " + step, &out), 2) << step << ":\n" << out;
    EXPECT_NE(out.find("over "), std::string::npos) << out;
    for (const auto* mode : {"--dry-run", "--fresh"}) EXPECT_EQ(sluice_cmd("run " + dir.file("long.yaml") + " --step " + step + " " + mode, &out), 2) << out;
  }
  EXPECT_EQ(pg_snapshot(pg), pg_before);
  EXPECT_EQ(my_snapshot(my), my_before);
  // A name exactly at the limit is fine: 64 characters in MySQL.
  make_source(dir.file("at_my.db"), {std::string(64, 'k')});
  test::write_file(dir.file("at.yaml"), "version: 1\nname: h8-at\nconnections:\n  src: {url: sqlite:at_my.db}\n  my: {url: \"" + my_base +
                                            "/sluice_test\"}\nsteps:\n  - {name: my, extract: {from: src, tables: {include: [\"*\"]}}, load: {to: my, schema: h8_long, mode: replace}}\n");
  EXPECT_EQ(sluice_cmd("run " + dir.file("at.yaml"), &out), 0) << out;
  EXPECT_EQ(my.scalar("SELECT count(*) FROM h8_long." + std::string(64, 'k')), "3");
  my.exec("DROP DATABASE IF EXISTS h8_long");
}

}  // namespace
