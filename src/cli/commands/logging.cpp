#include "cli/commands/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>

namespace sluice::cli {
namespace {

// One JSON object per line on stderr: {"time","level","msg"}.
class JsonLineSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    auto t = std::chrono::system_clock::to_time_t(msg.time);
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count() % 1000000;
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::gmtime(&t));
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>(us));
    nlohmann::json j;
    j["time"] = std::string(buf) + frac;
    j["level"] = std::string(spdlog::level::to_string_view(msg.level).data(), spdlog::level::to_string_view(msg.level).size());
    j["msg"] = std::string(msg.payload.data(), msg.payload.size());
    std::cerr << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  void flush_() override { std::cerr.flush(); }
};

}  // namespace

bool setup_logging(const std::string& format, const std::string& level) {
  std::shared_ptr<spdlog::logger> logger;
  if (format == "json") {
    logger = std::make_shared<spdlog::logger>("sluice", std::make_shared<JsonLineSink>());
  } else if (format == "text") {
    logger = spdlog::stderr_color_mt("sluice");
    logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %v");
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
