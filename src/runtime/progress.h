#pragma once
// The live progress line of SPEC §7 on stderr: rows done / estimated total, rows/s,
// elapsed, ETA. Redrawn at most five times a second; erased when the step ends.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace sluice::runtime {

class Progress {
 public:
  Progress(bool enabled, std::string step, std::optional<std::int64_t> estimate);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void update(std::int64_t rows_done);

 private:
  void draw(std::int64_t rows_done);

  bool enabled_;
  std::string step_;
  std::optional<std::int64_t> estimate_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool drawn_ = false;
};

// --progress auto|always|never → whether to draw (auto: only when stderr is a TTY).
bool progress_wanted(const std::string& mode);

}  // namespace sluice::runtime
