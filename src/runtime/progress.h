#pragma once
// The live progress lines of SPEC §7 on stderr: one per running step — rows done /
// estimated total, rows/s, elapsed, ETA — redrawn in place at most five times a second
// (with --parallel, the lines of all running steps together), erased when the step ends.
// Log lines written meanwhile go above them (the text log sink pauses the board). On a
// terminal without cursor control (TERM=dumb) each step instead prints a plain line
// every few seconds. Progress uses no colour, so NO_COLOR has nothing to turn off.
#include <chrono>
#include <cstdint>
#include <optional>
#include <mutex>
#include <string>
#include <vector>

namespace sluice::runtime {

// One step's line. A split step (parallel: N) has one line for all its key ranges: each
// range reports its own count as its `part`, from its own thread, and the line shows
// their sum.
class Progress {
 public:
  Progress(bool enabled, std::string step, std::optional<std::int64_t> estimate, std::size_t parts = 1);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void update(std::int64_t rows_done, std::size_t part = 0);

 private:
  std::string line(std::int64_t rows_done) const;

  bool enabled_;
  std::mutex mutex_;  // the parts' threads
  std::vector<std::int64_t> parts_;
  std::string step_;
  std::optional<std::int64_t> estimate_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  bool drawn_ = false;
};

// Where a unit reports its rows: its own line (null: it draws one itself) or a part of its step's.
struct ProgressPart {
  Progress* line = nullptr;
  std::size_t part = 0;
};

// --progress auto|always|never → whether to draw (auto: only when stderr is a TTY).
bool progress_wanted(const std::string& mode);

// Around a log line written to stderr: the progress lines are taken away and drawn again
// below it.
void progress_pause();
void progress_resume();

}  // namespace sluice::runtime
