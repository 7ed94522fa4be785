#pragma once
// The built-in transforms. Each binds to the incoming schema once (checking the columns
// it names exist) and then edits batches in place.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <memory>

#include "core/time_zone.h"
#include "sluice/status.h"
#include "sluice/transform.h"

namespace sluice::transforms {

std::string columns_hint(const Schema& s);

using sluice::RowError;

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
// Naive date-times cast to timestamptz (and back) are wall clocks in `zone`.
class Cast final : public Transform {
 public:
  Cast(std::vector<std::pair<std::string, std::string>> pairs, SourceLocation loc, TimeZone zone)
      : pairs_(std::move(pairs)), loc_(std::move(loc)), zone_(std::move(zone)) {}
  Schema bind(const Schema& in) override;
  void apply(Batch& batch) override;

 private:
  std::vector<std::pair<std::string, std::string>> pairs_;
  SourceLocation loc_;
  TimeZone zone_;
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

class LuaEnv;

// Keeps the rows for which a Lua expression is true (nil and false drop the row).
class Filter final : public Transform {
 public:
  Filter(std::string expression, SourceLocation loc);
  ~Filter() override;
  Schema bind(const Schema& in) override;
  void apply(Batch& batch) override;

 private:
  std::string expression_;
  SourceLocation loc_;
  std::unique_ptr<LuaEnv> lua_;
  int ref_ = -1;
  Schema schema_;
};

// Adds or replaces columns computed by Lua expressions over the incoming row.
class Derive final : public Transform {
 public:
  // A derived timestamptz given as text without an offset is a wall clock in `zone`.
  Derive(std::vector<std::pair<std::string, std::string>> exprs, std::map<std::string, std::string> types, SourceLocation loc,
         TimeZone zone = {});
  ~Derive() override;
  Schema bind(const Schema& in) override;
  void apply(Batch& batch) override;

 private:
  struct Output {
    std::size_t column;
    int ref;
    TypeInfo type;
    std::string name;
  };
  std::vector<std::pair<std::string, std::string>> exprs_;
  std::map<std::string, std::string> types_;
  SourceLocation loc_;
  TimeZone zone_;
  std::unique_ptr<LuaEnv> lua_;
  Schema in_;
  std::size_t width_ = 0;
  std::vector<Output> outputs_;
  std::vector<Value> results_;
  Value wall_clock_;
};

// A Lua file defining transform(row) -> row | nil; the row is a table by column name.
class LuaFile final : public Transform {
 public:
  LuaFile(std::string path, SourceLocation loc);
  ~LuaFile() override;
  Schema bind(const Schema& in) override;
  void apply(Batch& batch) override;

 private:
  std::string path_;
  SourceLocation loc_;
  std::unique_ptr<LuaEnv> lua_;
  int fn_ref_ = -1;
  Schema schema_;
};

// Replaces values: sha256 / md5 (lowercase hex of salt + value), null, redact ("***"),
// fake_email / fake_name (deterministic per value and salt).
class Mask final : public Transform {
 public:
  Mask(std::vector<std::pair<std::string, std::string>> methods, std::string salt, SourceLocation loc)
      : methods_(std::move(methods)), salt_(std::move(salt)), loc_(std::move(loc)) {}
  Schema bind(const Schema& in) override;
  void apply(Batch& batch) override;

 private:
  std::vector<std::pair<std::string, std::string>> methods_;
  std::string salt_;
  SourceLocation loc_;
  std::vector<std::pair<std::size_t, std::string>> targets_;
  std::string text_;
};

// Where naive date-times cross between zones on their way into the target (added by
// the engine, never written in a file): each named column's values as zone_crossing
// says, its type in the outgoing schema the target column's.
class ZoneShift final : public Transform {
 public:
  ZoneShift(std::vector<std::pair<std::string, std::string>> column_types, TimeZone from, TimeZone to)
      : column_types_(std::move(column_types)), from_(std::move(from)), to_(std::move(to)) {}
  Schema bind(const Schema& in) override;
  void apply(Batch& batch) override;

 private:
  std::vector<std::pair<std::string, std::string>> column_types_;
  TimeZone from_, to_;
  std::vector<std::pair<std::size_t, ZoneCrossing>> crossings_;
  std::vector<std::string> names_;
};

}  // namespace sluice::transforms
