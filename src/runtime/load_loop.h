#pragma once
// The write side of one attempt: batches from the reader into the sink, a commit every
// commit_every batches with the checkpoint of its last row (in the same transaction:
// sink.h), truncate in the first transaction that commits (and again after any
// rollback before it), and finish() — where replace swaps its staging table in — only
// after the last batch. A batch the target refuses is located (on_error: abort) or its
// rows isolated and rejected one by one (on_error: reject; reject_isolation.cpp).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "runtime/source_reader.h"
#include "sluice/runner.h"
#include "sluice/sink.h"

namespace sluice::runtime {

class RejectFile;

// What one attempt did that stays done: rows committed (with their checkpoint), or in
// a dry run rows read. What a failed attempt had not committed is not counted, so a
// retry that redoes it never counts it twice.
struct AttemptResult {
  std::int64_t rows_read = 0, rows_written = 0, rows_rejected = 0, values_changed = 0, commits = 0;
};

// Thrown (internally) when on_error: reject met a refused row: the attempt is redone
// from the checkpoint, isolating rows one sub-batch at a time until `until_rows`.
struct IsolateRows {
  std::int64_t until_rows;
};

class LoadLoop {
 public:
  // `start`: the checkpoint this attempt continues from (rows 0 when from the start);
  // `rejected_before`: rows earlier attempts of the unit rejected (for max_rejects).
  LoadLoop(Sink& sink, SourceReader& reader, const plan::UnitPlan& unit, const std::string& run_id, const Checkpoint& start,
           bool resuming, RejectFile* rejects, std::int64_t rejected_before, AttemptResult& result,
           const CommitListener& on_commit = {});

  // Loads every remaining row and finishes the step. Rows before `isolate_until` (a row
  // count) are written in sub-batches that isolate refused rows. Rolls back on failure.
  void run(std::int64_t isolate_until);

 private:
  bool read_next();
  void open_transaction();
  void commit(const Checkpoint& cp);
  void count_committed();  // the pending counts, once their transaction committed
  void write_batch(std::int64_t rows_before);
  // The checkpoint just after row i of the current batch (i counts rows that survived
  // the transforms; the key and count are those of the source row).
  Checkpoint checkpoint_at(std::int64_t rows_before, std::size_t i) const;
  std::string which_row(std::size_t origin, std::int64_t rows_before) const;

  // reject_isolation.cpp
  void isolate(std::size_t lo, std::size_t hi, std::int64_t rows_before);
  std::optional<std::size_t> locate(std::size_t lo, std::size_t hi);

  Sink& sink_;
  SourceReader& reader_;
  const plan::UnitPlan& unit_;
  const LoadSettings& settings_;
  RejectFile* rejects_;
  std::int64_t rejected_before_;
  AttemptResult& result_;
  const CommitListener& on_commit_;
  Batch batch_, sub_;
  std::vector<std::vector<Value>> keys_;
  FillCounts fill_;
  Checkpoint progress_;
  int commit_every_;
  bool truncate_pending_;
  // Counted when the transaction holding them commits.
  struct {
    std::int64_t read = 0, written = 0, rejected = 0, changed = 0;
  } pending_;
};

}  // namespace sluice::runtime
