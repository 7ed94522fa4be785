#pragma once
// The read side of one attempt: source rows in batches, on a reader thread ahead of
// the writer (prefetch.h). Per fill it takes each row's key before the transforms may
// rename or drop key columns (any row can become a checkpoint when rows are isolated),
// repairs text per on_invalid_text, and applies the transforms.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "runtime/prefetch.h"
#include "runtime/progress.h"
#include "sluice/source.h"
#include "sluice/transform.h"

namespace sluice::runtime {

// "row with key (id=7)" or "row 12 of the source", for messages and rejects.
std::string describe_row(const std::vector<std::string>& key_names, const std::vector<Value>& key, std::int64_t row_number);

// Throws an interrupted Error when SIGINT/SIGTERM asked the run to stop.
void check_stop();

// What one fill brought besides its rows.
struct FillCounts {
  std::size_t source_rows = 0;        // rows the source gave, before transforms dropped any
  std::int64_t values_changed = 0;    // zero dates read as NULL, text repaired
};


class SourceReader {
 public:
  // `rows_before`: rows committed before this attempt (row numbers in messages).
  SourceReader(std::unique_ptr<Source> source, std::vector<std::unique_ptr<Transform>> transforms, const plan::UnitPlan& unit,
               std::int64_t rows_before, std::size_t batch_size);
  ~SourceReader();  // stops the reader thread before the source goes

  // The columns the target receives (after the transforms).
  const Schema& schema() const { return schema_; }
  bool keyed() const { return !key_index_.empty(); }
  const std::vector<std::string>& key_names() const { return unit_.extract.order_by; }

  // One more transform after the step's (before the first next()): on_schema_change:
  // ignore leaves out the columns the target lacks this way.
  void add_transform(std::unique_ptr<Transform> transform);

  // Redraws the progress line with the rows read so far (this attempt and before).
  void report_progress_to(ProgressPart progress) { progress_ = progress; }

  // Swaps the next batch into `batch` and its rows' keys into `keys` (buffers keep
  // circulating instead of being copied); false at the end.
  bool next(Batch& batch, std::vector<std::vector<Value>>& keys, FillCounts& counts);

 private:
  bool fill(Fill& f);

  std::unique_ptr<Source> source_;
  std::vector<std::unique_ptr<Transform>> transforms_;
  const plan::UnitPlan& unit_;
  Schema schema_;
  std::vector<std::size_t> key_index_;
  std::int64_t rows_seen_;
  std::int64_t source_changed_ = 0;  // source->values_changed() at the previous fill
  std::size_t batch_size_;
  std::int64_t rows_consumed_;  // by next(): the writer's view, for the progress line
  ProgressPart progress_;
  std::unique_ptr<Prefetch> prefetch_;  // started on the first next()
};

}  // namespace sluice::runtime
