#pragma once
// A CSV folder's checkpoints: <folder>/.sluice_state.json, {"pipeline": {"step": {...}}},
// replaced atomically (a crash leaves the old or the new file). Besides the checkpoint
// it keeps the committed length of each output file, so a resumed run cuts off what
// was written after the last commit.
#include <cstdint>
#include <optional>
#include <string>

#include "drivers/state_store.h"

namespace sluice::csv {

class StateFile final : public StateStore {
 public:
  explicit StateFile(const std::string& folder);

  std::optional<Checkpoint> load(const std::string& pipeline, const std::string& step) override;
  // Keeps the step's recorded file length.
  void save(const std::string& pipeline, const std::string& step, const Checkpoint& cp) override;
  std::vector<StateRow> list(const std::string& pipeline) override;
  void clear(const std::string& pipeline, const std::string& step_or_empty) override;

  // The committed length of the step's output file (0 when none is recorded).
  std::int64_t offset(const std::string& pipeline, const std::string& step) const;
  void save_at(const std::string& pipeline, const std::string& step, const Checkpoint& cp, std::int64_t offset);

 private:
  // Under an exclusive lock of the file (csv_state.cpp); no offset: keep the recorded one.
  void write(const std::string& pipeline, const std::string& step, const Checkpoint& cp, std::optional<std::int64_t> offset);

  std::string path_;
};

// Durability helpers shared with the CSV sink.
void fsync_path(const std::string& path);
[[noreturn]] void io_error(const std::string& what);

}  // namespace sluice::csv
