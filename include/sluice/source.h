#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sluice/batch.h"
#include "sluice/schema.h"

namespace sluice {

// What a step asks of its source. Exactly one of table/query is set.
struct ExtractRequest {
  TableRef table;
  std::string query;                 // a full SELECT; rows must come ordered by order_by
  std::vector<std::string> columns;  // empty: all, in table order
  std::string where;                 // pushed down verbatim
  std::vector<std::string> order_by; // key order; empty: unordered (all-or-nothing load)
  // Resume strictly after this key (same arity as order_by); empty: from the start.
  std::vector<Value> resume_after;
  // For sources with no key (CSV files): rows already committed, skipped on resume.
  std::int64_t skip_rows = 0;
  // A shard of the table: rows whose integer column shard_column k has k mod
  // shard_count = shard_index. shard_count 0: all rows.
  std::string shard_column;
  int shard_index = 0, shard_count = 0;
  // Rows whose integer column range_column is in [range_from, range_to) (a range verify
  // narrows down); a null bound is open. Empty column: no range.
  std::string range_column;
  Value range_from, range_to;
  // Read under this snapshot (Connection::share_snapshot's id); empty: a snapshot of its own.
  std::string snapshot;
};

// Streams rows of one extract. Memory stays flat however large the table.
class Source {
 public:
  virtual ~Source() = default;
  // Columns of the rows read(), valid after construction.
  virtual const Schema& schema() const = 0;
  // Clears `batch` and fills it with up to batch.capacity() rows.
  // Returns false (with an empty batch) when the source is exhausted.
  virtual bool read(Batch& batch) = 0;
  // Values the source had to change to represent them (MySQL zero dates → NULL, text
  // repaired per on_invalid_text); counted in the summary and report.
  virtual std::int64_t values_changed() const { return 0; }
};

}  // namespace sluice
