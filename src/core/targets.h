#pragma once
// What a step writes, checked before anything is written: every target name fits its
// dialect (no truncation), is not one of sluice's own, and no two units of a run write
// one table, nor does a unit write a table that a unit of the run reads. `validate`
// applies it to single-table steps; `run` and `plan` again to every unit once
// whole-database steps are expanded.
#include <string>
#include <vector>

#include "sluice/pipeline.h"
#include "sluice/schema.h"

namespace sluice::targets {

// The table a single-table step loads: load.table (default: the extract's table), in
// load.schema when that is given and the table is not qualified.
TableRef single_target(const StepConfig& step);
// The name a step's target gets for `name` (identifiers: lower folds it).
std::string target_name(const LoadConfig& load, const std::string& name);
// The table a single-table step reads: extract.table, in extract.schema when given.
TableRef single_source(const StepConfig& step);

struct UnitTables {
  std::string unit;                  // step, or step/table
  const ConnectionConfig* source;    // nullptr for a query (it reads no table we can name)
  TableRef source_table;
  const ConnectionConfig* target;    // nullptr in a dry run
  TableRef target_table;
  std::size_t step_index = 0;        // for the caller's messages (file:line of the step)
};

struct Problem {
  std::size_t index;   // into the list given to check()
  std::string message;
};

// Every problem found, in list order; empty when all is well.
std::vector<Problem> check(const std::vector<UnitTables>& units);

// Checks the name of one table and its columns before a driver creates or writes it:
// throws a config Error naming the first that would be truncated. Used by every
// driver's target preparation.
void check_table_names(const std::string& driver, const TableRef& table, const std::vector<std::string>& columns);

}  // namespace sluice::targets
