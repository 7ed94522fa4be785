#include "runtime/service_metrics.h"

#include <fmt/format.h>


namespace sluice::runtime {

std::string prometheus_label(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

void ServiceMetrics::pass_started() {
  std::lock_guard lock(mutex_);
  running_ = true;
  pass_rows_.clear();
}

void ServiceMetrics::rows_committed(const std::string& unit, std::int64_t rows) {
  std::lock_guard lock(mutex_);
  pass_rows_[unit] += rows;
}

void ServiceMetrics::pass_finished(const RunResult& pass, double seconds, double finished_epoch, std::string health) {
  std::lock_guard lock(mutex_);
  running_ = false;
  (pass.exit_code == kExitOk ? passes_ok_ : passes_failed_) += 1;
  last_seconds_ = seconds;
  last_exit_code_ = pass.exit_code;
  if (pass.exit_code == kExitOk) last_success_epoch_ = finished_epoch;
  for (const auto& s : pass.steps) {
    auto& t = steps_[s.name];
    t.rows_read += s.rows_read;
    t.rows_written += s.rows_written;
    t.rows_rejected += s.rows_rejected;
    t.retries += s.retries;
    if (s.status == "failed") t.failures += 1;
  }
  health_ = std::move(health);
}

std::pair<std::string, bool> ServiceMetrics::health() const {
  std::lock_guard lock(mutex_);
  if (health_.empty()) return {"{\"status\": \"starting\"}\n", true};
  return {health_, last_exit_code_ == kExitOk};
}

std::string ServiceMetrics::prometheus_text() const {
  std::lock_guard lock(mutex_);
  std::string out;
  auto family = [&](const char* name, const char* type, const char* help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
  };
  family("sluice_info", "gauge", "The pipeline this service runs and sluice's version.");
  out += fmt::format("sluice_info{{pipeline=\"{}\",version=\"{}\"}} 1\n", prometheus_label(pipeline_), prometheus_label(SLUICE_VERSION));
  family("sluice_passes_total", "counter", "Passes finished, by result.");
  out += fmt::format("sluice_passes_total{{result=\"ok\"}} {}\nsluice_passes_total{{result=\"failed\"}} {}\n", passes_ok_, passes_failed_);
  family("sluice_pass_running", "gauge", "1 while a pass runs.");
  out += fmt::format("sluice_pass_running {}\n", running_ ? 1 : 0);
  family("sluice_pass_rows_committed", "gauge", "Rows the current (or last) pass has committed so far, by step, table or key range.");
  for (const auto& [unit, rows] : pass_rows_) out += fmt::format("sluice_pass_rows_committed{{unit=\"{}\"}} {}\n", prometheus_label(unit), rows);
  if (last_exit_code_ >= 0) {
    family("sluice_last_pass_duration_seconds", "gauge", "Wall time of the last finished pass.");
    out += fmt::format("sluice_last_pass_duration_seconds {:.3f}\n", last_seconds_);
    family("sluice_last_pass_exit_code", "gauge", "Exit code of the last finished pass (0 success, 1 failed, 75 temporary failure).");
    out += fmt::format("sluice_last_pass_exit_code {}\n", last_exit_code_);
  }
  if (last_success_epoch_ > 0) {
    family("sluice_last_success_timestamp_seconds", "gauge", "When the last successful pass ended (Unix time).");
    out += fmt::format("sluice_last_success_timestamp_seconds {:.3f}\n", last_success_epoch_);
  }
  auto per_step = [&](const char* name, const char* help, std::int64_t StepTotals::*field) {
    family(name, "counter", help);
    for (const auto& [step, t] : steps_) out += fmt::format("{}{{step=\"{}\"}} {}\n", name, prometheus_label(step), t.*field);
  };
  per_step("sluice_rows_read_total", "Rows read from the source, over all passes.", &StepTotals::rows_read);
  per_step("sluice_rows_written_total", "Rows written to the target, over all passes.", &StepTotals::rows_written);
  per_step("sluice_rows_rejected_total", "Rows refused by the target and set aside, over all passes.", &StepTotals::rows_rejected);
  per_step("sluice_retries_total", "Transient errors retried, over all passes.", &StepTotals::retries);
  per_step("sluice_step_failures_total", "Passes in which the step failed.", &StepTotals::failures);
  return out;
}

}  // namespace sluice::runtime
