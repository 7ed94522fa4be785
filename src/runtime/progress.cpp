#include "runtime/progress.h"

#include <unistd.h>

#include <cstdio>

namespace sluice::runtime {
namespace {
std::string clock_text(double seconds) {
  long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}
}  // namespace

bool progress_wanted(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  return ::isatty(2) != 0;
}

Progress::Progress(bool enabled, std::string step, std::optional<std::int64_t> estimate)
    : enabled_(enabled), step_(std::move(step)), estimate_(estimate), start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() {
  if (enabled_ && drawn_) std::fprintf(stderr, "\r\033[K");
}

void Progress::update(std::int64_t rows_done) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  draw(rows_done);
}

void Progress::draw(std::int64_t rows) {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = elapsed > 0 ? static_cast<double>(rows) / elapsed : 0;
  std::string line = step_ + ": " + std::to_string(rows);
  if (estimate_ && *estimate_ > 0) {
    line += " / ~" + std::to_string(*estimate_) + " rows";
    int pct = static_cast<int>(100.0 * static_cast<double>(rows) / static_cast<double>(*estimate_));
    line += " (" + std::to_string(pct > 100 ? 100 : pct) + "%)";
  } else {
    line += " rows";
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, ", %.0f rows/s, %s elapsed", rate, clock_text(elapsed).c_str());
  line += buf;
  if (estimate_ && *estimate_ > rows && rate > 0)
    line += ", ETA " + clock_text(static_cast<double>(*estimate_ - rows) / rate);
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace sluice::runtime
