#pragma once
// What `run` and `copy` share: their options, the loading of a pipeline file with the
// environment the options describe, and the run with its summary and report.
#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sluice/pipeline.h"
#include "sluice/registry.h"
#include "sluice/runner.h"

namespace sluice::cli {

boost::program_options::options_description common_options();  // --help, --env-file, --log-format, --log-level
boost::program_options::options_description run_options();     // --step, --dry-run, --fresh, --report, ...

// Loads the pipeline and checks what the chosen steps would write; prints every problem
// and returns nullopt on failure.
std::optional<Pipeline> load(const std::string& path, const boost::program_options::variables_map& vm,
                             const std::vector<std::string>& steps, bool check_writes);

// Runs a loaded pipeline with the run options of `vm` (ro.steps already set); returns the exit code.
int run_command(const Pipeline& pipeline, const DriverRegistry& drivers, const boost::program_options::variables_map& vm, RunOptions ro);

// sluice copy / sluice discover, given the arguments after the command name.
int copy_command(int argc, char** argv);
int discover_command(int argc, char** argv);

}  // namespace sluice::cli
