// load.on_schema_change for scheduled loads into existing tables (SQLite, no servers):
// a source that gains a column between two runs stops the run naming it (fail), has it
// added and loaded (add_columns) or leaves it out (ignore); a target column nothing
// fills stops the run in every mode.
#include <gtest/gtest.h>

#include "support/process.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

std::string sluice_cmd(const std::string& args) { return std::string(SLUICE_BINARY) + " " + args; }

std::string pipeline(const std::string& dst, const std::string& mode) {
  return "version: 1\nname: drift-" + dst + "\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:" + dst + ".db}\n"
         "steps:\n  - {name: t, extract: {from: src, table: t}, load: {to: dst, table: t" +
         (mode.empty() ? "" : ", on_schema_change: " + mode) + "}}\n";
}

}  // namespace

TEST(LocalSchemaChange, ANewSourceColumnFailsIsAddedOrIsIgnored) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  for (const std::string mode : {"", "add_columns", "ignore"}) {
    const std::string name = mode.empty() ? "fail" : mode;
    test::write_file(dir.file(name + ".yaml"), pipeline(name, mode));
    std::string out;
    ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file(name + ".yaml")), &out), 0) << out;
  }
  // The source gains a column, and rows that fill it.
  test::sqlite_exec(dir.file("src.db"), "ALTER TABLE t ADD COLUMN score INTEGER; INSERT INTO t VALUES (4, 'd', 40), (5, 'e', 50)");

  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("plan " + dir.file("fail.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("schema change: the source has column(s) the target lacks: score (INTEGER)"), std::string::npos) << out;
  EXPECT_NE(out.find("on_schema_change: fail -- run stops before writing"), std::string::npos) << out;
  EXPECT_EQ(test::run_command(sluice_cmd("run " + dir.file("fail.yaml")), &out), 1) << out;
  EXPECT_NE(out.find("the source has column(s) that target t lacks: score (INTEGER); nothing was written"), std::string::npos) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("fail.db"), "SELECT count(*) FROM t"), "3");
  EXPECT_EQ(test::sqlite_scalar(dir.file("fail.db"), "SELECT count(*) FROM pragma_table_info('t') WHERE name = 'score'"), "0");

  ASSERT_EQ(test::run_command(sluice_cmd("plan " + dir.file("add_columns.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("ALTER TABLE t ADD COLUMN score"), std::string::npos) << out;
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("add_columns.yaml")), &out), 0) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("add_columns.db"), "SELECT group_concat(id || ':' || coalesce(score, '-'), ',') FROM (SELECT * FROM t ORDER BY id)"),
            "1:-,2:-,3:-,4:40,5:50");

  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("ignore.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("not loading column(s) that target t lacks: score"), std::string::npos) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("ignore.db"), "SELECT group_concat(id || v, ',') FROM (SELECT * FROM t ORDER BY id)"), "1a,2b,3c,4d,5e");
  EXPECT_EQ(test::sqlite_scalar(dir.file("ignore.db"), "SELECT count(*) FROM pragma_table_info('t') WHERE name = 'score'"), "0");
}

TEST(LocalSchemaChange, ATargetColumnNothingFillsStopsTheRunInEveryMode) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')");
  test::sqlite_exec(dir.file("ignore.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, region TEXT NOT NULL)");
  test::write_file(dir.file("p.yaml"), pipeline("ignore", "ignore"));
  std::string out;
  EXPECT_EQ(test::run_command(sluice_cmd("run " + dir.file("p.yaml")), &out), 1) << out;
  EXPECT_NE(out.find("NOT NULL column(s) without a default that the source no longer gives: region"), std::string::npos) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("ignore.db"), "SELECT count(*) FROM t"), "0");
}

TEST(LocalSchemaChange, AColumnTheSourceDroppedFailsNamedOrIsWarnedOf) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, note TEXT); INSERT INTO t VALUES (1, 'a', 'n1')");
  for (const std::string mode : {"", "ignore"}) {
    const std::string name = mode.empty() ? "fail" : mode;
    test::write_file(dir.file(name + ".yaml"), pipeline(name, mode));
    std::string out;
    ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file(name + ".yaml")), &out), 0) << out;
  }
  test::sqlite_exec(dir.file("src.db"), "ALTER TABLE t DROP COLUMN note; INSERT INTO t VALUES (2, 'b')");

  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("plan " + dir.file("fail.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("schema change: target column note is no longer in the source: new rows get NULL -- on_schema_change: fail, run stops"),
            std::string::npos) << out;
  EXPECT_EQ(test::run_command(sluice_cmd("run " + dir.file("fail.yaml")), &out), 1) << out;
  EXPECT_NE(out.find("has column(s) the source no longer gives (new rows would get NULL): note; nothing was written"), std::string::npos) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("fail.db"), "SELECT count(*) FROM t"), "1");

  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("ignore.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("has column(s) the source no longer gives: note; new rows get NULL there (on_schema_change: ignore)"), std::string::npos) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("ignore.db"), "SELECT group_concat(id || ':' || coalesce(note, 'NULL'), ',') FROM t ORDER BY id"), "1:n1,2:NULL");
}

TEST(LocalSchemaChange, ASourceTypeThatOutgrewItsTargetColumnFailsNamedOrIsWarnedOfOnce) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(10)); INSERT INTO t VALUES (1, 'ada'), (2, 'bob')");
  // A table the user made narrower than the source on purpose: never a change.
  test::sqlite_exec(dir.file("narrow.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(5))");
  for (const std::string name : {"fail", "ignore", "narrow"}) {
    test::write_file(dir.file(name + ".yaml"), pipeline(name, name == "ignore" ? "ignore" : ""));
    std::string out;
    ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file(name + ".yaml")), &out), 0) << out;
  }
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("narrow.yaml")), &out), 0) << out;
  // The record on_schema_change compares with is no checkpoint: `state` does not list it.
  ASSERT_EQ(test::run_command(sluice_cmd("state " + dir.file("fail.yaml")), &out), 0) << out;
  EXPECT_EQ(out.find("@columns"), std::string::npos) << out;

  // The source's column widens; a longer value arrives.
  test::sqlite_exec(dir.file("src.db"),
                    "ALTER TABLE t RENAME TO old; CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(40)); INSERT INTO t SELECT * FROM old; "
                    "DROP TABLE old; INSERT INTO t VALUES (3, 'a name of thirty characters...')");

  ASSERT_EQ(test::run_command(sluice_cmd("plan " + dir.file("fail.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("schema change: source column name changed since the last run (varchar(10) -> varchar(40)) and the target column may "
                     "not hold it: text length -- on_schema_change: fail, run stops"),
            std::string::npos) << out;
  EXPECT_EQ(test::run_command(sluice_cmd("run " + dir.file("fail.yaml")), &out), 1) << out;
  EXPECT_NE(out.find("source column type(s) changed since the last run into one target t may not hold: name (varchar(10) -> varchar(40): "
                     "text length); nothing was written"),
            std::string::npos) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("fail.db"), "SELECT count(*) FROM t"), "2");
  // It keeps stopping until someone decides: the record is the last accepted source.
  EXPECT_EQ(test::run_command(sluice_cmd("run " + dir.file("fail.yaml")), &out), 1) << out;

  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("ignore.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("source column type(s) changed since the last run into one target t may not hold: name (varchar(10) -> varchar(40): "
                     "text length); values that do not fit are refused (on_schema_change: ignore)"),
            std::string::npos) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("ignore.db"), "SELECT count(*) FROM t"), "3");
  // Accepted once, said once: the next run compares with the widened source.
  test::sqlite_exec(dir.file("src.db"), "INSERT INTO t VALUES (4, 'dan')");
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("ignore.yaml")), &out), 0) << out;
  EXPECT_EQ(out.find("changed since the last run"), std::string::npos) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("ignore.db"), "SELECT count(*) FROM t"), "4");

  // Resetting the step forgets the record with its checkpoints.
  ASSERT_EQ(test::run_command(sluice_cmd("state " + dir.file("fail.yaml") + " --reset t"), &out), 0) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("fail.db"), "SELECT count(*) FROM sluice_state"), "0");
}
