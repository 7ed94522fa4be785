#pragma once
// Runs a validated pipeline: per step, source → transforms → sink in batches, a
// checkpoint committed with every transaction, transient failures retried from the
// last checkpoint.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sluice/connection.h"
#include "sluice/pipeline.h"
#include "sluice/registry.h"
#include "sluice/status.h"

namespace sluice {

// Told the rows each commit made durable, as it happens: service mode's live /metrics.
// Called from the threads that load units (several at once with --parallel).
using CommitListener = std::function<void(const std::string& unit, std::int64_t rows_written)>;

struct RunOptions {
  std::vector<std::string> steps;  // empty: all steps, in file order
  bool dry_run = false;            // extract and transform, load nothing
  bool fresh = false;              // ignore saved checkpoints
  bool progress = false;           // draw a live progress line on stderr
  int parallel = 1;                // steps run at once
  int shard_index = 0;             // --shard K/N: this process's share of the work
  int shard_count = 1;
  CommitListener on_commit;        // empty: nobody listens
};

struct StepResult {
  std::string name;  // step, or step/table in a whole-database copy
  std::string source, target;
  std::string status = "pending";  // ok | skipped | failed | dry-run
  std::int64_t rows_read = 0, rows_written = 0, rows_rejected = 0, values_changed = 0;
  int retries = 0;
  std::int64_t commits = 0;
  // Of a table the run created: indexes and foreign keys built after the load, and
  // source objects the target did not get (sluice plan names them).
  int objects_built = 0, objects_not_migrated = 0;
  double seconds = 0;
  std::string error;
};

struct RunResult {
  std::string run_id;
  std::string started_at, finished_at;  // ISO 8601, UTC
  int exit_code = 0;  // SPEC §1
  std::string error;  // what stopped the run before its steps (a source gone, the lock held)
  std::vector<StepResult> steps;
};

// Exit codes of SPEC §1.
constexpr int kExitOk = 0, kExitFailed = 1, kExitUsage = 2, kExitTempFail = 75;
// The one mapping of error classes to exit codes, for every command: config 2,
// transient 75, interrupted 128 + signal, everything else 1.
int exit_code_for(ErrorClass c);

class Runner {
 public:
  Runner(const Pipeline& pipeline, const DriverRegistry& drivers, RunOptions options)
      : pipeline_(pipeline), drivers_(drivers), options_(std::move(options)) {}
  RunResult run();

 private:
  const Pipeline& pipeline_;
  const DriverRegistry& drivers_;
  RunOptions options_;
};

// The --report document of SPEC §7.
std::string format_report(const Pipeline& pipeline, const RunResult& result);

// The end-of-run table: per step rows read, written, rejected, retries, seconds, rows/s.
std::string format_summary(const RunResult& result);

}  // namespace sluice
