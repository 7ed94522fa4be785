#include "cli/commands/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/log_context.h"
#include "core/redact.h"
#include "runtime/progress.h"

namespace sluice::cli {
namespace {

bool g_json = false;

std::string utc_time(std::chrono::system_clock::time_point tp) {
  auto t = std::chrono::system_clock::to_time_t(tp);
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(tp.time_since_epoch()).count() % 1000000;
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::gmtime(&t));
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>(us));
  return std::string(buf) + frac;
}

void write_json_line(const nlohmann::json& j) {
  std::cerr << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

// The fields every JSON line may carry besides time, level and msg: the run, the
// step and table the logging thread works on, the event's numbers (log_context.h).
void add_context(nlohmann::json& j) {
  if (auto run = logctx::run_id(); !run.empty()) j["run_id"] = run;
  auto& c = logctx::current();
  if (!c.step.empty()) j["step"] = redact::apply(c.step);
  if (!c.table.empty()) j["table"] = redact::apply(c.table);
  if (!c.unit.empty() && c.unit != c.step) j["unit"] = redact::apply(c.unit);
  for (const auto& [name, value] : c.numbers) {
    if (value == static_cast<double>(static_cast<long long>(value))) j[name] = static_cast<long long>(value);
    else j[name] = value;
  }
  c.numbers.clear();
}

// One JSON object per line on stderr: {"time","level","msg", context fields}.
class JsonLineSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    nlohmann::json j;
    j["time"] = utc_time(msg.time);
    j["level"] = std::string(spdlog::level::to_string_view(msg.level).data(), spdlog::level::to_string_view(msg.level).size());
    j["msg"] = redact::apply(std::string_view(msg.payload.data(), msg.payload.size()));
    add_context(j);
    write_json_line(j);
  }
  void flush_() override { std::cerr.flush(); }
};

// Text lines as spdlog formats them, with secrets masked.
class TextSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    runtime::progress_pause();  // the log line goes above the progress lines
    std::cerr << redact::apply(std::string_view(formatted.data(), formatted.size())) << std::flush;
    runtime::progress_resume();
  }
  void flush_() override { std::cerr.flush(); }
};

}  // namespace

bool json_logs() { return g_json; }

void print_json_line(const std::string& level, const std::string& msg, const nlohmann::json& fields, std::ostream& to) {
  nlohmann::json j = {{"time", utc_time(std::chrono::system_clock::now())}, {"level", level}, {"msg", redact::apply(msg)}};
  add_context(j);
  for (auto it = fields.begin(); it != fields.end(); ++it) j[it.key()] = it.value();
  to << redact::apply(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)) << '\n';
}

void print_problem(const std::string& message) {
  if (g_json) print_json_line("error", message, nlohmann::json::object(), std::cerr);
  else std::cerr << redact::apply(message) << "\n";
}

void print_diagnostics(const std::vector<config::Diagnostic>& diagnostics, const std::string& path) {
  if (g_json) {
    for (const auto& d : diagnostics)
      write_json_line({{"time", utc_time(std::chrono::system_clock::now())}, {"level", "error"},
                       {"msg", redact::apply(d.message)}, {"file", d.location.file}, {"line", d.location.line},
                       {"column", d.location.column}});
    return;
  }
  for (const auto& d : diagnostics) std::cerr << redact::apply(d.display()) << "\n";
  std::cerr << diagnostics.size() << (diagnostics.size() == 1 ? " error" : " errors") << " in " << path << "\n";
}

bool setup_logging(const std::string& format, const std::string& level) {
  std::shared_ptr<spdlog::logger> logger;
  if (format == "json") {
    logger = std::make_shared<spdlog::logger>("sluice", std::make_shared<JsonLineSink>());
    g_json = true;
  } else if (format == "text") {
    logger = std::make_shared<spdlog::logger>("sluice", std::make_shared<TextSink>());
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %-5l %v");
    g_json = false;
  } else {
    return false;
  }
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off") return false;
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
  return true;
}

}  // namespace sluice::cli
