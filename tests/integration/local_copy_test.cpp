// sluice copy and sluice discover without servers: a copy is the one-step pipeline its
// arguments describe (same rows as through a file, resumable under its derived name),
// --print-pipeline is a file that validates and runs to the same result, and discover
// lists tables, columns, keys and estimates as text and JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/process.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {
std::string sluice_cmd(const std::string& args) { return std::string(SLUICE_BINARY) + " " + args; }
}  // namespace

TEST(LocalCopy, CopyEqualsThePipelineItPrints) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL, n REAL); "
                                        "INSERT INTO t VALUES (1, 'a', 1.5), (2, 'b\"q', NULL), (3, 'ü', 3); "
                                        "CREATE TABLE audit_log (id INTEGER PRIMARY KEY); CREATE TABLE u (k TEXT PRIMARY KEY)");
  std::string out;
  // Relative paths are the caller's: run from the folder.
  ASSERT_EQ(test::run_command("cd " + dir.path() + " && " + sluice_cmd("copy sqlite:src.db sqlite:dst.db --table t"), &out), 0) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("dst.db"), "SELECT group_concat(id || v || coalesce(n, '-'), ',') FROM (SELECT * FROM t ORDER BY id)"),
            "1a1.5,2b\"q-,3ü3.0");
  // A rerun appends nothing twice: the same pipeline name continues after the last key.
  ASSERT_EQ(test::run_command("cd " + dir.path() + " && " + sluice_cmd("copy sqlite:src.db sqlite:dst.db --table t"), &out), 0) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("dst.db"), "SELECT count(*) FROM t"), "3");

  ASSERT_EQ(test::run_command("cd " + dir.path() + " && " + sluice_cmd("copy sqlite:src.db sqlite:printed.db --table t --print-pipeline") +
                              " > copy.yaml", &out), 0) << out;
  const std::string yaml = test::read_file(dir.file("copy.yaml"));
  EXPECT_NE(yaml.find("name: copy-sqlite-src-db-to-sqlite-printed-db-t"), std::string::npos) << yaml;
  ASSERT_EQ(test::run_command(sluice_cmd("validate " + dir.file("copy.yaml")), &out), 0) << out << yaml;
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("copy.yaml")), &out), 0) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("printed.db"), "SELECT group_concat(id || v || coalesce(n, '-'), ',') FROM (SELECT * FROM t ORDER BY id)"),
            "1a1.5,2b\"q-,3ü3.0");

  // Tables by glob, with exclusions, into a CSV folder.
  ASSERT_EQ(test::run_command("cd " + dir.path() + " && " + sluice_cmd("copy sqlite:src.db csv://./out --tables '*' --exclude 'audit_*'"), &out), 0) << out;
  EXPECT_TRUE(std::filesystem::exists(dir.file("out/t.csv")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("out/u.csv")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("out/audit_log.csv")));

  EXPECT_EQ(test::run_command(sluice_cmd("copy sqlite:src.db sqlite:x.db"), &out), 2) << out;
  EXPECT_NE(out.find("give either --table T or --tables GLOB"), std::string::npos) << out;
}

TEST(LocalCopy, PrintedPipelineHoldsNoPassword) {
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("copy 'postgres://etl:s3cr%40t@db.example:5432/shop?sslmode=require' sqlite:/tmp/x.db "
                                         "--table orders --mode upsert --print-pipeline"), &out), 0) << out;
  EXPECT_EQ(out.find("s3cr"), std::string::npos) << out;
  EXPECT_NE(out.find("postgres://etl:${SLUICE_COPY_SRC_PASSWORD}@db.example:5432/shop?sslmode=require"), std::string::npos) << out;
  EXPECT_NE(out.find("set SLUICE_COPY_SRC_PASSWORD"), std::string::npos) << out;
  EXPECT_NE(out.find("mode: upsert"), std::string::npos) << out;
}

TEST(LocalDiscover, ListsTablesColumnsKeysAndEstimates) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("d.db"), "CREATE TABLE orders (id INTEGER PRIMARY KEY, total DECIMAL(10,2) NOT NULL, note TEXT); "
                                      "INSERT INTO orders VALUES (1, 2.5, NULL); CREATE TABLE notes (body TEXT)");
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("discover sqlite:" + dir.file("d.db")), &out), 0) << out;
  EXPECT_NE(out.find("orders  ("), std::string::npos) << out;
  EXPECT_NE(out.find("  id  INTEGER identity  [primary key]"), std::string::npos) << out;  // SQLite's rowid
  EXPECT_NE(out.find("  total  DECIMAL(10,2) NOT NULL"), std::string::npos) << out;
  EXPECT_NE(out.find("[primary key]"), std::string::npos) << out;
  EXPECT_NE(out.find("notes  ("), std::string::npos) << out;
  EXPECT_NE(out.find("no primary key"), std::string::npos) << out;
  ASSERT_EQ(test::run_command(sluice_cmd("discover --json sqlite:" + dir.file("d.db")) + " 2>/dev/null", &out), 0) << out;
  auto j = nlohmann::json::parse(out);
  ASSERT_EQ(j["tables"].size(), 2u) << out;
  bool found = false;
  for (const auto& t : j["tables"])
    if (t["name"] == "orders") {
      found = true;
      EXPECT_EQ(t["primary_key"], nlohmann::json::array({"id"}));
      EXPECT_EQ(t["columns"].size(), 3u);
      EXPECT_EQ(t["columns"][1]["nullable"], false);
    }
  EXPECT_TRUE(found) << out;
  EXPECT_EQ(test::run_command(sluice_cmd("discover nosuch://x"), &out), 2) << out;
}
