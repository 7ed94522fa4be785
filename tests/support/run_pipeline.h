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

}  // namespace sluice::test
