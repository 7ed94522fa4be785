#pragma once
// The schema half of a step, after its rows: the secondary indexes, then the foreign
// keys, of the tables this run created (built after the load, as the databases' own
// dump tools do, so that load order and reference cycles do not matter).
//
// Which tables those are is decided when the run starts and kept in the target's
// sluice_state under "<step>@objects" (step names cannot hold '@'), so a run killed
// while building resumes and builds only what is still missing; the entry is marked
// completed when everything is built.
#include <span>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "sluice/connection.h"
#include "sluice/registry.h"
#include "sluice/runner.h"

namespace sluice::runtime {

std::string objects_state_key(const StepConfig& step);

// At the start of a fresh run (target connected, nothing written yet): records the
// tables of each step that the run will create and that have objects to build.
void mark_objects_to_build(const Pipeline& p, Connection& target, std::span<const plan::UnitPlan> step_units,
                           const std::string& run_id);

// Whether `run_id`'s object phase of the step is unfinished (the run is then resumed).
bool objects_pending(const Pipeline& p, Connection& target, const StepConfig& step, std::string* run_id);

// Builds what is missing, on a connection of its own; adds what was built and what
// could not be migrated to the units' results. Returns an exit code.
int build_step_objects(const Pipeline& p, const DriverRegistry& drivers, std::span<const plan::UnitPlan> step_units,
                       const std::string& run_id, std::span<std::optional<StepResult>> results);

}  // namespace sluice::runtime
