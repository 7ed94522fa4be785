#pragma once
// Which unit runs when: the units of one step run in order (a whole-database step loads
// parents first); with --parallel N up to N steps run at once, on threads of their own.
// After a unit fails no further unit starts.
#include <cstddef>
#include <functional>
#include <random>
#include <vector>

#include "plan/plan.h"

namespace sluice::runtime {

// Calls run_one(i, rng) for unit i (on the thread running it), and after the last unit
// of a step when all of its units succeeded, step_done(first, last); a non-zero return
// is a failure. Returns when every started unit has ended.
void run_scheduled(const std::vector<plan::UnitPlan>& units, int parallel,
                   const std::function<int(std::size_t, std::mt19937_64&)>& run_one,
                   const std::function<int(std::size_t, std::size_t)>& step_done);

}  // namespace sluice::runtime
