#include "runtime/progress.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

namespace sluice::runtime {
namespace {

std::string clock_text(double seconds) {
  long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

// The lines of every running step, drawn as one block at the bottom of the terminal.
class Board {
 public:
  static Board& instance() {
    static Board board;
    return board;
  }
  void set(const void* owner, const std::string& text) {
    std::lock_guard lock(mutex_);
    if (!cursor_control_) {
      std::fprintf(stderr, "%s\n", text.c_str());
      std::fflush(stderr);
      return;
    }
    bool found = false;
    for (auto& l : lines_)
      if (l.owner == owner) { l.text = text; found = true; }
    if (!found) lines_.push_back({owner, text});
    redraw();
  }
  void remove(const void* owner) {
    std::lock_guard lock(mutex_);
    std::erase_if(lines_, [&](const Line& l) { return l.owner == owner; });
    if (cursor_control_) redraw();
  }
  // TERM=dumb: no redrawing in place, plain lines instead.
  bool cursor_control() const { return cursor_control_; }
  void pause() {
    mutex_.lock();
    erase();
  }
  void resume() {
    if (!lines_.empty()) draw();
    mutex_.unlock();
  }

 private:
  struct Line {
    const void* owner;
    std::string text;
  };
  Board() {
    const char* term = std::getenv("TERM");
    cursor_control_ = !(term && std::strcmp(term, "dumb") == 0);
  }
  void erase() {
    if (drawn_ > 0) std::fprintf(stderr, "\033[%dA\r\033[J", drawn_);
    drawn_ = 0;
  }
  void draw() {
    for (const auto& l : lines_) std::fprintf(stderr, "\r\033[K%s\n", l.text.c_str());
    drawn_ = static_cast<int>(lines_.size());
    std::fflush(stderr);
  }
  void redraw() {
    erase();
    draw();
  }

  std::mutex mutex_;
  std::vector<Line> lines_;
  int drawn_ = 0;
  bool cursor_control_ = true;
};

std::atomic<bool> g_board_used{false};

}  // namespace

bool progress_wanted(const std::string& mode) {
  if (mode == "always") return true;
  if (mode == "never") return false;
  return ::isatty(2) != 0;
}

void progress_pause() {
  if (g_board_used) Board::instance().pause();
}
void progress_resume() {
  if (g_board_used) Board::instance().resume();
}

Progress::Progress(bool enabled, std::string step, std::optional<std::int64_t> estimate, std::size_t parts)
    : enabled_(enabled), parts_(parts, 0), step_(std::move(step)), estimate_(estimate), start_(std::chrono::steady_clock::now()) {
  if (enabled_) g_board_used = true;
}

Progress::~Progress() {
  if (enabled_ && drawn_) Board::instance().remove(this);
}

void Progress::update(std::int64_t rows_done, std::size_t part) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  parts_.at(part) = rows_done;
  rows_done = 0;
  for (auto rows : parts_) rows_done += rows;
  auto now = std::chrono::steady_clock::now();
  const bool plain = !Board::instance().cursor_control();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(plain ? 5000 : 200)) return;
  last_draw_ = now;
  Board::instance().set(this, line(rows_done));
  drawn_ = true;
}

std::string Progress::line(std::int64_t rows) const {
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
  return line;
}

}  // namespace sluice::runtime
