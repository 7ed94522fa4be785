#pragma once
#include <memory>
#include <optional>
#include <string>

#include "sluice/batch.h"
#include "sluice/pipeline.h"
#include "sluice/schema.h"
#include "sluice/status.h"

namespace sluice {

// One step of a transform chain. bind() is called once with the incoming schema and
// returns the outgoing one; apply() then edits batches of that shape in place, and
// throws RowError for a row it cannot transform.
class Transform {
 public:
  virtual ~Transform() = default;
  virtual Schema bind(const Schema& in) = 0;
  virtual void apply(Batch& batch) = 0;
};

// A value a transform cannot convert (a data Error), with the row's index in the batch
// so the runner can name the row (its key or position in the source).
class RowError : public Error {
 public:
  RowError(std::size_t row, const std::string& message) : Error(ErrorClass::data, message), row_(row) {}
  std::size_t row() const { return row_; }

 private:
  std::size_t row_;
};

// Builds the transform a config entry names; throws a config Error naming the entry's
// location for anything it cannot build.
std::unique_ptr<Transform> make_transform(const TransformConfig& cfg);

// Compiles (without running) the Lua code a filter, derive or lua entry holds: the
// problem, or nullopt when it compiles (and for transforms without code).
std::optional<std::string> check_transform_code(const TransformConfig& cfg);

}  // namespace sluice
