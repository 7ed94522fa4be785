#pragma once
// load.on_schema_change, applied before a unit's first row moves into a table that
// already exists: the source's new columns stop the run (fail, the default, naming
// them), are added to the table (add_columns, typed as `create` would type them), or are
// left out of the load (ignore). A target column that must be filled and that the source
// no longer gives stops the run in every mode: it is never silently left empty. One the
// source dropped that may be NULL stops it under fail and is warned of otherwise, as does
// a source column whose type changed since the last run into one the table's column may
// not hold (its values that do not fit are refused, never cut). The loaded columns' types
// are recorded in the target's state for the next run's comparison.
#include <cstddef>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "sluice/connection.h"

namespace sluice::runtime {

// Returns the indices of `loaded`'s columns to leave out (ignore); throws a config Error
// naming the columns for fail, and for target columns nothing fills.
std::vector<std::size_t> apply_schema_change(Connection& target, const plan::UnitPlan& unit, const std::string& pipeline,
                                             const std::string& run_id, const Schema& loaded);

// Where the loaded columns' types are kept in the target's state: "unit@columns" (for a
// shard or key range, its table's unit); `state` lists no such row, `state --reset` clears it.
std::string source_columns_key(const plan::UnitPlan& unit);
bool is_source_columns_key(const std::string& state_key);

// `schema` without the columns at `left_out` (ascending), its key kept.
Schema without_columns(const Schema& schema, const std::vector<std::size_t>& left_out);

}  // namespace sluice::runtime
