#pragma once
// Runs a pipeline file in-process with the built-in drivers.
#include <string>

#include "sluice/config.h"
#include "sluice/runner.h"

namespace sluice::test {

inline RunResult run_pipeline(const std::string& path, RunOptions options = {}) {
  auto p = config::load_pipeline(path, config::Environment::from_process());
  DriverRegistry drivers;
  register_builtin_drivers(drivers);
  return Runner(p, drivers, std::move(options)).run();
}

// Runs the steps one after the other, each as a run of its own: a step that reads what
// an earlier step wrote cannot share its run (see core/targets.h). Steps and exit codes
// are merged: the first failure's code wins.
inline RunResult run_steps_in_turn(const std::string& path, RunOptions options = {}) {
  auto p = config::load_pipeline(path, config::Environment::from_process());
  RunResult all;
  for (const auto& step : p.steps) {
    RunOptions one = options;
    one.steps = {step.name};
    RunResult r = run_pipeline(path, one);
    for (auto& s : r.steps) all.steps.push_back(std::move(s));
    if (all.exit_code == 0) all.exit_code = r.exit_code;
    if (r.exit_code != 0) break;
  }
  return all;
}

}  // namespace sluice::test
