#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sluice/batch.h"
#include "sluice/pipeline.h"
#include "sluice/schema.h"

namespace sluice {

// A step's progress, stored in the target in the same transaction as the data it
// describes, so that the two can never disagree (SPEC §5).
struct Checkpoint {
  std::string run_id;
  std::vector<Value> last_key;  // key of the last committed row; empty if unkeyed
  std::int64_t rows = 0;        // rows committed so far by the run being resumed
  bool completed = false;       // the step finished; a rerun of the same run skips it
};

std::string encode_key(const std::vector<Value>& key);  // JSON text
std::vector<Value> decode_key(const std::string& json);

struct LoadRequest {
  TableRef table;
  LoadMode mode = LoadMode::append;
  CreateMode create = CreateMode::if_missing;
  std::vector<std::string> key;  // upsert key / primary key of a created table
  Schema schema;                 // the rows' columns after transforms
  TableObjects objects;          // of a table sluice creates: checks (in CREATE TABLE), indexes and foreign keys (after)
  std::string pipeline;          // pipeline name, for sluice_state
  std::string state_key;         // step name, or "step/table" in whole-database copies
  // True when continuing a run that already committed rows into this target: the
  // sink must not drop, recreate or empty what is there.
  bool resuming = false;
};

// Writes one step's rows into its target.
// Lifecycle: begin → [truncate] → write* → commit(cp) → begin → ... → finish.
// rollback() may be called at any point after begin and must not throw.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void begin() = 0;
  // Empties the target inside the open transaction (truncate mode, first transaction).
  virtual void truncate() = 0;
  virtual void write(const Batch& batch) = 0;
  // Writes `cp` and commits it atomically with the rows written since begin().
  virtual void commit(const Checkpoint& cp) = 0;
  virtual void rollback() noexcept = 0;
  // Ends the step: in one transaction, swaps a staging table in (replace mode) and
  // records `cp` (marked completed).
  virtual void finish(const Checkpoint& cp) = 0;
  // Transactions committed through this sink (for tests and the summary).
  virtual std::int64_t commits() const = 0;
};

}  // namespace sluice
