// Rows the target refuses (data errors): with on_error: reject, each refused row is
// isolated by halving the range that failed, written to the reject file (synced), and
// skipped by a checkpoint committed right after it; with on_error: abort, the refused
// row is only located, in transactions that are rolled back, to name it in the error.
#include <spdlog/spdlog.h>

#include "runtime/load_loop.h"
#include "runtime/rejects.h"
#include "sluice/status.h"

namespace sluice::runtime {
namespace {

void copy_rows(const Batch& from, std::size_t lo, std::size_t hi, Batch& to) {
  to.clear();
  for (std::size_t i = lo; i < hi; ++i) {
    Row& r = to.append_row(from[i].size());
    for (std::size_t c = 0; c < from[i].size(); ++c) r[c] = from[i][c];
  }
}

}  // namespace

// Writes rows [lo, hi) of the batch in transactions of their own, halving a range the
// target refuses until the refused rows stand alone.
void LoadLoop::isolate(std::size_t lo, std::size_t hi, std::int64_t before) {
  copy_rows(batch_, lo, hi, sub_);
  try {
    sink_.write(sub_);
    pending_.written += static_cast<std::int64_t>(hi - lo);
    commit(checkpoint_at(before, hi - 1));
    open_transaction();
    return;
  } catch (const Error& e) {
    if (!e.is_data()) throw;
    sink_.rollback();
    open_transaction();
    // The driver named the refused row: the rows before it go in one piece, the row
    // is tried alone (and rejected if it still fails), and the rest continues.
    if (hi - lo > 1 && e.row() && *e.row() < hi - lo) {
      const std::size_t bad = lo + *e.row();
      if (bad > lo) isolate(lo, bad, before);
      isolate(bad, bad + 1, before);
      if (bad + 1 < hi) isolate(bad + 1, hi, before);
      return;
    }
    if (hi - lo > 1) {
      const std::size_t mid = lo + (hi - lo) / 2;
      isolate(lo, mid, before);
      isolate(mid, hi, before);
      return;
    }
    const std::string which = which_row(batch_.origin(lo), before);
    if (rejected_before_ + result_.rows_rejected + pending_.rejected + 1 > settings_.max_rejects)
      throw Error(ErrorClass::data, "more than max_rejects (" + std::to_string(settings_.max_rejects) + ") rows rejected; last: " +
                                        which + ": " + e.what(), e.sqlstate());
    rejects_->write(reader_.schema(), batch_[lo], e.what(), e.sqlstate());
    rejects_->sync();
    spdlog::warn("step {}: rejected {}: {}", unit_.name, which, e.what());
    ++pending_.rejected;
    commit(checkpoint_at(before, lo));
    open_transaction();
  }
}

// The refused row of rows [lo, hi), found with transactions that are rolled back.
std::optional<std::size_t> LoadLoop::locate(std::size_t lo, std::size_t hi) {
  copy_rows(batch_, lo, hi, sub_);
  sink_.begin();
  try {
    sink_.write(sub_);
    sink_.rollback();
    return std::nullopt;
  } catch (const Error& e) {
    sink_.rollback();
    if (!e.is_data()) throw;
    if (hi - lo == 1) return lo;
    if (e.row() && *e.row() < hi - lo)
      if (auto r = locate(lo + *e.row(), lo + *e.row() + 1)) return r;
    const std::size_t mid = lo + (hi - lo) / 2;
    if (auto r = locate(lo, mid)) return r;
    return locate(mid, hi);
  }
}

}  // namespace sluice::runtime
