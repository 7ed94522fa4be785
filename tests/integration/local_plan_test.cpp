// Issue 8, item 1: run, plan and verify start from one plan (src/plan), so plan prints
// what run does and run refuses, before touching a target, what it could not do.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/process.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

std::string sluice_cmd(const std::string& args) { return std::string(SLUICE_BINARY) + " " + args; }

TEST(LocalPlan, ResumeLineSaysHowRunContinues) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT, updated_at DATETIME NOT NULL)");
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE notes (body TEXT)");
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: plan\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
                   "steps:\n"
                   "  - name: orders\n    extract: {from: src, table: orders, incremental: {cursor: updated_at}}\n"
                   "    load: {to: dst, table: orders, mode: upsert, key: [id]}\n"
                   "  - {name: copy, extract: {from: src, table: orders}, load: {to: dst, table: orders_copy}}\n"
                   "  - {name: notes, extract: {from: src, table: notes}, load: {to: dst, table: notes, mode: replace}}\n");
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("plan " + dir.file("p.yaml")), &out), 0) << out;
  // The incremental cursor comes first in the order the run reads and resumes by.
  EXPECT_NE(out.find("resume: after the last committed key (updated_at, id); incremental on updated_at"), std::string::npos) << out;
  EXPECT_NE(out.find("resume: after the last committed key (id); a rerun appends after the last row"), std::string::npos) << out;
  EXPECT_NE(out.find("resume: none (no primary key or order_by): loads all-or-nothing"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("dst.db"))) << "plan writes nothing";
}

TEST(LocalPlan, RunRefusesAQueryItCannotDescribeBeforeTouchingTheTarget) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY)");
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: q\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
                   "steps:\n  - {name: q, extract: {from: src, query: \"SELECT id, nosuchcolumn FROM t\", order_by: [id]}, "
                   "load: {to: dst, table: t}}\n");
  std::string out;
  EXPECT_EQ(test::run_command(sluice_cmd("run " + dir.file("p.yaml")), &out), 2) << out;
  EXPECT_NE(out.find("nosuchcolumn"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("dst.db"))) << "nothing written: exit 2 means the target was not touched";
}

TEST(LocalPlan, ParallelIsRefusedWhereRangesCannotShareASnapshotAndCliParallelFallsBackToOneStream) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  test::sqlite_exec(dir.file("src.db"), "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  auto pipeline = [&](const std::string& step_extra) {
    return "version: 1\nname: par\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
           "steps:\n  - {name: copy" + step_extra + ", extract: {from: src, table: t}, load: {to: dst, table: t}}\n";
  };
  test::write_file(dir.file("p.yaml"), pipeline(", parallel: 2"));
  std::string out;
  EXPECT_EQ(test::run_command(sluice_cmd("run " + dir.file("p.yaml")), &out), 2) << out;
  EXPECT_NE(out.find("step copy: parallel: 2 cannot split t: sqlite:"), std::string::npos) << out;
  EXPECT_NE(out.find("cannot read several ranges under one snapshot"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("dst.db"))) << "refused before the target was touched";

  test::write_file(dir.file("p.yaml"), pipeline(""));
  EXPECT_EQ(test::run_command(sluice_cmd("run --parallel 2 " + dir.file("p.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("step copy: read as one stream"), std::string::npos) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("dst.db"), "SELECT group_concat(v, '') FROM t"), "abc");

  test::write_file(dir.file("p.yaml"), pipeline(", parallel: 0"));
  EXPECT_EQ(test::run_command(sluice_cmd("validate " + dir.file("p.yaml")), &out), 2) << out;
  EXPECT_NE(out.find("parallel"), std::string::npos) << out;
}

TEST(LocalPlan, AnOrderByColumnThatIsNotExtractedIsAUsageError) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: o\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
                   "steps:\n  - {name: o, extract: {from: src, table: t, columns: [v], order_by: [id]}, load: {to: dst, table: t}}\n");
  std::string out;
  EXPECT_EQ(test::run_command(sluice_cmd("run " + dir.file("p.yaml")), &out), 2) << out;
  EXPECT_NE(out.find("step o: order_by column 'id' is not among the extracted columns"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("dst.db")));
}

}  // namespace

namespace {

// Issue 9, item 8: identifiers: lower folds the target's table and column names (and
// the key), so mixed-case source names need no quoting in the target; verify follows.
TEST(LocalPlan, IdentifiersLowerFoldsTargetNames) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE \"MixedCase\" (\"CustomerID\" INTEGER PRIMARY KEY, \"FullName\" TEXT)");
  test::sqlite_exec(dir.file("src.db"), "INSERT INTO \"MixedCase\" VALUES (1, 'Ann'), (2, 'Bo')");
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: fold\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
                   "steps:\n  - {name: all, extract: {from: src, tables: {include: [\"*\"]}}, load: {to: dst, identifiers: lower, mode: upsert}}\n");
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("p.yaml")), &out), 0) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("dst.db"), "SELECT group_concat(name, ',') FROM pragma_table_info('mixedcase')"), "customerid,fullname");
  EXPECT_EQ(test::sqlite_scalar(dir.file("dst.db"), "SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'sluice_state'"), "mixedcase");
  ASSERT_EQ(test::run_command(sluice_cmd("verify " + dir.file("p.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("equal"), std::string::npos) << out;

  // A transform may make names that differ only in case: refused before anything runs.
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE t2 (id INTEGER PRIMARY KEY, name TEXT, other TEXT)");
  test::write_file(dir.file("clash.yaml"),
                   "version: 1\nname: clash\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:clash.db}\n"
                   "steps:\n  - name: t2\n    extract: {from: src, table: t2}\n    transform: [{rename: {other: NAME}}]\n"
                   "    load: {to: dst, table: t2, identifiers: lower}\n");
  EXPECT_EQ(test::run_command(sluice_cmd("run " + dir.file("clash.yaml")), &out), 2) << out;
  EXPECT_NE(out.find("columns 'name' and 'NAME' both become 'name' with identifiers: lower"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("clash.db")));
}

}  // namespace

namespace {

TEST(LocalPlan, QualifiedPatternsNeedASourceWithSchemas) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY)");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: q\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
                                       "steps:\n  - {name: all, extract: {from: src, tables: {include: [\"main.*\"]}}, load: {to: dst}}\n");
  std::string out;
  EXPECT_EQ(test::run_command(sluice_cmd("run " + dir.file("p.yaml")), &out), 2) << out;
  EXPECT_NE(out.find("qualified table patterns (main.*) need a source with schemas; SQLite has none"), std::string::npos) << out;
}

}  // namespace
