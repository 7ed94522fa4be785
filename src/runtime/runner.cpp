#include "sluice/runner.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <random>
#include <span>

#include "core/log_context.h"
#include "plan/plan.h"
#include "runtime/objects_phase.h"
#include "runtime/run_start.h"
#include "runtime/schedule.h"
#include "runtime/signals.h"
#include "runtime/unit_retry.h"
#include "sluice/status.h"

namespace sluice {
namespace {

std::string new_run_id() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
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

}  // namespace

int exit_code_for(ErrorClass c) {
  switch (c) {
    case ErrorClass::config: return kExitUsage;
    case ErrorClass::transient: return kExitTempFail;
    case ErrorClass::interrupted: return 128 + (runtime::stop_requested() ? runtime::stop_requested() : 2);
    default: return kExitFailed;
  }
}

RunResult Runner::run() {
  RunResult result;
  result.run_id = new_run_id();
  logctx::set_run_id(result.run_id);
  result.started_at = utc_now();
  struct Finish {
    RunResult& r;
    ~Finish() { r.finished_at = utc_now(); }
  } finish{result};

  std::vector<plan::UnitPlan> units;
  runtime::RunStart start;
  // Exit 2 promises that nothing was written: once a target was connected to (a SQLite
  // file created, a lock or run marker written), a pipeline mistake found later is exit 1.
  bool touched_targets = false;
  try {
    // The plan checks sources, names and collisions before any target is touched; a
    // dry run rehearses, so it refuses what the real run would refuse.
    units = plan::plan_units(pipeline_, drivers_,
                               {.steps = options_.steps, .shard_index = options_.shard_index, .shard_count = options_.shard_count, .parallel = options_.parallel});
    touched_targets = !options_.dry_run;
    start = runtime::start_run(pipeline_, drivers_, units, options_, result.run_id);
    logctx::set_run_id(result.run_id);  // a resumed run continues under its own id
  } catch (const Error& e) {
    spdlog::error("{}", e.what());
    result.error = e.what();
    result.exit_code = exit_code_for(e.error_class());
    if (result.exit_code == kExitUsage && touched_targets) result.exit_code = kExitFailed;
    return result;
  } catch (const std::exception& e) {
    spdlog::error("internal error: {}", e.what());
    result.error = std::string("internal error: ") + e.what();
    result.exit_code = kExitFailed;
    return result;
  }

  std::vector<std::optional<StepResult>> results(units.size());
  std::vector<int> codes(units.size(), kExitOk);
  runtime::run_scheduled(units, options_.parallel, [&](std::size_t i, std::mt19937_64& rng) {
    StepResult sr;
    if (start.skip[i]) {
      sr.name = units[i].name;
      sr.status = "skipped";
      spdlog::info("step {}: already completed in run {}", units[i].name, start.resumed_run);
    } else {
      codes[i] = runtime::run_unit(pipeline_, drivers_, units[i], options_, result.run_id, sr, rng);
    }
    results[i] = std::move(sr);
    return codes[i];
  }, [&](std::size_t first, std::size_t last) {
    if (options_.dry_run) return kExitOk;
    const int code = runtime::build_step_objects(pipeline_, drivers_, std::span(units).subspan(first, last - first), result.run_id,
                                                 std::span(results).subspan(first, last - first));
    if (code != kExitOk) {
      codes[last - 1] = code;
      results[last - 1]->status = "failed";
    }
    return code;
  });
  for (std::size_t i = 0; i < units.size(); ++i) {
    if (!results[i]) continue;
    result.steps.push_back(std::move(*results[i]));
    if (codes[i] != kExitOk && result.exit_code == kExitOk) result.exit_code = codes[i];
  }
  if (result.exit_code == kExitUsage && touched_targets) result.exit_code = kExitFailed;
  return result;
}

}  // namespace sluice
