#include "runtime/schedule.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace sluice::runtime {

void run_scheduled(const std::vector<plan::UnitPlan>& units, int parallel,
                   const std::function<int(std::size_t, std::mt19937_64&)>& run_one,
                   const std::function<int(std::size_t, std::size_t)>& step_done) {
  const auto groups = plan::step_ranges(units);
  std::atomic<std::size_t> next_group{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    std::mt19937_64 rng(std::random_device{}());
    for (std::size_t g; !failed && (g = next_group++) < groups.size();) {
      for (std::size_t i = groups[g].first; i < groups[g].second && !failed; ++i)
        if (run_one(i, rng) != 0) failed = true;
      if (!failed && step_done(groups[g].first, groups[g].second) != 0) failed = true;
    }
  };
  const int threads = std::max(1, std::min<int>(parallel, static_cast<int>(groups.size())));
  if (threads == 1) {
    worker();
    return;
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
}

}  // namespace sluice::runtime
