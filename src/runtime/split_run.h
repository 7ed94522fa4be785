#pragma once
// A unit read and written as key ranges side by side (UnitPlan::parts > 1).
//
// The ranges are cut once per run, from the split column's smallest and largest value,
// and kept in the target's state (checkpoint `unit@ranges`, committed in the same
// transaction as truncate mode's emptying of the table), so a resumed run reads exactly
// the ranges it started with. Each range is a unit of its own (`unit@rK/N`): its own
// thread, source and target connections, checkpoints and retries. The sources open under
// one snapshot (Connection::share_snapshot), released once each has started. The unit is
// done — one completed checkpoint under its own name, whose last key is the largest
// loaded, as for a unit read in one stream — when every range is.
#include <random>
#include <string>

#include "plan/plan.h"
#include "runtime/unit_retry.h"
#include "sluice/registry.h"
#include "sluice/runner.h"

namespace sluice::runtime {

// Runs every range of `unit` (after those a resumed run already completed) and fills
// `result` with their sums; returns the first failing range's exit code, 0 when all succeeded.
int run_split_unit(const Pipeline& pipeline, const DriverRegistry& drivers, const plan::UnitPlan& unit, const RunOptions& options,
                   const std::string& run_id, StepResult& result, std::mt19937_64& rng);

// The N-1 values that cut [lo, hi] into N ranges of equal width.
std::vector<std::int64_t> cut_points(std::int64_t lo, std::int64_t hi, int n);

}  // namespace sluice::runtime
