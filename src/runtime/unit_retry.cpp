#include "runtime/unit_retry.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <thread>

#include "core/log_context.h"
#include "runtime/rejects.h"
#include "runtime/retry.h"
#include "runtime/signals.h"
#include "runtime/split_run.h"
#include "runtime/unit_run.h"
#include "sluice/status.h"

namespace sluice::runtime {
namespace {

void merge(const AttemptResult& a, StepResult& into) {
  into.rows_read += a.rows_read;
  into.rows_written += a.rows_written;
  into.rows_rejected += a.rows_rejected;
  into.values_changed += a.values_changed;
  into.commits += a.commits;
}

void describe_unit(const Pipeline& p, const plan::UnitPlan& u, StepResult& r) {
  const StepConfig& step = *u.step;
  r.name = u.name;
  r.source = p.connections.at(step.extract.from).display() + " " + (step.extract.query.empty() ? u.source_table.display() : "(query)");
  r.target = p.connections.at(step.load.to).display() + " " + u.target_table.display();
}

// Attempts until one succeeds, fails for good, or the retries are spent.
int run_attempts(const Pipeline& p, const DriverRegistry& drivers, const plan::UnitPlan& u, const RunOptions& options,
                 const std::string& run_id, StepResult& sr, std::mt19937_64& rng, const UnitShared& shared) {
  const LoadSettings& settings = u.step->load.settings;
  std::unique_ptr<RejectFile> rejects;
  std::int64_t isolate_until = 0;
  int code = kExitOk;
  for (int attempt = 1;;) {
    AttemptResult done;
    try {
      if (settings.on_error == OnError::reject && !rejects && !shared.rejects && !options.dry_run)
        rejects = std::make_unique<RejectFile>(settings.reject_file, p.base_dir, p.name, u.name);
      UnitRun(p, drivers, u, options, run_id, shared.rejects ? shared.rejects : rejects.get(), shared.source_opened, shared.progress)
          .attempt(isolate_until, sr.rows_rejected, done);
      merge(done, sr);
      sr.status = options.dry_run ? "dry-run" : "ok";
      break;
    } catch (const IsolateRows& iso) {
      // Not a failure: redo from the checkpoint, isolating the refused rows.
      merge(done, sr);
      spdlog::info("step {}: the target refused a row; isolating rows up to row {}", u.name, iso.until_rows);
      isolate_until = iso.until_rows;
    } catch (const Error& e) {
      merge(done, sr);
      if (e.is_transient() && attempt < settings.retry.attempts && !stop_requested()) {
        auto delay = backoff_delay(settings.retry, attempt, rng);
        logctx::with_numbers({{"retry", static_cast<double>(attempt)}, {"max_retries", static_cast<double>(settings.retry.attempts - 1)},
                              {"delay_ms", static_cast<double>(delay.count())}});
        spdlog::warn("step {}: {} (transient; retry {}/{} in {} ms)", u.name, e.what(), attempt, settings.retry.attempts - 1, delay.count());
        ++sr.retries;
        ++attempt;
        std::this_thread::sleep_for(delay);
        continue;
      }
      sr.status = e.error_class() == ErrorClass::interrupted ? "stopped" : "failed";
      sr.error = e.what();
      spdlog::error("step {}: {}", u.name, e.what());
      code = exit_code_for(e.error_class());
      break;
    } catch (const std::exception& e) {
      merge(done, sr);
      sr.status = "failed";
      sr.error = e.what();
      spdlog::error("step {}: internal error: {}", u.name, e.what());
      code = kExitFailed;
      break;
    }
  }
  if (sr.rows_rejected > 0 && rejects) spdlog::warn("step {}: {} rejected rows written to {}", u.name, sr.rows_rejected, rejects->path());
  return code;
}

}  // namespace

int run_unit(const Pipeline& p, const DriverRegistry& drivers, const plan::UnitPlan& u, const RunOptions& options,
             const std::string& run_id, StepResult& sr, std::mt19937_64& rng, const UnitShared& shared) {
  using Clock = std::chrono::steady_clock;
  logctx::Scope log_scope(u.step->name, u.target_table.display(), u.name);
  describe_unit(p, u, sr);
  const auto started = Clock::now();
  spdlog::info("step {}: {} -> {}", u.name, sr.source, sr.target);
  const int code = u.parts > 1 ? run_split_unit(p, drivers, u, options, run_id, sr, rng) : run_attempts(p, drivers, u, options, run_id, sr, rng, shared);
  sr.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  if (sr.status == "ok" || sr.status == "dry-run") {
    logctx::with_numbers({{"rows_read", static_cast<double>(sr.rows_read)}, {"rows_written", static_cast<double>(sr.rows_written)},
                          {"rows_rejected", static_cast<double>(sr.rows_rejected)}, {"retries", static_cast<double>(sr.retries)}, {"seconds", sr.seconds}});
    spdlog::info("step {}: {} rows read, {} written in {:.2f}s", u.name, sr.rows_read, sr.rows_written, sr.seconds);
  }
  return code;
}

}  // namespace sluice::runtime
