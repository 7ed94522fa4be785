#pragma once
// A scheduled load into a table that already exists, after its source changed: the
// columns the source now has that the table lacks, the table's columns the source no
// longer fills, and the columns whose source type changed since the previous run into one
// the table's column may not hold. Compared by name, before any row moves
// (load.on_schema_change decides what happens: runtime/on_schema_change.h).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sluice/connection.h"
#include "sluice/schema.h"

namespace sluice {

// The loaded columns' types as a run saw them ("varchar(50)", by column name), kept in the
// target's state (runtime/on_schema_change.h names the key) so the next run can tell a
// type that changed.
using SourceColumnTypes = std::map<std::string, std::string>;

struct ChangedColumn {
  std::string name;
  std::string was, now;  // the source type at the previous run and now
  std::string why;       // why the target column may not hold the new type's values
};

struct SchemaChange {
  std::vector<std::size_t> added;     // indices into the loaded columns: not in the target
  std::vector<std::string> unfilled;  // target columns the load gives no value, NOT NULL without default
  // Target columns the source no longer gives that new rows would leave NULL (nullable,
  // no default, not identity): a column dropped at the source.
  std::vector<std::string> removed;
  std::vector<ChangedColumn> changed;
  bool empty() const { return added.empty() && unfilled.empty() && removed.empty() && changed.empty(); }
};

// `previous`: the types the last run recorded; without them no type change is seen.
SchemaChange compare_to_target(const Schema& loaded, const Schema& target, const SourceColumnTypes& previous = {});

// "email (varchar(120)), score (integer)": the added columns as the message names them.
std::string describe_added(const Schema& loaded, const SchemaChange& change);
// "name (varchar(50) -> varchar(200): text length)": the changed ones.
std::string describe_changed(const SchemaChange& change);

SourceColumnTypes source_column_types(const Schema& loaded);
// What the previous run recorded under `state_key`, empty when nothing was.
SourceColumnTypes recorded_source_columns(Connection& target, const std::string& pipeline, const std::string& state_key);
// Written in its own statement: it describes the source, not rows, so it needs no
// transaction of the load's.
void record_source_columns(Connection& target, const std::string& pipeline, const std::string& state_key, const std::string& run_id,
                           const Schema& loaded);

}  // namespace sluice
