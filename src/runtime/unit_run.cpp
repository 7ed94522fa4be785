#include "runtime/unit_run.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <functional>
#include <limits>

#include "core/targets.h"
#include "runtime/prefetch.h"
#include "runtime/progress.h"
#include "runtime/rejects.h"
#include "runtime/signals.h"
#include "transforms/transforms.h"
#include "sluice/status.h"
#include "sluice/transform.h"

namespace sluice::runtime {
namespace {

void copy_rows(const Batch& from, std::size_t lo, std::size_t hi, Batch& to) {
  to.clear();
  for (std::size_t i = lo; i < hi; ++i) {
    Row& r = to.append_row(from[i].size());
    for (std::size_t c = 0; c < from[i].size(); ++c) r[c] = from[i][c];
  }
}

std::string describe_key(const std::vector<std::string>& names, const std::vector<Value>& key, std::int64_t row_number) {
  if (key.empty()) return "row " + std::to_string(row_number) + " of the source";
  std::string s = "row with key (";
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (i) s += ", ";
    s += (i < names.size() ? names[i] : "?") + "=" + (key[i].is_null() ? "NULL" : key[i].to_text());
  }
  return s + ")";
}

void check_stop() {
  if (int sig = stop_requested())
    throw Error(ErrorClass::interrupted, std::string("stopped by ") + (sig == 2 ? "SIGINT" : sig == 15 ? "SIGTERM" : "a signal"));
}

}  // namespace

UnitRun::UnitRun(const Pipeline& p, const DriverRegistry& d, const Unit& u, const RunOptions& o, const std::string& run_id,
                 StepResult& result, RejectFile* rejects)
    : pipeline_(p), drivers_(d), unit_(u), options_(o), run_id_(run_id), result_(result), rejects_(rejects) {}

void UnitRun::attempt(std::int64_t isolate_until) {
  const StepConfig& step = *unit_.step;
  const LoadSettings& settings = step.load.settings;
  auto source_conn = drivers_.connect(pipeline_.connections.at(step.extract.from));
  std::unique_ptr<Connection> target_conn;
  if (!options_.dry_run) target_conn = drivers_.connect(pipeline_.connections.at(step.load.to));

  // The checkpoint is read back from the target on every attempt: after a commit whose
  // outcome was unknown (connection lost during COMMIT) it says what really happened.
  std::optional<Checkpoint> cp;
  if (target_conn) {
    cp = target_conn->read_checkpoint(pipeline_.name, unit_.state_key);
    if (cp && cp->run_id != run_id_) cp.reset();
  }
  // Appended rows live in the target table itself: if it is gone, so is any progress
  // the checkpoint speaks of (the user dropped it to load again).
  if (cp && cp->rows > 0 && (step.load.mode == LoadMode::append || step.load.mode == LoadMode::upsert) &&
      !target_conn->describe(unit_.target_table)) {
    spdlog::info("step {}: target {} does not exist: starting from the first row", unit_.state_key, unit_.target_table.display());
    cp.reset();
  }
  const bool resuming = cp && cp->rows > 0;

  ExtractRequest req;
  req.table = unit_.source_table;
  req.query = step.extract.query;
  req.columns = step.extract.columns;
  req.where = step.extract.where;
  req.order_by = step.extract.order_by;
  if (req.order_by.empty() && req.query.empty()) {
    auto described = source_conn->describe(req.table);
    if (!described)
      throw Error(ErrorClass::config, "source table " + req.table.display() + " does not exist");
    req.order_by = described->primary_key;
  }
  // incremental: rows come ordered by the cursor, then the key, and every run continues
  // strictly after the last (cursor, key) committed: the high-water mark.
  if (const std::string& cursor = step.extract.incremental_cursor; !cursor.empty()) {
    std::vector<std::string> order = {cursor};
    for (const auto& k : req.order_by)
      if (k != cursor) order.push_back(k);
    req.order_by = order;
  }
  const bool positional = source_conn->resumes_by_position();
  const bool keyed = !req.order_by.empty() && !positional;
  bool skip_shard = false;
  if (unit_.shard_count > 1) {
    // Split on the first key column when it is an integer; otherwise shard 0 loads the
    // whole table and the other shards nothing (still exactly one run's work).
    std::optional<TypeInfo> first_key;
    if (keyed && req.query.empty())
      if (auto d = source_conn->describe(req.table))
        if (auto i = d->index_of(req.order_by[0])) first_key = d->columns[*i].type;
    const bool integer = first_key && (first_key->id == TypeId::int8 || first_key->id == TypeId::int16 ||
                                       first_key->id == TypeId::int32 || first_key->id == TypeId::int64);
    if (integer) {
      req.shard_column = req.order_by[0];
      req.shard_index = unit_.shard_index;
      req.shard_count = unit_.shard_count;
    } else {
      skip_shard = unit_.shard_index != 0;
      spdlog::warn("step {}: cannot split {} by key (needs an integer first key column): shard 0 loads it whole",
                   unit_.state_key, req.table.display());
    }
  }
  if (resuming) {
    if (keyed) req.resume_after = cp->last_key;
    else req.skip_rows = cp->rows;
    spdlog::info("step {}: resuming after {} committed rows", unit_.state_key, cp->rows);
  }
  if (skip_shard) {
    if (target_conn) {
      Checkpoint done;
      done.run_id = run_id_;
      done.completed = true;
      target_conn->write_checkpoint(pipeline_.name, unit_.state_key, done);
    }
    return;
  }
  auto source = source_conn->open_source(req);
  Schema schema = source->schema();
  std::vector<std::size_t> key_idx;
  if (keyed) {
    for (const auto& k : req.order_by) {
      auto idx = schema.index_of(k);
      if (!idx)
        throw Error(ErrorClass::config, "order_by column '" + k + "' is not among the extracted columns");
      key_idx.push_back(*idx);
    }
  }
  std::vector<std::unique_ptr<Transform>> transforms;
  for (const auto& tc : step.transforms) {
    transforms.push_back(make_transform(tc));
    schema = transforms.back()->bind(schema);
  }

  struct CountChanges {
    const Source& s;
    StepResult& r;
    ~CountChanges() { r.values_changed += s.values_changed(); }
  } count_changes{*source, result_};

  std::optional<std::int64_t> estimate;
  if (options_.progress && req.query.empty()) {
    if (auto e = source_conn->estimate_rows(req.table)) estimate = *e;
  }
  Progress progress_line(options_.progress, unit_.state_key, estimate);

  Batch batch(static_cast<std::size_t>(settings.batch_size));
  // Key of every row of the current batch, taken before transforms may rename or drop
  // key columns: any row can become a checkpoint when rows are isolated.
  std::vector<std::vector<Value>> row_keys;
  Checkpoint progress;
  progress.run_id = run_id_;
  if (resuming) { progress.last_key = cp->last_key; progress.rows = cp->rows; }
  std::size_t rows_in_fill = 0;  // rows the source gave, before transforms dropped any

  // Text values repaired per on_invalid_text (counted by the reader thread).
  std::atomic<std::int64_t> repaired{0};
  struct CountRepaired {
    std::atomic<std::int64_t>& n;
    StepResult& r;
    ~CountRepaired() { r.values_changed += n.load(); }
  } count_repaired{repaired, result_};
  // Runs on the reader thread: one batch from the source, its keys, the transforms.
  std::int64_t rows_seen = progress.rows;
  auto fill = [&](Fill& f) -> bool {
    check_stop();
    if (!source->read(f.batch)) return false;
    Batch& b = f.batch;
    f.rows_in_fill = b.size();
    b.number_rows();
    f.keys.resize(b.size());
    for (std::size_t r = 0; r < b.size(); ++r) {
      f.keys[r].resize(key_idx.size());
      for (std::size_t i = 0; i < key_idx.size(); ++i) f.keys[r][i] = b[r][key_idx[i]];
    }
    const std::int64_t before = rows_seen;
    rows_seen += static_cast<std::int64_t>(b.size());
    if (settings.on_invalid_text != OnInvalidText::reject) {
      const bool replace = settings.on_invalid_text == OnInvalidText::replace;
      for (std::size_t r = 0; r < b.size(); ++r)
        for (auto& v : b[r])
          if ((v.kind() == Value::Kind::text || v.kind() == Value::Kind::json) && !convert::clean_text(v.str())) {
            v.set_string(v.kind(), convert::repair_text(v.str(), replace));
            ++repaired;
          }
    }
    try {
      for (auto& t : transforms) t->apply(b);
    } catch (const transforms::RowError& e) {
      const std::size_t origin = b.origin(e.row());
      throw Error(ErrorClass::data, describe_key(req.order_by, key_idx.empty() ? std::vector<Value>{} : f.keys[origin],
                                                 before + static_cast<std::int64_t>(origin) + 1) + ": " + e.what());
    }
    return true;
  };
  std::unique_ptr<Prefetch> prefetch;  // started on the first read, after the sink is ready
  // Takes the next fill from the reader: its rows become `batch`, its keys `row_keys`
  // (swapped, so buffers keep circulating instead of being copied).
  auto read_next = [&]() -> bool {
    check_stop();
    if (!prefetch) prefetch = std::make_unique<Prefetch>(batch.capacity(), fill);
    Fill& f = prefetch->next();
    if (f.end) {
      prefetch->release(f);
      return false;
    }
    std::swap(batch, f.batch);
    std::swap(row_keys, f.keys);
    rows_in_fill = f.rows_in_fill;
    prefetch->release(f);
    if (!key_idx.empty()) progress.last_key = row_keys.back();
    progress.rows += static_cast<std::int64_t>(rows_in_fill);
    progress_line.update(progress.rows);
    return true;
  };

  if (options_.dry_run) {
    while (read_next()) {
      result_.rows_read += static_cast<std::int64_t>(rows_in_fill);
      result_.rows_written += static_cast<std::int64_t>(batch.size());
    }
    return;
  }

  LoadRequest load;
  load.table = unit_.target_table;
  load.mode = step.load.mode;
  load.create = step.load.create;
  load.key = step.load.key.empty() ? schema.primary_key : step.load.key;
  if (load.mode == LoadMode::upsert && load.key.empty())
    throw Error(ErrorClass::config, "upsert needs key: (the source has no primary key)");
  load.schema = schema;
  load.pipeline = pipeline_.name;
  load.state_key = unit_.state_key;
  load.resuming = resuming;
  // Before the driver creates or writes anything: no name of the table may be cut short.
  targets::check_table_names(pipeline_.connections.at(step.load.to).driver, load.table, load.schema.names());
  auto sink = target_conn->open_sink(load);

  // Without a key or a stable position a resumed read could not find its place:
  // such a table loads all-or-nothing, in one transaction.
  const bool all_or_nothing = !keyed && !positional;
  const int commit_every = all_or_nothing ? std::numeric_limits<int>::max() : settings.commit_every;
  if (all_or_nothing)
    spdlog::info("step {}: no primary key or order_by: loading in one transaction (cannot resume mid-table)", unit_.state_key);

  // truncate empties the target in the first transaction that commits, so it is
  // redone after any rollback before that.
  bool truncate_pending = load.mode == LoadMode::truncate && !resuming;
  std::int64_t pending_read = 0, pending_written = 0;
  auto open_tx = [&] {
    sink->begin();
    if (truncate_pending) sink->truncate();
  };
  auto commit = [&](const Checkpoint& c) {
    sink->commit(c);
    truncate_pending = false;
    result_.rows_read += pending_read;
    result_.rows_written += pending_written;
    pending_read = pending_written = 0;
  };
  // The checkpoint just after row i of the current batch (i counts rows that
  // survived the transforms; the key and count are those of the source row).
  auto checkpoint_at = [&](std::int64_t rows_before, std::size_t i) {
    const std::size_t origin = batch.origin(i);
    Checkpoint c;
    c.run_id = run_id_;
    c.rows = rows_before + static_cast<std::int64_t>(origin) + 1;
    if (!key_idx.empty()) c.last_key = row_keys[origin];
    return c;
  };

  Batch sub(batch.capacity());
  // Writes rows [lo, hi) of `batch` in transactions of their own, halving a range the
  // target refuses until the refused rows stand alone; those go to the reject file.
  std::function<void(std::size_t, std::size_t, std::int64_t)> isolate = [&](std::size_t lo, std::size_t hi, std::int64_t before) {
    copy_rows(batch, lo, hi, sub);
    try {
      sink->write(sub);
      pending_written += static_cast<std::int64_t>(hi - lo);
      commit(checkpoint_at(before, hi - 1));
      open_tx();
      return;
    } catch (const Error& e) {
      if (!e.is_data()) throw;
      sink->rollback();
      open_tx();
      if (hi - lo > 1) {
        std::size_t mid = lo + (hi - lo) / 2;
        isolate(lo, mid, before);
        isolate(mid, hi, before);
        return;
      }
      ++result_.rows_rejected;
      const std::size_t origin = batch.origin(lo);
      const std::string which = describe_key(req.order_by, key_idx.empty() ? std::vector<Value>{} : row_keys[origin],
                                             before + static_cast<std::int64_t>(origin) + 1);
      if (result_.rows_rejected > settings.max_rejects)
        throw Error(ErrorClass::data, "more than max_rejects (" + std::to_string(settings.max_rejects) + ") rows rejected; last: " +
                                          which + ": " + e.what(), e.sqlstate());
      rejects_->write(schema, batch[lo], e.what(), e.sqlstate());
      rejects_->sync();
      spdlog::warn("step {}: rejected {}: {}", unit_.state_key, which, e.what());
      commit(checkpoint_at(before, lo));
      open_tx();
    }
  };
  // Finds the refused row of `batch` with transactions that are rolled back.
  std::function<std::optional<std::size_t>(std::size_t, std::size_t)> locate = [&](std::size_t lo, std::size_t hi) -> std::optional<std::size_t> {
    copy_rows(batch, lo, hi, sub);
    sink->begin();
    try {
      sink->write(sub);
      sink->rollback();
      return std::nullopt;
    } catch (const Error& e) {
      sink->rollback();
      if (!e.is_data()) throw;
      if (hi - lo == 1) return lo;
      std::size_t mid = lo + (hi - lo) / 2;
      if (auto r = locate(lo, mid)) return r;
      return locate(mid, hi);
    }
  };

  try {
    open_tx();
    int batches_in_tx = 0;
    while (true) {
      const std::int64_t before = progress.rows;
      if (!read_next()) break;
      pending_read += static_cast<std::int64_t>(rows_in_fill);
      if (before < isolate_until) {
        // An isolating attempt starts at a checkpoint and commits every range it
        // writes, so no other batch is pending in this transaction.
        if (!batch.empty()) isolate(0, batch.size(), before);
        continue;
      }
      try {
        sink->write(batch);
      } catch (const Error& e) {
        if (!e.is_data()) throw;
        sink->rollback();
        if (settings.on_error == OnError::reject) throw IsolateRows{progress.rows};
        auto bad = locate(0, batch.size());
        if (bad) bad = batch.origin(*bad);
        std::string where = bad ? describe_key(req.order_by, key_idx.empty() ? std::vector<Value>{} : row_keys[*bad], before + static_cast<std::int64_t>(*bad) + 1)
                                : "a row of the batch ending at " + describe_key(req.order_by, progress.last_key, progress.rows);
        throw Error(ErrorClass::data, where + " was refused: " + e.what(), e.sqlstate());
      }
      pending_written += static_cast<std::int64_t>(batch.size());
      if (++batches_in_tx >= commit_every) {
        commit(progress);
        spdlog::debug("step {}: committed {} rows", unit_.state_key, progress.rows);
        batches_in_tx = 0;
        open_tx();
      }
    }
    check_stop();
    progress.completed = true;
    sink->finish(progress);
    result_.rows_read += pending_read;
    result_.rows_written += pending_written;
  } catch (...) {
    sink->rollback();
    result_.commits += sink->commits();
    throw;
  }
  result_.commits += sink->commits();
}

}  // namespace sluice::runtime
