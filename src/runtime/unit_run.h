#pragma once
// One table's load: source → transforms → sink in batches, a checkpoint committed with
// every transaction, rows the target refuses rejected or reported.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sluice/connection.h"
#include "sluice/registry.h"
#include "sluice/runner.h"

namespace sluice::runtime {

class RejectFile;

// A step, or one table of a whole-database step.
struct Unit {
  const StepConfig* step;
  TableRef source_table;
  TableRef target_table;
  std::string state_key;  // step, or step/table (with @K/N when a shard loads part of a table)
  // --shard K/N on a single-table step: this run loads the rows whose integer key
  // k satisfies k mod N = K. shard_count 0: the whole table.
  int shard_index = 0, shard_count = 0;
};

// Thrown (internally) when on_error: reject met a refused row: the attempt is redone
// from the checkpoint, isolating rows one sub-batch at a time until `until_rows`.
struct IsolateRows {
  std::int64_t until_rows;
};

class UnitRun {
 public:
  UnitRun(const Pipeline& p, const DriverRegistry& d, const Unit& u, const RunOptions& o, const std::string& run_id,
          StepResult& result, RejectFile* rejects);
  // One attempt with fresh connections, resuming from the target's checkpoint. Rows
  // before `isolate_until` (a row count) are written in sub-batches that isolate
  // refused rows. Throws sluice::Error, or IsolateRows.
  void attempt(std::int64_t isolate_until);

 private:
  const Pipeline& pipeline_;
  const DriverRegistry& drivers_;
  const Unit& unit_;
  const RunOptions& options_;
  const std::string& run_id_;
  StepResult& result_;
  RejectFile* rejects_;
};

}  // namespace sluice::runtime
