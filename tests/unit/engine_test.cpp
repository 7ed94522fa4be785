// The engine's load loop, commit cadence, checkpoints, retries, reject isolation,
// truncate-once and replace finish, against the in-memory fake driver: no server,
// milliseconds. (The same behaviour against real databases: tests/integration.)
#include <gtest/gtest.h>

#include "sluice/runner.h"
#include "support/fake_driver.h"
#include "support/temp_dir.h"

using namespace sluice;
using test::FakeDb;

namespace {

RunResult run(const Pipeline& p, FakeDb& db) {
  auto drivers = test::fake_registry(db);
  RunOptions o;
  return Runner(p, drivers, o).run();
}

std::vector<std::int64_t> one_to(int n) {
  std::vector<std::int64_t> v;
  for (int i = 1; i <= n; ++i) v.push_back(i);
  return v;
}

TEST(Engine, CommitsEveryNBatchesWithTheCheckpointInTheSameTransaction) {
  FakeDb db;
  db.create_items("items", 10);
  auto p = test::fake_pipeline("items", "out", LoadMode::append, 2, 2);
  auto r = run(p, db);
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps[0].error);
  EXPECT_EQ(db.ids("out"), one_to(10));
  // 5 batches, a transaction every 2: after batches 2 and 4, and the finish.
  ASSERT_EQ(db.commit_log.size(), 3u);
  for (const auto& c : db.commit_log) EXPECT_EQ(static_cast<std::int64_t>(c.target_rows), c.checkpoint_rows);
  EXPECT_EQ(db.commit_log[0].checkpoint_rows, 4);
  EXPECT_EQ(db.commit_log[1].checkpoint_rows, 8);
  EXPECT_TRUE(db.state.at("copy").completed);
  EXPECT_EQ(r.steps[0].rows_written, 10);
  EXPECT_EQ(r.steps[0].rows_read, 10);
}

TEST(Engine, AFailedCommitIsRetriedFromTheCheckpointWithNothingLostOrDoubled) {
  for (int failing = 1; failing <= 4; ++failing) {
    FakeDb db;
    db.create_items("items", 10);
    db.fail_commit = failing;
    auto p = test::fake_pipeline("items", "out", LoadMode::append, 2, 1);
    auto r = run(p, db);
    ASSERT_EQ(r.exit_code, 0) << "commit " << failing << ": " << (r.steps.empty() ? "" : r.steps[0].error);
    EXPECT_EQ(db.ids("out"), one_to(10)) << "commit " << failing;
    EXPECT_EQ(r.steps[0].retries, 1);
    // Counts come from the attempt that committed them, never twice.
    EXPECT_EQ(r.steps[0].rows_written, 10) << "commit " << failing;
  }
}

TEST(Engine, ALostConnectionMidStepResumesAfterTheLastCommittedRow) {
  FakeDb db;
  db.create_items("items", 9);
  db.drop_at_write = 4;
  auto p = test::fake_pipeline("items", "out", LoadMode::append, 2, 1);
  auto r = run(p, db);
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps[0].error);
  EXPECT_EQ(db.ids("out"), one_to(9));
  EXPECT_EQ(r.steps[0].retries, 1);
}

TEST(Engine, RetriesRunOutWithExitTempFail) {
  FakeDb db;
  db.create_items("items", 4);
  db.fail_commit = 1;
  auto p = test::fake_pipeline("items", "out", LoadMode::append, 2, 1);
  p.steps[0].load.settings.retry.attempts = 1;
  auto r = run(p, db);
  EXPECT_EQ(r.exit_code, kExitTempFail);
  EXPECT_TRUE(db.ids("out").empty());
}

TEST(Engine, RejectIsolationFindsExactlyTheRefusedRows) {
  test::TempDir dir;
  FakeDb db;
  db.create_items("items", 20);
  db.refuse_ids = {3, 7, 20};
  auto p = test::fake_pipeline("items", "out", LoadMode::append, 4, 2);
  p.base_dir = dir.path();
  p.steps[0].load.settings.on_error = OnError::reject;
  p.steps[0].load.settings.max_rejects = 5;
  auto r = run(p, db);
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps[0].error);
  std::vector<std::int64_t> expected;
  for (int i = 1; i <= 20; ++i)
    if (i != 3 && i != 7 && i != 20) expected.push_back(i);
  EXPECT_EQ(db.ids("out"), expected);
  EXPECT_EQ(r.steps[0].rows_rejected, 3);
  std::string rejects = test::read_file(dir.file("rejects/fake/copy.jsonl"));
  for (const char* id : {"\"id\":3", "\"id\":7", "\"id\":20"}) EXPECT_NE(rejects.find(id), std::string::npos) << rejects;
  EXPECT_EQ(std::count(rejects.begin(), rejects.end(), '\n'), 3);
}

TEST(Engine, AbortNamesTheRefusedRowAndCommitsNothingOfItsTransaction) {
  FakeDb db;
  db.create_items("items", 10);
  db.refuse_ids = {6};
  auto p = test::fake_pipeline("items", "out", LoadMode::append, 2, 2);
  auto r = run(p, db);
  EXPECT_EQ(r.exit_code, kExitFailed);
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_NE(r.steps[0].error.find("row with key (id=6)"), std::string::npos) << r.steps[0].error;
  EXPECT_EQ(db.ids("out"), one_to(4)) << "the transaction holding row 6 rolled back";
  EXPECT_EQ(db.state.at("copy").rows, 4);
}

TEST(Engine, TruncateHappensOnceAcrossAResume) {
  FakeDb db;
  db.create_items("items", 8);
  db.create_items("out", 3);  // old rows the truncate must remove
  db.tables["out"][0][1].set_text("old");
  db.drop_at_write = 3;  // after the first transaction (batches 1-2) committed
  auto p = test::fake_pipeline("items", "out", LoadMode::truncate, 2, 2);
  auto r = run(p, db);
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps[0].error);
  EXPECT_EQ(db.ids("out"), one_to(8));
  EXPECT_EQ(db.truncates_committed, 1);
  EXPECT_EQ(db.tables["out"][0][1].str(), "item 1");
  EXPECT_EQ(r.steps[0].retries, 1);
}

TEST(Engine, ReplaceSwapsOnlyAfterTheLastBatch) {
  FakeDb db;
  db.create_items("items", 7);
  db.create_items("out", 2);
  db.drop_at_write = 3;  // and a resume in the middle, which keeps filling the staging table
  auto p = test::fake_pipeline("items", "out", LoadMode::replace, 2, 1);
  auto r = run(p, db);
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps[0].error);
  EXPECT_EQ(db.ids("out"), one_to(7));
  EXPECT_EQ(db.swaps, 1);
  ASSERT_FALSE(db.commit_log.empty());
  for (std::size_t i = 0; i + 1 < db.commit_log.size(); ++i) {
    EXPECT_FALSE(db.commit_log[i].swapped);
    EXPECT_EQ(db.commit_log[i].target_rows, 2u) << "readers see the old table until the swap";
  }
  EXPECT_TRUE(db.commit_log.back().swapped);
  EXPECT_EQ(db.tables.count("out__staging"), 0u);
}

TEST(Engine, ARerunOfACompletedAppendLoadsNothingTwice) {
  FakeDb db;
  db.create_items("items", 5);
  auto p = test::fake_pipeline("items", "out", LoadMode::append, 2, 1);
  ASSERT_EQ(run(p, db).exit_code, 0);
  db.create_items("items", 7);  // two new rows at the source
  auto r = run(p, db);
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_EQ(db.ids("out"), one_to(7));
  EXPECT_EQ(r.steps[0].rows_written, 2);
}

}  // namespace

namespace {

// Issue 8: each attempt's counts are merged once. Values repaired by on_invalid_text
// in rows an attempt read but did not commit are not counted again when the retry
// reads those rows a second time.
TEST(Engine, ValuesChangedAreCountedOnceAcrossARetry) {
  for (int drop = 1; drop <= 5; ++drop) {
    FakeDb db;
    db.create_items("items", 10);
    db.tables["items"][2][1].set_text("bad \xff");  // row 3
    db.tables["items"][6][1].set_text("bad \xfe");  // row 7
    db.drop_at_write = drop;
    auto p = test::fake_pipeline("items", "out", LoadMode::append, 2, 1);
    p.steps[0].load.settings.on_invalid_text = OnInvalidText::replace;
    auto r = run(p, db);
    ASSERT_EQ(r.exit_code, 0) << "write " << drop << ": " << (r.steps.empty() ? "" : r.steps[0].error);
    EXPECT_EQ(db.ids("out"), one_to(10)) << "write " << drop;
    EXPECT_EQ(r.steps[0].retries, 1) << "write " << drop;
    EXPECT_EQ(r.steps[0].values_changed, 2) << "write " << drop;
    EXPECT_EQ(r.steps[0].rows_read, 10) << "write " << drop;
    EXPECT_EQ(r.steps[0].rows_written, 10) << "write " << drop;
  }
}

}  // namespace
