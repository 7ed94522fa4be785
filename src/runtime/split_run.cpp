#include "runtime/split_run.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>

#include "runtime/on_schema_change.h"
#include "runtime/rejects.h"
#include "runtime/retry.h"
#include "runtime/signals.h"
#include "runtime/unit_run.h"
#include "sluice/status.h"

namespace sluice::runtime {
namespace {

std::string ranges_key(const plan::UnitPlan& u) { return u.name + "@ranges"; }

std::string range_name(const plan::UnitPlan& u, int k) { return u.name + "@r" + std::to_string(k) + "/" + std::to_string(u.parts); }

Value int_value(std::int64_t v) {
  Value out;
  out.set_int(v);
  return out;
}

// Where this run of the unit starts and how it is cut: read back from the target when a
// resumed run cut it already, else cut now (and the target prepared: created, emptied).
struct Cut {
  std::vector<Value> continue_after;  // an append continuing a completed run: after its last key
  std::int64_t rows_before = 0;       // that run's rows
  std::vector<Value> cuts;            // parts - 1 values of the split column
};

std::vector<Value> cut_of(Connection& source, const plan::UnitPlan& u, const std::vector<Value>& continue_after) {
  auto bounds = source.key_bounds(u.extract, u.split_column);
  std::int64_t lo = bounds ? bounds->min : 0, hi = bounds ? bounds->max : 0;
  // An append that continues reads only keys after the last one loaded: cut those.
  if (!continue_after.empty() && continue_after[0].kind() == Value::Kind::int64) lo = std::max(lo, continue_after[0].as_int());
  std::vector<Value> cuts;
  for (auto c : cut_points(lo, std::max(lo, hi), u.parts)) cuts.push_back(int_value(c));
  return cuts;
}

Cut prepare(const Pipeline& p, const DriverRegistry& drivers, const plan::UnitPlan& u, const RunOptions& o, const std::string& run_id) {
  Cut cut;
  auto source = drivers.connect(p.connections.at(u.step->extract.from));
  if (o.dry_run) {
    cut.cuts = cut_of(*source, u, {});
    return cut;
  }
  auto target = drivers.connect(p.connections.at(u.step->load.to));
  // The run's start marker says where an append continues (run_start.cpp).
  if (auto start = target->read_checkpoint(p.name, u.name);
      start && start->run_id == run_id && start->rows > 0 && !loaded_rows_gone(*target, u, *start)) {
    cut.continue_after = start->last_key;
    cut.rows_before = start->rows;
  }
  if (auto saved = target->read_checkpoint(p.name, ranges_key(u)); saved && saved->run_id == run_id) {
    if (saved->rows != u.parts)
      throw Error(ErrorClass::config, "step " + u.name + ": the interrupted run " + run_id + " split it into " + std::to_string(saved->rows) +
                                          " key ranges; resume it with parallel: " + std::to_string(saved->rows) + " (or start over with --fresh)");
    cut.cuts = saved->last_key;
    return cut;
  }
  cut.cuts = cut_of(*source, u, cut.continue_after);
  // Created (and, in truncate mode, emptied) once for every range, in the transaction
  // that records the cut: a kill before its commit leaves neither.
  LoadRequest load = u.load;
  load.schema = without_columns(u.load.schema, apply_schema_change(*target, u, p.name, run_id, u.load.schema));
  load.state_key = ranges_key(u);
  load.resuming = cut.rows_before > 0;
  auto sink = target->open_sink(load);
  sink->begin();
  if (load.mode == LoadMode::truncate) sink->truncate();
  Checkpoint saved;
  saved.run_id = run_id;
  saved.last_key = cut.cuts;
  saved.rows = u.parts;
  sink->commit(saved);
  return cut;
}

// The step as each range runs it: a range reads batches of batch_size / parts rows
// (at least 500), so that the ranges together hold what one stream would.
StepConfig range_step(const plan::UnitPlan& u) {
  StepConfig s = *u.step;
  s.load.settings.batch_size = std::max(std::min(500, s.load.settings.batch_size), s.load.settings.batch_size / u.parts);
  return s;
}

// Range k of the unit: a unit of its own, appending into the table prepared for all.
plan::UnitPlan range_unit(const plan::UnitPlan& u, const StepConfig& step, const Cut& cut, int k) {
  plan::UnitPlan r = u;
  r.step = &step;
  r.name = range_name(u, k);
  r.parts = 1;
  r.extract.range_column = u.split_column;
  if (k > 0) r.extract.range_from = cut.cuts[k - 1];
  if (k + 1 < u.parts) r.extract.range_to = cut.cuts[k];
  r.extract.resume_after = cut.continue_after;
  r.load.state_key = r.name;
  if (r.load.mode == LoadMode::truncate) r.load.mode = LoadMode::append;
  r.load.create = CreateMode::never;
  return r;
}

void add(const StepResult& part, StepResult& into) {
  into.rows_read += part.rows_read;
  into.rows_written += part.rows_written;
  into.rows_rejected += part.rows_rejected;
  into.values_changed += part.values_changed;
  into.retries += part.retries;
  into.commits += part.commits;
}

// Every range done: the unit's own completed checkpoint, as one stream would leave it
// (the last key loaded, all rows), then the ranges' rows are no longer needed.
void mark_completed(const Pipeline& p, const DriverRegistry& drivers, const plan::UnitPlan& u, const std::string& run_id, const Cut& cut) {
  auto target = drivers.connect(p.connections.at(u.step->load.to));
  Checkpoint done;
  done.run_id = run_id;
  done.completed = true;
  done.last_key = cut.continue_after;
  done.rows = cut.rows_before;
  for (int k = 0; k < u.parts; ++k) {
    auto cp = target->read_checkpoint(p.name, range_name(u, k));
    if (!cp || cp->run_id != run_id) continue;
    done.rows += cp->rows;
    if (cp->rows > 0 && !cp->last_key.empty()) done.last_key = cp->last_key;  // ranges ascend
  }
  target->write_checkpoint(p.name, u.name, done);
  for (int k = 0; k < u.parts; ++k) target->clear_state(p.name, range_name(u, k));
  target->clear_state(p.name, ranges_key(u));
}

// Retries what the coordinator itself does on transient errors, as a unit's attempts do.
template <typename F>
auto with_retries(const plan::UnitPlan& u, std::mt19937_64& rng, StepResult& sr, F&& f) {
  const RetryPolicy& retry = u.step->load.settings.retry;
  for (int attempt = 1;; ++attempt) {
    try {
      return f();
    } catch (const Error& e) {
      if (!e.is_transient() || attempt >= retry.attempts || stop_requested()) throw;
      auto delay = backoff_delay(retry, attempt, rng);
      spdlog::warn("step {}: {} (transient; retry {}/{} in {} ms)", u.name, e.what(), attempt, retry.attempts - 1, delay.count());
      ++sr.retries;
      std::this_thread::sleep_for(delay);
    }
  }
}

}  // namespace

std::vector<std::int64_t> cut_points(std::int64_t lo, std::int64_t hi, int n) {
  std::vector<std::int64_t> cuts;
  const __int128 width = static_cast<__int128>(hi) - lo + 1;
  for (int k = 1; k < n; ++k) cuts.push_back(static_cast<std::int64_t>(lo + width * k / n));
  return cuts;
}

int run_split_unit(const Pipeline& p, const DriverRegistry& drivers, const plan::UnitPlan& u, const RunOptions& options,
                   const std::string& run_id, StepResult& sr, std::mt19937_64& rng) {
  Cut cut;
  try {
    cut = with_retries(u, rng, sr, [&] { return prepare(p, drivers, u, options, run_id); });
  } catch (const Error& e) {
    sr.status = e.error_class() == ErrorClass::interrupted ? "stopped" : "failed";
    sr.error = e.what();
    spdlog::error("step {}: {}", u.name, e.what());
    return exit_code_for(e.error_class());
  }
  spdlog::info("step {}: {} key ranges of {}, cut at {}", u.name, u.parts, u.split_column, encode_key(cut.cuts));

  const StepConfig step = range_step(u);
  std::vector<plan::UnitPlan> ranges;
  if (!options.dry_run) {
    auto target = drivers.connect(p.connections.at(u.step->load.to));
    for (int k = 0; k < u.parts; ++k) {
      auto cp = target->read_checkpoint(p.name, range_name(u, k));
      if (cp && cp->run_id == run_id && cp->completed) spdlog::info("step {}: already completed in run {}", range_name(u, k), run_id);
      else ranges.push_back(range_unit(u, step, cut, k));
    }
  } else {
    for (int k = 0; k < u.parts; ++k) ranges.push_back(range_unit(u, step, cut, k));
  }

  // One snapshot for every range's first reading; a source that cannot share one (or a
  // snapshot that cannot be taken now) leaves each range a snapshot of its own.
  std::unique_ptr<SharedSnapshot> snapshot;
  try {
    auto source = drivers.connect(p.connections.at(u.step->extract.from));
    snapshot = source->share_snapshot(u.source_table);
  } catch (const Error& e) {
    spdlog::warn("step {}: no snapshot shared by the key ranges ({}): each reads a snapshot of its own", u.name, e.what());
  }
  for (auto& r : ranges)
    if (snapshot) r.extract.snapshot = snapshot->id();

  std::unique_ptr<RejectFile> rejects;
  const LoadSettings& settings = u.step->load.settings;
  if (settings.on_error == OnError::reject && !options.dry_run)
    rejects = std::make_unique<RejectFile>(settings.reject_file, p.base_dir, p.name, u.name);

  // One line for the step: the ranges report their rows as parts of it.
  std::optional<std::int64_t> estimate;
  if (options.progress) {
    try {
      estimate = drivers.connect(p.connections.at(u.step->extract.from))->estimate_rows(u.source_table);
    } catch (const Error&) {
      // No estimate: the line shows rows and rate only.
    }
  }
  Progress line(options.progress, u.name, estimate, ranges.size());
  const RunOptions& part_options = options;
  std::vector<StepResult> results(ranges.size());
  std::vector<int> codes(ranges.size(), kExitOk);
  std::latch started(static_cast<std::ptrdiff_t>(ranges.size()));
  std::vector<std::once_flag> counted(ranges.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    threads.emplace_back([&, i, seed = rng()] {
      std::mt19937_64 part_rng(seed);
      auto opened = [&] { std::call_once(counted[i], [&] { started.count_down(); }); };
      codes[i] = run_unit(p, drivers, ranges[i], part_options, run_id, results[i], part_rng, {rejects.get(), opened, {&line, i}});
      opened();  // also when it ended before its source opened
    });
  }
  started.wait();
  snapshot.reset();
  for (auto& t : threads) t.join();

  int code = kExitOk;
  sr.status = options.dry_run ? "dry-run" : "ok";
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    add(results[i], sr);
    if (codes[i] != kExitOk && code == kExitOk) {
      code = codes[i];
      sr.status = results[i].status;
      sr.error = ranges[i].name + ": " + results[i].error;
    }
  }
  if (sr.rows_rejected > 0 && rejects) spdlog::warn("step {}: {} rejected rows written to {}", u.name, sr.rows_rejected, rejects->path());
  if (code != kExitOk || options.dry_run) return code;
  try {
    with_retries(u, rng, sr, [&] { mark_completed(p, drivers, u, run_id, cut); });
  } catch (const Error& e) {
    sr.status = "failed";
    sr.error = e.what();
    spdlog::error("step {}: {}", u.name, e.what());
    return exit_code_for(e.error_class());
  }
  return kExitOk;
}

}  // namespace sluice::runtime
