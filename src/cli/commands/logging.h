#pragma once
// Where everything the CLI prints goes, in the chosen format: log lines (spdlog, to
// stderr), pipeline-file errors, and the text of plan/verify/state. Every line passes
// through redact::apply first.
#include <string>
#include <vector>

#include "sluice/config.h"

namespace sluice::cli {

// format: text | json; level: trace | debug | info | warn | error. False if either is unknown.
bool setup_logging(const std::string& format, const std::string& level);
bool json_logs();

// Pipeline-file errors on stderr: "file:line:col: message" lines and a count, or with
// --log-format json one JSON line each ({"time","level","msg","file","line","column"}).
void print_diagnostics(const std::vector<config::Diagnostic>& diagnostics, const std::string& path);

}  // namespace sluice::cli
