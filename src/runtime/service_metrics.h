#pragma once
// What service mode tells a monitor: the running totals of every pass, in Prometheus'
// text format (/metrics), the rows the running pass has committed so far, and the last
// pass as the health JSON (/healthz and --health-file say the same). One object, written
// by the service loop and the loading threads, read by the HTTP threads; every method
// takes its lock.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "sluice/runner.h"

namespace sluice::runtime {

class ServiceMetrics {
 public:
  explicit ServiceMetrics(std::string pipeline) : pipeline_(std::move(pipeline)) {}

  void pass_started();
  // Rows a commit of the running pass made durable (from the loading threads).
  void rows_committed(const std::string& unit, std::int64_t rows);
  // `seconds`: the pass's wall time; `finished_epoch`: when it ended (Unix seconds);
  // `health`: its health JSON.
  void pass_finished(const RunResult& pass, double seconds, double finished_epoch, std::string health);

  std::string prometheus_text() const;
  // The last pass's health JSON, and whether it counts as healthy: none finished yet
  // (starting) or the last one succeeded.
  std::pair<std::string, bool> health() const;

 private:
  struct StepTotals {
    std::int64_t rows_read = 0, rows_written = 0, rows_rejected = 0, retries = 0, failures = 0;
  };
  mutable std::mutex mutex_;
  std::string pipeline_;
  std::int64_t passes_ok_ = 0, passes_failed_ = 0;
  bool running_ = false;
  double last_seconds_ = 0, last_success_epoch_ = 0;
  int last_exit_code_ = -1;
  std::map<std::string, StepTotals> steps_;  // ordered: the output is stable between scrapes
  // The running pass's committed rows so far, by unit; the counters above take a pass's
  // rows from its result when it ends, so these never count twice.
  std::map<std::string, std::int64_t> pass_rows_;
  std::string health_;
};

// A Prometheus label value with \, " and newline escaped.
std::string prometheus_label(const std::string& value);

}  // namespace sluice::runtime
