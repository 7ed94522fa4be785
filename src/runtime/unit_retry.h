#pragma once
// The retry loop of one unit: attempts with fresh connections until it succeeds, each
// resuming from the checkpoint the target holds. Transient errors back off (retry.h)
// and retry; a refused row under on_error: reject redoes the attempt isolating rows;
// anything else ends the unit. Each attempt's result is merged here, once.
#include <random>
#include <string>

#include "plan/plan.h"
#include "sluice/registry.h"
#include "sluice/runner.h"

namespace sluice::runtime {

// Runs `unit` to its end and fills `result`; returns its exit code (0 when it succeeded).
int run_unit(const Pipeline& pipeline, const DriverRegistry& drivers, const plan::UnitPlan& unit, const RunOptions& options,
             const std::string& run_id, StepResult& result, std::mt19937_64& rng);

}  // namespace sluice::runtime
