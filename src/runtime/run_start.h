#pragma once
// What a run sets up in its targets before any data moves: a connection to each, the
// pipeline's run lock in each (taken in name order, so two runs cannot each hold half),
// whether it continues an interrupted run, and a start marker per unit, so that a run
// killed between two steps resumes instead of starting over (and doubling).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "sluice/connection.h"
#include "sluice/registry.h"
#include "sluice/runner.h"

namespace sluice::runtime {

struct RunStart {
  std::map<std::string, std::unique_ptr<Connection>> targets;  // by connection name
  std::vector<std::unique_ptr<RunLock>> locks;                 // held until the run ends
  std::string resumed_run;  // the interrupted run this one continues, or empty
  std::vector<bool> skip;   // per unit: already completed by the run being continued
};

// In a dry run: nothing (no target is touched). `run_id` becomes the continued run's.
RunStart start_run(const Pipeline& pipeline, const DriverRegistry& drivers, const std::vector<plan::UnitPlan>& units,
                   const RunOptions& options, std::string& run_id);

}  // namespace sluice::runtime
