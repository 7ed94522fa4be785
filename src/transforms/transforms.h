#pragma once
// The built-in transforms. Each binds to the incoming schema once (checking the columns
// it names exist) and then edits batches in place.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "sluice/status.h"
#include "sluice/transform.h"

namespace sluice::transforms {

std::string columns_hint(const Schema& s);

// A value a transform cannot convert, with the row's index in the batch so the runner
// can name the row (its key or position in the source).
class RowError : public Error {
 public:
  RowError(std::size_t row, const std::string& message) : Error(ErrorClass::data, message), row_(row) {}
  std::size_t row() const { return row_; }

 private:
  std::size_t row_;
};

class Rename final : public Transform {
 public:
  Rename(std::vector<std::pair<std::string, std::string>> pairs, SourceLocation loc);
  Schema bind(const Schema& in) override;
  void apply(Batch&) override {}  // names live in the schema only

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
  SourceLocation loc_;
};

class Drop final : public Transform {
 public:
  Drop(std::vector<std::string> columns, SourceLocation loc) : columns_(std::move(columns)), loc_(std::move(loc)) {}
  Schema bind(const Schema& in) override;
  void apply(Batch& batch) override;

 private:
  std::vector<std::string> columns_;
  SourceLocation loc_;
  std::vector<std::size_t> keep_;
};

// Converts columns exactly to a type; a value that does not fit is a data error.
class Cast final : public Transform {
 public:
  Cast(std::vector<std::pair<std::string, std::string>> pairs, SourceLocation loc)
      : pairs_(std::move(pairs)), loc_(std::move(loc)) {}
  Schema bind(const Schema& in) override;
  void apply(Batch& batch) override;

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
  SourceLocation loc_;
  std::vector<std::pair<std::size_t, TypeInfo>> targets_;
  std::vector<std::string> names_;
  Value scratch_;
};

// Replaces NULL with a constant (given as text, converted to the column's type).
class Default final : public Transform {
 public:
  Default(std::vector<std::pair<std::string, std::string>> pairs, SourceLocation loc)
      : pairs_(std::move(pairs)), loc_(std::move(loc)) {}
  Schema bind(const Schema& in) override;
  void apply(Batch& batch) override;

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
  SourceLocation loc_;
  std::vector<std::pair<std::size_t, Value>> fills_;
};

}  // namespace sluice::transforms
