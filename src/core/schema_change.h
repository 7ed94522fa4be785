#pragma once
// A scheduled load into a table that already exists, after its source changed: the
// columns the source now has that the table lacks, and the table's columns the source
// no longer fills that cannot be left empty. Compared by name, before any row moves
// (load.on_schema_change decides what happens: runtime/on_schema_change.h).
#include <string>
#include <vector>

#include "sluice/schema.h"

namespace sluice {

struct SchemaChange {
  std::vector<std::size_t> added;     // indices into the loaded columns: not in the target
  std::vector<std::string> unfilled;  // target columns the load gives no value, NOT NULL without default
  // Target columns the source no longer gives that new rows would leave NULL (nullable,
  // no default, not identity): a column dropped at the source.
  std::vector<std::string> removed;
  bool empty() const { return added.empty() && unfilled.empty() && removed.empty(); }
};

SchemaChange compare_to_target(const Schema& loaded, const Schema& target);

// "email (varchar(120)), score (integer)": the added columns as the message names them.
std::string describe_added(const Schema& loaded, const SchemaChange& change);

}  // namespace sluice
