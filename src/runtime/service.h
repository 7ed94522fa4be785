#pragma once
// Service mode (run --every DURATION): the pipeline again and again on a schedule until
// SIGTERM/SIGINT. Passes never overlap — one that outlasts the interval delays the next,
// which then starts at once — and a pass that fails (a database down, a refused row) is
// logged and the next one tried: transient errors are retried inside the pass as in any
// run, an outage between passes costs only the passes it lasts. A signal ends the pass
// at its next batch boundary (the open transaction rolled back) or the wait at once;
// the exit code is 0 when the last completed pass succeeded, else that pass's code.
// --health-file is rewritten atomically (a temp file renamed over it) after every pass,
// as JSON: status, pass number, times, rows, error, the last success. --listen serves
// the same JSON at /healthz and running totals at /metrics (runtime/status_listener.h).
#include <functional>
#include <optional>
#include <string>

#include "sluice/pipeline.h"
#include "sluice/runner.h"
#include "runtime/status_listener.h"

namespace sluice::runtime {

struct ServiceOptions {
  Millis every{0};
  std::string health_file;  // empty: none
  std::optional<ListenAddress> listen;
  std::string pipeline;  // its name, for sluice_info
};

// `pass` runs the pipeline once, telling the listener of its commits as they happen;
// `after` reports it (the summary). Throws a config Error before the first pass when
// --listen's address cannot be bound.
int run_service(const ServiceOptions& options, const std::function<RunResult(const CommitListener&)>& pass,
                const std::function<void(const RunResult&)>& after);

// The health file's JSON for a finished pass (`last_success` empty: none yet).
std::string health_json(const RunResult& pass, int number, const std::string& last_success);
// Writes `text` to `path` so that a reader sees the old or the new file, never a part.
void write_atomically(const std::string& path, const std::string& text);

}  // namespace sluice::runtime
