#include "sluice/runner.h"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <atomic>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <thread>

#include <unistd.h>

#include "core/targets.h"
#include "drivers/sql/sql_text.h"
#include "runtime/rejects.h"
#include "runtime/retry.h"
#include "runtime/signals.h"
#include "runtime/unit_run.h"
#include "sluice/status.h"
#include "sluice/transform.h"

namespace sluice {
namespace {

using runtime::Unit;

using Clock = std::chrono::steady_clock;

std::vector<Unit> expand(const StepConfig& step, Connection& source) {
  std::vector<Unit> units;
  for (auto& t : step_tables(step, source)) units.push_back({&step, t.source, t.target, t.name});
  if (units.empty()) spdlog::warn("step {}: no table of the source matches the include/exclude patterns", step.name);
  return units;
}

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

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  auto t = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::gmtime(&t));
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03lldZ", static_cast<long long>(ms));
  return std::string(buf) + frac;
}

// "host=db1 pid=4242 started=2026-11-26T01:00:00Z run=..." for a second run's message.
std::string holder_description(const std::string& run_id) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return std::string("host ") + host + ", pid " + std::to_string(::getpid()) + ", started " + when + ", run " + run_id;
}


}  // namespace

int exit_code_for(ErrorClass c) {
  switch (c) {
    case ErrorClass::config: return kExitUsage;
    case ErrorClass::transient: return kExitTempFail;
    case ErrorClass::interrupted: return 128 + (runtime::stop_requested() ? runtime::stop_requested() : 2);
    default: return kExitFailed;
  }
}

std::vector<TableRef> select_tables(const TablePatterns& patterns, Connection& source, const std::string& schema) {
  std::vector<TableRef> tables;
  for (const auto& t : source.list_tables(schema)) {
    bool in = false;
    for (const auto& p : patterns.include) in = in || sql::glob_match(p, t.name);
    for (const auto& p : patterns.exclude) in = in && !sql::glob_match(p, t.name);
    if (in) tables.push_back(t);
  }
  // Parents before children, name order otherwise; tables in a reference cycle keep
  // name order (their constraints must be deferred by the user).
  std::map<std::string, std::set<std::string>> parents;
  for (const auto& [child, parent] : source.foreign_keys(schema))
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

std::vector<StepTable> step_tables(const StepConfig& step, Connection& source) {
  if (!step.extract.tables) {
    return {{targets::single_source(step), targets::single_target(step), step.name}};
  }
  std::vector<StepTable> out;
  for (const auto& t : select_tables(*step.extract.tables, source, step.extract.schema))
    out.push_back({t, {step.load.schema, t.name}, step.name + "/" + t.name});
  return out;
}

void check_step_tables(const Pipeline& p, const std::vector<std::pair<const StepConfig*, StepTable>>& tables, bool writes) {
  std::vector<targets::UnitTables> units;
  for (const auto& [step, t] : tables)
    units.push_back({t.name, step->extract.query.empty() ? &p.connections.at(step->extract.from) : nullptr, t.source,
                     writes ? &p.connections.at(step->load.to) : nullptr, t.target, 0});
  std::string msg;
  for (const auto& problem : targets::check(units)) msg += (msg.empty() ? "" : "\n") + problem.message;
  if (!msg.empty()) throw Error(ErrorClass::config, msg);
}

RunResult Runner::run() {
  RunResult result;
  result.run_id = new_run_id();
  result.started_at = utc_now();
  struct Finish {
    RunResult& r;
    ~Finish() { r.finished_at = utc_now(); }
  } finish{result};
  std::vector<const StepConfig*> steps;
  for (const auto& s : pipeline_.steps)
    if (options_.steps.empty() || std::find(options_.steps.begin(), options_.steps.end(), s.name) != options_.steps.end())
      steps.push_back(&s);

  // Expand whole-database steps and decide whether this run continues an interrupted one.
  std::vector<Unit> units;
  std::map<std::string, std::unique_ptr<Connection>> targets;
  std::vector<std::unique_ptr<RunLock>> locks;  // released last, when run() returns
  std::string resume_run;
  // Exit 2 promises that nothing was written: once a target was connected to (a SQLite
  // file created, a lock or run marker written), a pipeline mistake found later is exit 1.
  bool touched_targets = false;
  try {
    for (const auto* s : steps) {
      auto source = drivers_.connect(pipeline_.connections.at(s->extract.from));
      source->check_readable();
      auto step_units = expand(*s, *source);
      if (options_.shard_count > 1) {
        if (s->extract.tables) {
          // Whole tables are dealt out: table j of the step goes to shard j mod N.
          std::vector<Unit> mine;
          for (std::size_t j = 0; j < step_units.size(); ++j)
            if (static_cast<int>(j % options_.shard_count) == options_.shard_index) mine.push_back(step_units[j]);
          step_units = std::move(mine);
        } else {
          if (s->load.mode == LoadMode::truncate || s->load.mode == LoadMode::replace || s->load.create == CreateMode::always)
            throw Error(ErrorClass::config, "step " + s->name + ": --shard splits its table between runs; use mode append or upsert "
                                            "and create: if_missing or never (truncate, replace and create: always would undo the other shards' rows)");
          for (auto& u : step_units) {
            u.shard_index = options_.shard_index;
            u.shard_count = options_.shard_count;
            u.state_key += "@" + std::to_string(options_.shard_index) + "/" + std::to_string(options_.shard_count);
          }
        }
      }
      // Sources are checked before any target is touched, so that a missing table or
      // an unreadable file is a usage error with nothing written anywhere.
      if (s->extract.query.empty())
        for (const auto& u : step_units)
          if (!source->describe(u.source_table))
            throw Error(ErrorClass::config, "step " + u.state_key + ": source table " + u.source_table.display() +
                                                " does not exist in " + pipeline_.connections.at(s->extract.from).display());
      for (auto& u : step_units) units.push_back(std::move(u));
    }
    {
      std::vector<std::pair<const StepConfig*, StepTable>> tables;
      for (const auto& u : units) tables.push_back({u.step, {u.source_table, u.target_table, u.state_key}});
      // A dry run rehearses: it refuses what the real run would refuse.
      check_step_tables(pipeline_, tables, true);
    }
    touched_targets = !options_.dry_run;
    for (const auto* s : steps)
      if (!options_.dry_run && !targets.count(s->load.to))
        targets[s->load.to] = drivers_.connect(pipeline_.connections.at(s->load.to));
    // One run of a pipeline at a time, in every target it writes to (taken in name
    // order, so two runs cannot each hold half). Shards of one pipeline run side by side.
    const std::string lock_name = options_.shard_count > 1 ? pipeline_.name + "#shard" + std::to_string(options_.shard_index) + "/" +
                                                                 std::to_string(options_.shard_count)
                                                           : pipeline_.name;
    if (!options_.dry_run)
      for (auto& [name, conn] : targets) locks.push_back(conn->lock_run(lock_name, holder_description(result.run_id)));
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
      // An append step (and an incremental upsert) continues after the last row an
      // earlier completed run loaded, so rerunning it loads nothing twice (--fresh or
      // create: always start over).
      for (const auto& u : units) {
        Checkpoint start;
        start.run_id = result.run_id;
        Connection& target = *targets[u.step->load.to];
        const bool continues = u.step->load.mode == LoadMode::append ||
                               (u.step->load.mode == LoadMode::upsert && !u.step->extract.incremental_cursor.empty());
        if (continues && u.step->load.create != CreateMode::always && !options_.fresh) {
          auto previous = target.read_checkpoint(pipeline_.name, u.state_key);
          if (previous && previous->completed && previous->rows > 0) {
            start.last_key = previous->last_key;
            start.rows = previous->rows;
            spdlog::info("step {}: appending after the {} rows of completed run {} (--fresh loads everything again)",
                         u.state_key, previous->rows, previous->run_id);
          }
        }
        target.write_checkpoint(pipeline_.name, u.state_key, start);
      }
    }
  } catch (const Error& e) {
    spdlog::error("{}", e.what());
    result.exit_code = exit_code_for(e.error_class());
    if (result.exit_code == kExitUsage && touched_targets) result.exit_code = kExitFailed;
    return result;
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    result.exit_code = kExitFailed;
    return result;
  }

  // Completed units of the run being continued are skipped; decided here, before any
  // worker runs, because `targets` connections are not shared between threads.
  std::vector<bool> skip(units.size(), false);
  if (!options_.dry_run && !resume_run.empty()) {
    for (std::size_t i = 0; i < units.size(); ++i) {
      auto cp = targets[units[i].step->load.to]->read_checkpoint(pipeline_.name, units[i].state_key);
      skip[i] = cp && cp->run_id == resume_run && cp->completed;
    }
  }

  // One unit, with retries; returns its exit code (0 when it succeeded).
  auto run_unit = [&](const Unit& u, StepResult& sr, std::mt19937_64& rng) -> int {
    const StepConfig& step = *u.step;
    sr.name = u.state_key;
    sr.source = pipeline_.connections.at(step.extract.from).display() + " " +
                (step.extract.query.empty() ? u.source_table.display() : "(query)");
    sr.target = pipeline_.connections.at(step.load.to).display() + " " + u.target_table.display();
    auto started = Clock::now();
    spdlog::info("step {}: {} -> {}", u.state_key, sr.source, sr.target);
    const RetryPolicy& retry = step.load.settings.retry;
    std::unique_ptr<runtime::RejectFile> rejects;
    std::int64_t isolate_until = 0;
    int code = kExitOk;
    for (int attempt = 1;;) {
      try {
        if (step.load.settings.on_error == OnError::reject && !rejects && !options_.dry_run)
          rejects = std::make_unique<runtime::RejectFile>(step.load.settings.reject_file, pipeline_.base_dir, pipeline_.name, u.state_key);
        runtime::UnitRun(pipeline_, drivers_, u, options_, result.run_id, sr, rejects.get()).attempt(isolate_until);
        sr.status = options_.dry_run ? "dry-run" : "ok";
        break;
      } catch (const runtime::IsolateRows& iso) {
        // Not a failure: redo from the checkpoint, isolating the refused rows.
        spdlog::info("step {}: the target refused a row; isolating rows up to row {}", u.state_key, iso.until_rows);
        isolate_until = iso.until_rows;
        continue;
      } catch (const Error& e) {
        if (e.is_transient() && attempt < retry.attempts && !runtime::stop_requested()) {
          auto delay = runtime::backoff_delay(retry, attempt, rng);
          spdlog::warn("step {}: {} (transient; retry {}/{} in {} ms)", u.state_key, e.what(), attempt,
                       retry.attempts - 1, delay.count());
          ++sr.retries;
          ++attempt;
          std::this_thread::sleep_for(delay);
          continue;
        }
        sr.status = e.error_class() == ErrorClass::interrupted ? "stopped" : "failed";
        sr.error = e.what();
        spdlog::error("step {}: {}", u.state_key, e.what());
        code = exit_code_for(e.error_class());
        break;
      } catch (const std::exception& e) {
        sr.status = "failed";
        sr.error = e.what();
        spdlog::error("step {}: internal error: {}", u.state_key, e.what());
        code = kExitFailed;
        break;
      }
    }
    if (sr.rows_rejected > 0 && rejects)
      spdlog::warn("step {}: {} rejected rows written to {}", u.state_key, sr.rows_rejected, rejects->path());
    sr.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (sr.status == "ok" || sr.status == "dry-run")
      spdlog::info("step {}: {} rows read, {} written in {:.2f}s", u.state_key, sr.rows_read, sr.rows_written, sr.seconds);
    return code;
  };

  // Units of one step run in order (a whole-database step loads parents first); with
  // --parallel N, up to N steps run at once. After a failure no further step starts.
  std::vector<std::pair<std::size_t, std::size_t>> groups;  // [first, last) unit of each step
  for (std::size_t i = 0; i < units.size(); ++i)
    if (groups.empty() || units[groups.back().first].step != units[i].step) groups.push_back({i, i + 1});
    else groups.back().second = i + 1;
  std::vector<std::optional<StepResult>> results(units.size());
  std::vector<int> codes(units.size(), kExitOk);
  std::atomic<std::size_t> next_group{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    std::mt19937_64 rng(std::random_device{}());
    for (std::size_t g; !failed && (g = next_group++) < groups.size();) {
      for (std::size_t i = groups[g].first; i < groups[g].second && !failed; ++i) {
        StepResult sr;
        if (skip[i]) {
          sr.name = units[i].state_key;
          sr.status = "skipped";
          spdlog::info("step {}: already completed in run {}", units[i].state_key, resume_run);
        } else if ((codes[i] = run_unit(units[i], sr, rng)) != kExitOk) {
          failed = true;
        }
        results[i] = std::move(sr);
      }
    }
  };
  const int threads = std::max(1, std::min<int>(options_.parallel, static_cast<int>(groups.size())));
  if (threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (!results[i]) continue;
    result.steps.push_back(std::move(*results[i]));
    if (codes[i] != kExitOk && result.exit_code == kExitOk) result.exit_code = codes[i];
  }
  if (result.exit_code == kExitUsage && touched_targets) result.exit_code = kExitFailed;
  return result;
}

std::string format_report(const Pipeline& pipeline, const RunResult& r) {
  nlohmann::json j;
  j["pipeline"] = pipeline.name;
  j["run_id"] = r.run_id;
  j["version"] = SLUICE_VERSION;
  j["started_at"] = r.started_at;
  j["finished_at"] = r.finished_at;
  j["exit_code"] = r.exit_code;
  j["steps"] = nlohmann::json::array();
  for (const auto& s : r.steps) {
    nlohmann::json step = {{"name", s.name},           {"source", s.source},
                           {"target", s.target},       {"status", s.status},
                           {"rows_read", s.rows_read}, {"rows_written", s.rows_written},
                           {"rows_rejected", s.rows_rejected}, {"retries", s.retries},
                           {"values_changed", s.values_changed}, {"seconds", s.seconds}};
    if (!s.error.empty()) step["error"] = s.error;
    j["steps"].push_back(step);
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string format_summary(const RunResult& r) {
  std::vector<std::vector<std::string>> rows = {{"step", "status", "read", "written", "rejected", "changed", "retries", "seconds", "rows/s"}};
  for (const auto& s : r.steps) {
    char secs[32], rate[32];
    std::snprintf(secs, sizeof secs, "%.2f", s.seconds);
    std::snprintf(rate, sizeof rate, "%.0f", s.seconds > 0 ? static_cast<double>(s.rows_written ? s.rows_written : s.rows_read) / s.seconds : 0.0);
    rows.push_back({s.name, s.status, std::to_string(s.rows_read), std::to_string(s.rows_written),
                    std::to_string(s.rows_rejected), std::to_string(s.values_changed), std::to_string(s.retries), secs, rate});
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
