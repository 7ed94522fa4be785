#include "runtime/service.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/redact.h"
#include "runtime/signals.h"
#include "sluice/status.h"

namespace sluice::runtime {

std::string health_json(const RunResult& pass, int number, const std::string& last_success) {
  std::int64_t read = 0, written = 0, rejected = 0;
  std::string error = pass.error;
  for (const auto& s : pass.steps) {
    read += s.rows_read;
    written += s.rows_written;
    rejected += s.rows_rejected;
    if (error.empty() && !s.error.empty()) error = s.name + ": " + s.error;
  }
  nlohmann::json j = {{"status", pass.exit_code == kExitOk ? "ok" : "failed"}, {"pass", number},
                      {"run_id", pass.run_id}, {"started_at", pass.started_at},
                      {"finished_at", pass.finished_at}, {"exit_code", pass.exit_code},
                      {"rows_read", read}, {"rows_written", written}, {"rows_rejected", rejected},
                      {"last_success", last_success.empty() ? nlohmann::json(nullptr) : nlohmann::json(last_success)}};
  j["error"] = error.empty() && pass.exit_code != kExitOk ? nlohmann::json("exit " + std::to_string(pass.exit_code))
               : error.empty()                            ? nlohmann::json(nullptr)
                                                          : nlohmann::json(redact::apply(error));
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

void write_atomically(const std::string& path, const std::string& text) {
  const std::string temp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw Error(ErrorClass::internal, "cannot write the health file " + temp);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    throw Error(ErrorClass::internal, "cannot replace the health file " + path);
  }
}

int run_service(const ServiceOptions& options, const std::function<RunResult(const CommitListener&)>& pass,
                const std::function<void(const RunResult&)>& after) {
  using Clock = std::chrono::steady_clock;
  int last_completed = -1;
  std::string last_success;
  ServiceMetrics metrics(options.pipeline);
  std::optional<StatusListener> listener;
  if (options.listen) listener.emplace(*options.listen, metrics);
  for (int number = 1; !stop_requested(); ++number) {
    const auto started = Clock::now();
    metrics.pass_started();
    RunResult result = pass([&metrics](const std::string& unit, std::int64_t rows) { metrics.rows_committed(unit, rows); });
    after(result);
    if (stop_requested() && result.exit_code != kExitOk) break;  // stopped mid-pass: not a completed pass
    last_completed = result.exit_code;
    if (result.exit_code == kExitOk) last_success = result.finished_at;
    const std::string health = health_json(result, number, last_success);
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    const double epoch = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    metrics.pass_finished(result, seconds, epoch, health);
    if (!options.health_file.empty()) {
      try {
        write_atomically(options.health_file, health);
      } catch (const Error& e) {
        spdlog::error("{}", e.what());
      }
    }
    const auto next = started + options.every;
    if (result.exit_code == kExitOk) spdlog::info("pass {} succeeded; the next starts in {} s", number,
                                                  std::max<long long>(0, std::chrono::duration_cast<std::chrono::seconds>(next - Clock::now()).count()));
    else spdlog::warn("pass {} failed (exit {}); the next is tried on schedule", number, result.exit_code);
    while (!stop_requested() && Clock::now() < next) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  spdlog::info("service mode stopped by a signal");
  if (last_completed < 0) return 128 + stop_requested();
  return last_completed;
}

}  // namespace sluice::runtime
