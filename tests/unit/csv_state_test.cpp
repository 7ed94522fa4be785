// The CSV folder's state file under writers at once: every checkpoint written by
// concurrent units (threads, as with --parallel, each with its own StateFile) is kept.
#include "drivers/csv/csv_state.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "support/temp_dir.h"

using namespace sluice;

TEST(CsvState, ConcurrentWritersLoseNoCheckpoint) {
  test::TempDir dir;
  constexpr int kWriters = 6, kSaves = 40;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w)
    writers.emplace_back([&, w] {
      csv::StateFile state(dir.path());
      for (int i = 1; i <= kSaves; ++i) {
        Checkpoint cp;
        cp.run_id = "r";
        cp.rows = i;
        state.save_at("p", "unit" + std::to_string(w), cp, i * 10);
      }
    });
  for (auto& t : writers) t.join();
  csv::StateFile state(dir.path());
  const auto rows = state.list("p");
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kWriters));
  for (const auto& r : rows) {
    EXPECT_EQ(r.checkpoint.rows, kSaves) << r.step;
    EXPECT_EQ(state.offset("p", r.step), kSaves * 10) << r.step;
  }
  // save keeps the recorded offset.
  Checkpoint cp;
  cp.rows = 99;
  state.save("p", "unit0", cp);
  EXPECT_EQ(state.offset("p", "unit0"), kSaves * 10);
  state.clear("p", "unit0");
  EXPECT_EQ(state.list("p").size(), static_cast<std::size_t>(kWriters - 1));
}
