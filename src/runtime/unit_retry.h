#pragma once
// The retry loop of one unit: attempts with fresh connections until it succeeds, each
// resuming from the checkpoint the target holds. Transient errors back off (retry.h)
// and retry; a refused row under on_error: reject redoes the attempt isolating rows;
// anything else ends the unit. Each attempt's result is merged here, once.
#include <functional>
#include <random>
#include <string>

#include "plan/plan.h"
#include "runtime/progress.h"
#include "sluice/registry.h"
#include "sluice/runner.h"

namespace sluice::runtime {

class RejectFile;

// What a unit shares with the units run beside it as parts of one (runtime/split_run.h).
struct UnitShared {
  RejectFile* rejects = nullptr;        // the whole step's reject file; null: the unit opens its own
  std::function<void()> source_opened;  // after an attempt has opened its source (and its snapshot)
  ProgressPart progress;                // the step's line, this range's part of it
};

// Runs `unit` to its end and fills `result`; returns its exit code (0 when it succeeded).
int run_unit(const Pipeline& pipeline, const DriverRegistry& drivers, const plan::UnitPlan& unit, const RunOptions& options,
             const std::string& run_id, StepResult& result, std::mt19937_64& rng, const UnitShared& shared = {});

}  // namespace sluice::runtime
