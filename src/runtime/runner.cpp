#include "sluice/runner.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "drivers/sql_text.h"
#include "runtime/retry.h"
#include "sluice/status.h"
#include "sluice/transform.h"

namespace sluice {
namespace {

using Clock = std::chrono::steady_clock;

// One table's worth of work: a step, or one table of a whole-database step.
struct Unit {
  const StepConfig* step;
  TableRef source_table;
  TableRef target_table;
  std::string state_key;
};

std::string new_run_id() {
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", std::gmtime(&t));
  std::random_device rd;
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "-%06x", rd() & 0xffffff);
  return std::string(buf) + suffix;
}

std::vector<Unit> expand(const StepConfig& step, Connection& source) {
  if (!step.extract.tables) {
    Unit u{&step, TableRef::parse(step.extract.table), TableRef::parse(step.load.table), step.name};
    return {u};
  }
  std::vector<Unit> units;
  for (const auto& t : select_tables(*step.extract.tables, source))
    units.push_back({&step, t, {step.load.schema, t.name}, step.name + "/" + t.name});
  if (units.empty()) spdlog::warn("step {}: no table of the source matches the include/exclude patterns", step.name);
  return units;
}

class UnitRun {
 public:
  UnitRun(const Pipeline& p, const DriverRegistry& d, const Unit& u, const RunOptions& o, const std::string& run_id,
          StepResult& result)
      : pipeline_(p), drivers_(d), unit_(u), options_(o), run_id_(run_id), result_(result) {}

  // One attempt: connects afresh, resumes from the target's checkpoint, runs to the end.
  void attempt() {
    const StepConfig& step = *unit_.step;
    const LoadSettings& settings = step.load.settings;
    auto source_conn = drivers_.connect(pipeline_.connections.at(step.extract.from));
    std::unique_ptr<Connection> target_conn;
    if (!options_.dry_run) target_conn = drivers_.connect(pipeline_.connections.at(step.load.to));

    std::optional<Checkpoint> cp;
    if (target_conn) {
      cp = target_conn->read_checkpoint(pipeline_.name, unit_.state_key);
      if (cp && cp->run_id != run_id_) cp.reset();
    }
    bool resuming = cp && cp->rows > 0;

    ExtractRequest req;
    req.table = unit_.source_table;
    req.query = step.extract.query;
    req.columns = step.extract.columns;
    req.where = step.extract.where;
    req.order_by = step.extract.order_by;
    if (req.order_by.empty() && req.query.empty()) {
      auto described = source_conn->describe(req.table);
      if (!described)
        throw Error(ErrorClass::config, "step " + step.name + ": source table " + req.table.display() + " does not exist");
      req.order_by = described->primary_key;
    }
    const bool positional = source_conn->resumes_by_position();
    const bool keyed = !req.order_by.empty();
    if (resuming) {
      if (keyed && !positional) req.resume_after = cp->last_key;
      else req.skip_rows = cp->rows;
      spdlog::info("step {}: resuming after {} committed rows", unit_.state_key, cp->rows);
    }
    auto source = source_conn->open_source(req);
    Schema schema = source->schema();
    std::vector<std::size_t> key_idx;
    if (keyed && !positional) {
      for (const auto& k : req.order_by) {
        auto idx = schema.index_of(k);
        if (!idx)
          throw Error(ErrorClass::config, "step " + step.name + ": order_by column '" + k + "' is not among the extracted columns");
        key_idx.push_back(*idx);
      }
    }
    std::vector<std::unique_ptr<Transform>> transforms;
    for (const auto& tc : step.transforms) {
      transforms.push_back(make_transform(tc));
      schema = transforms.back()->bind(schema);
    }
    if (!step.extract.order_by.empty() && schema.primary_key.empty()) schema.primary_key = {};

    Batch batch(static_cast<std::size_t>(settings.batch_size));
    Checkpoint progress;
    progress.run_id = run_id_;
    if (resuming) { progress.last_key = cp->last_key; progress.rows = cp->rows; }
    auto apply = [&](Batch& b) {
      if (!key_idx.empty() && !b.empty()) {
        const Row& last = b[b.size() - 1];
        progress.last_key.resize(key_idx.size());
        for (std::size_t i = 0; i < key_idx.size(); ++i) progress.last_key[i] = last[key_idx[i]];
      }
      result_.rows_read += static_cast<std::int64_t>(b.size());
      progress.rows += static_cast<std::int64_t>(b.size());
      for (auto& t : transforms) t->apply(b);
    };

    // Counted however the attempt ends.
    struct CountChanges {
      const Source& s;
      StepResult& r;
      ~CountChanges() { r.values_changed += s.values_changed(); }
    } count_changes{*source, result_};

    if (options_.dry_run) {
      while (source->read(batch)) apply(batch);
      return;
    }

    LoadRequest load;
    load.table = unit_.target_table;
    load.mode = step.load.mode;
    load.create = step.load.create;
    load.key = step.load.key.empty() ? schema.primary_key : step.load.key;
    if (load.mode == LoadMode::upsert && load.key.empty())
      throw Error(ErrorClass::config, "step " + step.name + ": upsert needs key: (the source has no primary key)");
    load.schema = schema;
    load.pipeline = pipeline_.name;
    load.state_key = unit_.state_key;
    load.resuming = resuming;
    auto sink = target_conn->open_sink(load);

    // Without a key or a stable position a resumed read could not find its place:
    // such a table loads all-or-nothing, in one transaction.
    const bool all_or_nothing = !keyed && !positional;
    const int commit_every = all_or_nothing ? std::numeric_limits<int>::max() : settings.commit_every;
    if (all_or_nothing)
      spdlog::info("step {}: no primary key or order_by: loading in one transaction (cannot resume mid-table)",
                   unit_.state_key);

    try {
      sink->begin();
      if (load.mode == LoadMode::truncate && !resuming) sink->truncate();
      int batches_in_tx = 0;
      while (source->read(batch)) {
        apply(batch);
        sink->write(batch);
        result_.rows_written += static_cast<std::int64_t>(batch.size());
        if (++batches_in_tx >= commit_every) {
          sink->commit(progress);
          spdlog::debug("step {}: committed {} rows", unit_.state_key, progress.rows);
          batches_in_tx = 0;
          sink->begin();
        }
      }
      progress.completed = true;
      sink->finish(progress);
    } catch (...) {
      sink->rollback();
      result_.commits += sink->commits();
      throw;
    }
    result_.commits += sink->commits();
  }

 private:
  const Pipeline& pipeline_;
  const DriverRegistry& drivers_;
  const Unit& unit_;
  const RunOptions& options_;
  const std::string& run_id_;
  StepResult& result_;
};

int exit_code_for(ErrorClass c) {
  switch (c) {
    case ErrorClass::config: return kExitUsage;
    case ErrorClass::transient: return kExitTempFail;
    default: return kExitFailed;
  }
}

}  // namespace

std::vector<TableRef> select_tables(const TablePatterns& patterns, Connection& source) {
  std::vector<TableRef> tables;
  for (const auto& t : source.list_tables("")) {
    bool in = false;
    for (const auto& p : patterns.include) in = in || sql::glob_match(p, t.name);
    for (const auto& p : patterns.exclude) in = in && !sql::glob_match(p, t.name);
    if (in) tables.push_back(t);
  }
  // Parents before children, name order otherwise; tables in a reference cycle keep
  // name order (their constraints must be deferred by the user).
  std::map<std::string, std::set<std::string>> parents;
  for (const auto& [child, parent] : source.foreign_keys(""))
    if (child != parent) parents[child].insert(parent);
  std::set<std::string> selected, placed;
  for (const auto& t : tables) selected.insert(t.name);
  std::vector<TableRef> ordered;
  while (!tables.empty()) {
    auto ready = std::find_if(tables.begin(), tables.end(), [&](const TableRef& t) {
      for (const auto& p : parents[t.name])
        if (selected.count(p) && !placed.count(p)) return false;
      return true;
    });
    if (ready == tables.end()) ready = tables.begin();
    placed.insert(ready->name);
    ordered.push_back(*ready);
    tables.erase(ready);
  }
  return ordered;
}

RunResult Runner::run() {
  RunResult result;
  result.run_id = new_run_id();
  std::vector<const StepConfig*> steps;
  for (const auto& s : pipeline_.steps)
    if (options_.steps.empty() || std::find(options_.steps.begin(), options_.steps.end(), s.name) != options_.steps.end())
      steps.push_back(&s);

  // Expand whole-database steps and decide whether this run continues an interrupted one.
  std::vector<Unit> units;
  std::map<std::string, std::unique_ptr<Connection>> targets;
  std::string resume_run;
  try {
    for (const auto* s : steps) {
      auto source = drivers_.connect(pipeline_.connections.at(s->extract.from));
      for (auto& u : expand(*s, *source)) units.push_back(std::move(u));
      if (!options_.dry_run && !targets.count(s->load.to))
        targets[s->load.to] = drivers_.connect(pipeline_.connections.at(s->load.to));
    }
    if (!options_.dry_run && !options_.fresh) {
      for (const auto& u : units) {
        auto cp = targets[u.step->load.to]->read_checkpoint(pipeline_.name, u.state_key);
        if (cp && !cp->completed) { resume_run = cp->run_id; break; }
      }
    }
    if (!resume_run.empty()) result.run_id = resume_run;
    if (!resume_run.empty()) {
      spdlog::info("continuing interrupted run {}", resume_run);
    } else if (!options_.dry_run) {
      // Mark every unit as started in this run before any data moves, so that a run
      // killed between two steps resumes instead of starting over (and doubling).
      for (const auto& u : units) {
        Checkpoint start;
        start.run_id = result.run_id;
        targets[u.step->load.to]->write_checkpoint(pipeline_.name, u.state_key, start);
      }
    }
  } catch (const Error& e) {
    spdlog::error("{}", e.what());
    result.exit_code = exit_code_for(e.error_class());
    return result;
  }

  std::mt19937_64 rng(std::random_device{}());
  for (const auto& u : units) {
    StepResult sr;
    sr.name = u.state_key;
    const StepConfig& step = *u.step;
    sr.source = pipeline_.connections.at(step.extract.from).display() + " " +
                (step.extract.query.empty() ? u.source_table.display() : "(query)");
    sr.target = pipeline_.connections.at(step.load.to).display() + " " + u.target_table.display();
    if (!options_.dry_run && !resume_run.empty()) {
      auto cp = targets[step.load.to]->read_checkpoint(pipeline_.name, u.state_key);
      if (cp && cp->run_id == resume_run && cp->completed) {
        sr.status = "skipped";
        spdlog::info("step {}: already completed in run {}", u.state_key, resume_run);
        result.steps.push_back(sr);
        continue;
      }
    }
    auto started = Clock::now();
    spdlog::info("step {}: {} -> {}", u.state_key, sr.source, sr.target);
    const RetryPolicy& retry = step.load.settings.retry;
    for (int attempt = 1;; ++attempt) {
      try {
        UnitRun(pipeline_, drivers_, u, options_, result.run_id, sr).attempt();
        sr.status = options_.dry_run ? "dry-run" : "ok";
        break;
      } catch (const Error& e) {
        if (e.is_transient() && attempt < retry.attempts) {
          auto delay = runtime::backoff_delay(retry, attempt, rng);
          spdlog::warn("step {}: {} (transient; retry {}/{} in {} ms)", u.state_key, e.what(), attempt,
                       retry.attempts - 1, delay.count());
          ++sr.retries;
          std::this_thread::sleep_for(delay);
          continue;
        }
        sr.status = "failed";
        sr.error = e.what();
        spdlog::error("step {}: {}", u.state_key, e.what());
        result.exit_code = exit_code_for(e.error_class());
        break;
      } catch (const std::exception& e) {
        sr.status = "failed";
        sr.error = e.what();
        spdlog::error("step {}: internal error: {}", u.state_key, e.what());
        result.exit_code = kExitFailed;
        break;
      }
    }
    sr.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (sr.status == "ok" || sr.status == "dry-run")
      spdlog::info("step {}: {} rows read, {} written in {:.2f}s", u.state_key, sr.rows_read, sr.rows_written, sr.seconds);
    result.steps.push_back(sr);
    if (result.exit_code != 0) break;
  }
  return result;
}

std::string format_summary(const RunResult& r) {
  std::vector<std::vector<std::string>> rows = {{"step", "status", "read", "written", "rejected", "retries", "seconds", "rows/s"}};
  for (const auto& s : r.steps) {
    char secs[32], rate[32];
    std::snprintf(secs, sizeof secs, "%.2f", s.seconds);
    std::snprintf(rate, sizeof rate, "%.0f", s.seconds > 0 ? static_cast<double>(s.rows_written ? s.rows_written : s.rows_read) / s.seconds : 0.0);
    rows.push_back({s.name, s.status, std::to_string(s.rows_read), std::to_string(s.rows_written),
                    std::to_string(s.rows_rejected), std::to_string(s.retries), secs, rate});
  }
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      const auto& cell = rows[r][i];
      std::string pad(width[i] - cell.size(), ' ');
      out += i == 0 || i == 1 ? cell + pad : pad + cell;  // names left, numbers right
      out += i + 1 < rows[r].size() ? "  " : "\n";
    }
    if (r == 0) {
      std::size_t total = 0;
      for (auto w : width) total += w + 2;
      out += std::string(total - 2, '-') + "\n";
    }
  }
  return out;
}

}  // namespace sluice
