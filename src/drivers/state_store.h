#pragma once
// Where a target keeps its checkpoints: sluice_state in a database (sql/state_table.h),
// a state file in a CSV folder. The runner reaches it through Connection; a sink writes
// through it inside the transaction whose rows the checkpoint describes.
#include <optional>
#include <string>
#include <vector>

#include "sluice/connection.h"

namespace sluice {

class StateStore {
 public:
  virtual ~StateStore() = default;
  virtual std::optional<Checkpoint> load(const std::string& pipeline, const std::string& step) = 0;
  // Writes inside the caller's open transaction, if there is one.
  virtual void save(const std::string& pipeline, const std::string& step, const Checkpoint& cp) = 0;
  virtual std::vector<StateRow> list(const std::string& pipeline) = 0;
  // Removes the checkpoint of exactly `step`, or all of the pipeline's when it is empty.
  virtual void clear(const std::string& pipeline, const std::string& step_or_empty) = 0;
};

}  // namespace sluice
