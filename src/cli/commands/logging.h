#pragma once
// Where everything the CLI prints goes, in the chosen format: log lines (spdlog, to
// stderr), pipeline-file errors, and the text of plan/verify/state. Every line passes
// through redact::apply first.
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "sluice/config.h"

namespace sluice::cli {

// format: text | json; level: trace | debug | info | warn | error. False if either is unknown.
bool setup_logging(const std::string& format, const std::string& level);
bool json_logs();

// Pipeline-file errors on stderr: "file:line:col: message" lines and a count, or with
// --log-format json one JSON line each ({"time","level","msg","file","line","column"}).
// One JSON line {"time","level","msg", the thread's context, fields...} on `to`.
void print_json_line(const std::string& level, const std::string& msg, const nlohmann::json& fields, std::ostream& to);
// A one-line problem the CLI reports itself (an unknown step, a bad option value): text,
// or a JSON error line.
void print_problem(const std::string& message);

void print_diagnostics(const std::vector<config::Diagnostic>& diagnostics, const std::string& path);

}  // namespace sluice::cli
