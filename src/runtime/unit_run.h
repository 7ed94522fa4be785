#pragma once
// One attempt at one unit (a planned step or table): fresh connections, the resume
// point read back from the target, the source opened after it, then the load loop.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "plan/plan.h"
#include "runtime/progress.h"
#include "runtime/load_loop.h"
#include "sluice/connection.h"
#include "sluice/registry.h"
#include "sluice/runner.h"

namespace sluice::runtime {

class RejectFile;

// Whether rows a checkpoint speaks of are gone from an append or upsert target: the
// table no longer exists (the user dropped it to load again).
bool loaded_rows_gone(Connection& target, const plan::UnitPlan& unit, const Checkpoint& cp);

class UnitRun {
 public:
  UnitRun(const Pipeline& p, const DriverRegistry& d, const plan::UnitPlan& u, const RunOptions& o, const std::string& run_id,
          RejectFile* rejects, std::function<void()> source_opened = {}, ProgressPart progress = {});
  // Resumes from the target's checkpoint. Rows before `isolate_until` (a row count) are
  // written in sub-batches that isolate refused rows; `rejected_before` counts the
  // unit's rejects so far. Fills `result` with what stays done (also when it throws).
  // Throws sluice::Error, or IsolateRows.
  void attempt(std::int64_t isolate_until, std::int64_t rejected_before, AttemptResult& result);

 private:
  // This run's checkpoint in the target, if it still describes rows that exist.
  std::optional<Checkpoint> resume_point(Connection& target);
  void mark_done(Connection& target);
  std::unique_ptr<SourceReader> open_reader(Connection& source, const std::optional<Checkpoint>& cp);

  const Pipeline& pipeline_;
  const DriverRegistry& drivers_;
  const plan::UnitPlan& unit_;
  const RunOptions& options_;
  const std::string& run_id_;
  RejectFile* rejects_;
  std::function<void()> source_opened_;
  ProgressPart progress_;  // of the step this unit is a key range of; else its own line
};

}  // namespace sluice::runtime
