#pragma once
// The reject file of a step: one JSON object per line,
// {"step", "row": {column: value}, "error", "sqlstate"}, appended and synced before the
// checkpoint that moves past the rejected row is committed. Units that run side by side
// (parallel steps, the key ranges of a split table) may name one file: they share one
// open file per path, whole lines at a time.
#include <cstdio>
#include <memory>
#include <string>

#include "sluice/batch.h"
#include "sluice/schema.h"

namespace sluice::runtime {

class RejectFile {
 public:
  // `pattern` may hold {pipeline} and {step}; relative paths resolve against base_dir.
  RejectFile(const std::string& pattern, const std::string& base_dir, const std::string& pipeline, const std::string& step);
  ~RejectFile();
  RejectFile(const RejectFile&) = delete;
  RejectFile& operator=(const RejectFile&) = delete;

  void write(const Schema& schema, const Row& row, const std::string& error, const std::string& sqlstate);
  void sync();
  const std::string& path() const { return path_; }

 private:
  struct Shared;
  std::string path_, step_;
  std::shared_ptr<Shared> file_;
};

}  // namespace sluice::runtime
