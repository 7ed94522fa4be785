#include "runtime/load_loop.h"

#include <spdlog/spdlog.h>

#include <limits>

#include "sluice/status.h"

namespace sluice::runtime {

LoadLoop::LoadLoop(Sink& sink, SourceReader& reader, const plan::UnitPlan& unit, const std::string& run_id, const Checkpoint& start,
                   bool resuming, RejectFile* rejects, std::int64_t rejected_before, AttemptResult& result,
                   const CommitListener& on_commit)
    : sink_(sink),
      reader_(reader),
      unit_(unit),
      settings_(unit.step->load.settings),
      rejects_(rejects),
      rejected_before_(rejected_before),
      result_(result),
      on_commit_(on_commit),
      batch_(static_cast<std::size_t>(settings_.batch_size)),
      sub_(static_cast<std::size_t>(settings_.batch_size)),
      progress_(start),
      truncate_pending_(unit.load.mode == LoadMode::truncate && !resuming) {
  progress_.run_id = run_id;
  progress_.completed = false;
  // Without a key or a stable position a resumed read could not find its place: such
  // a table loads all-or-nothing, in one transaction.
  const bool all_or_nothing = unit.resume == plan::Resume::all_or_nothing;
  commit_every_ = all_or_nothing ? std::numeric_limits<int>::max() : settings_.commit_every;
  if (all_or_nothing)
    spdlog::info("step {}: no primary key or order_by: loading in one transaction (cannot resume mid-table)", unit.name);
}

bool LoadLoop::read_next() {
  if (!reader_.next(batch_, keys_, fill_)) return false;
  if (reader_.keyed() && !keys_.empty()) progress_.last_key = keys_.back();
  progress_.rows += static_cast<std::int64_t>(fill_.source_rows);
  pending_.read += static_cast<std::int64_t>(fill_.source_rows);
  pending_.changed += fill_.values_changed;
  return true;
}

void LoadLoop::open_transaction() {
  sink_.begin();
  if (truncate_pending_) sink_.truncate();
}

void LoadLoop::commit(const Checkpoint& cp) {
  sink_.commit(cp);
  truncate_pending_ = false;
  count_committed();
}

void LoadLoop::count_committed() {
  result_.rows_read += pending_.read;
  result_.rows_written += pending_.written;
  result_.rows_rejected += pending_.rejected;
  result_.values_changed += pending_.changed;
  if (on_commit_ && pending_.written > 0) on_commit_(unit_.name, pending_.written);
  pending_ = {};
}

Checkpoint LoadLoop::checkpoint_at(std::int64_t rows_before, std::size_t i) const {
  const std::size_t origin = batch_.origin(i);
  Checkpoint c;
  c.run_id = progress_.run_id;
  c.rows = rows_before + static_cast<std::int64_t>(origin) + 1;
  if (reader_.keyed()) c.last_key = keys_[origin];
  return c;
}

std::string LoadLoop::which_row(std::size_t origin, std::int64_t rows_before) const {
  return describe_row(reader_.key_names(), reader_.keyed() ? keys_[origin] : std::vector<Value>{},
                      rows_before + static_cast<std::int64_t>(origin) + 1);
}

void LoadLoop::write_batch(std::int64_t rows_before) {
  try {
    sink_.write(batch_);
  } catch (const Error& e) {
    if (!e.is_data()) throw;
    sink_.rollback();
    if (settings_.on_error == OnError::reject) throw IsolateRows{progress_.rows};
    auto bad = locate(0, batch_.size());
    const std::string where = bad ? which_row(batch_.origin(*bad), rows_before)
                                  : "a row of the batch ending at " + describe_row(reader_.key_names(), progress_.last_key, progress_.rows);
    throw Error(ErrorClass::data, where + " was refused: " + e.what(), e.sqlstate());
  }
  pending_.written += static_cast<std::int64_t>(batch_.size());
}

void LoadLoop::run(std::int64_t isolate_until) {
  try {
    open_transaction();
    int batches_in_transaction = 0;
    while (true) {
      const std::int64_t before = progress_.rows;
      if (!read_next()) break;
      if (before < isolate_until) {
        // An isolating attempt starts at a checkpoint and commits every range it
        // writes, so no other batch is pending in this transaction.
        if (!batch_.empty()) isolate(0, batch_.size(), before);
        continue;
      }
      write_batch(before);
      if (++batches_in_transaction >= commit_every_) {
        commit(progress_);
        spdlog::debug("step {}: committed {} rows", unit_.name, progress_.rows);
        batches_in_transaction = 0;
        open_transaction();
      }
    }
    check_stop();
    progress_.completed = true;
    sink_.finish(progress_);
    count_committed();
  } catch (...) {
    sink_.rollback();
    result_.commits = sink_.commits();
    throw;
  }
  result_.commits = sink_.commits();
}

}  // namespace sluice::runtime
