// `sluice state`: --reset STEP clears every checkpoint of the step (its tables' and its
// shards'), and nothing of another step whose name it prefixes.
#include <gtest/gtest.h>

#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

int sluice_cmd(const std::string& args, std::string* out) { return test::run_command(std::string(SLUICE_BINARY) + " " + args, out); }

TEST(State, ResetClearsTablesAndShardsOfTheStepOnly) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (id INTEGER PRIMARY KEY); "
                                        "INSERT INTO a VALUES (1), (2); INSERT INTO b VALUES (3)");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: st\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\nsteps:\n"
                                           "  - {name: s, extract: {from: src, table: a}, load: {to: dst, table: s_a}}\n"
                                           "  - {name: s_all, extract: {from: src, tables: {include: [\"*\"]}}, load: {to: dst}}\n"
                                           "  - {name: s_x, extract: {from: src, table: b}, load: {to: dst, table: s_b}}\n");
  std::string out;
  for (const auto* shard : {"0/2", "1/2"}) ASSERT_EQ(sluice_cmd("run " + dir.file("p.yaml") + " --step s --shard " + shard, &out), 0) << out;
  ASSERT_EQ(sluice_cmd("run " + dir.file("p.yaml") + " --step s_all", &out), 0) << out;
  ASSERT_EQ(sluice_cmd("run " + dir.file("p.yaml") + " --step s_x", &out), 0) << out;
  auto keys = [&] { return test::sqlite_scalar(dir.file("dst.db"), "SELECT group_concat(step, ' ') FROM (SELECT step FROM sluice_state ORDER BY step)"); };
  // Beside the checkpoints, each unit's record of its source's column types
  // (load.on_schema_change); the shards of s share one.
  ASSERT_EQ(keys(), "s@0/2 s@1/2 s@columns s_all/a s_all/a@columns s_all/b s_all/b@columns s_x s_x@columns");
  ASSERT_EQ(sluice_cmd("state " + dir.file("p.yaml") + " --reset s", &out), 0) << out;
  // Steps whose names start with "s" keep theirs: only s@K/N belonged to s.
  EXPECT_EQ(keys(), "s_all/a s_all/a@columns s_all/b s_all/b@columns s_x s_x@columns");
  ASSERT_EQ(sluice_cmd("state " + dir.file("p.yaml") + " --reset s_all", &out), 0) << out;
  EXPECT_EQ(keys(), "s_x s_x@columns");
  // `state` lists checkpoints only.
  ASSERT_EQ(sluice_cmd("state " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("s_x: run"), std::string::npos) << out;
  EXPECT_EQ(out.find("@columns"), std::string::npos) << out;
  // A pipeline-file error is exit 2 for state as for every command.
  test::write_file(dir.file("bad.yaml"), "version: 1\nname: st\nconnections:\n  dst: {url: sqlite:dst.db, hots: 1}\nsteps: []\n");
  EXPECT_EQ(sluice_cmd("state " + dir.file("bad.yaml"), &out), 2) << out;
}

}  // namespace
