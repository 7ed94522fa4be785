#pragma once
// A pipeline planned once, before anything runs: what each unit of work reads, how a
// killed run resumes it, and what it loads where. run, plan and verify all start
// from these plans, so what `sluice plan` prints is what `sluice run` does.
//
// Planning connects to each step's source (never to a target): it expands whole-
// database steps (patterns, parents first), describes every source table or query,
// binds the transforms, and refuses — as config errors, before any target is touched —
// what a run could not do: a missing table or column, an upsert without a key, names
// over the target's limit, two units writing one table.
#include <string>
#include <vector>

#include "sluice/connection.h"
#include "sluice/pipeline.h"
#include "sluice/registry.h"
#include "sluice/sink.h"
#include "sluice/source.h"

namespace sluice::plan {

// How a killed run continues a unit.
enum class Resume {
  by_key,          // strictly after the last committed key (extract.order_by)
  by_position,     // after the committed row count (CSV files: a stable order, no key)
  all_or_nothing,  // no key and no stable order: one transaction for the whole unit
};
const char* to_string(Resume r);

// A step, or one table of a whole-database step, or this process's shard of a table.
struct UnitPlan {
  const StepConfig* step = nullptr;
  std::string name;  // its key in sluice_state: step, step/table, step@K/N
  // The name without this process's shard or a key range's suffix: what the parts of one
  // table share (empty: `name`).
  std::string table_unit;
  TableRef source_table, target_table;
  Schema source_schema;  // the extracted columns, before transforms
  // table or query, columns, where, order (incremental cursor first), shard. Each
  // attempt adds where it resumes (resume_after / skip_rows).
  ExtractRequest extract;
  // The key order without the incremental cursor: the row identity verify compares by.
  std::vector<std::string> key_order;
  Resume resume = Resume::all_or_nothing;
  // The step's transforms that apply to this unit's table (transform tables:).
  std::vector<TransformConfig> transforms;
  // table, mode, create, key, schema (after transforms), pipeline, state_key. Each
  // attempt says whether it is resuming.
  LoadRequest load;
  // append (and an incremental upsert) continues after the last row of the step's
  // previous completed run, so rerunning loads nothing twice (--fresh starts over).
  bool continues_completed = false;
  // What of the source table's definition the target will not get (triggers, an index
  // on a column that is not loaded, ...): plan prints it, the summary counts it. The
  // objects it does get are in load.objects, named for the target.
  std::vector<std::string> not_migrated;
  // --shard K/N of a table that cannot be split by key: shard 0 loads it whole, so
  // this shard has nothing to do.
  bool shard_empty = false;
  // Read and written as `parts` key ranges of split_column side by side, under one
  // snapshot of the source, each range with its own checkpoint (runtime/split_run.h).
  int parts = 1;
  std::string split_column;
};

struct Options {
  std::vector<std::string> steps;  // empty: every step, in file order
  int shard_index = 0, shard_count = 1;
  // --parallel N: a run whose only step reads a single table splits it into N key
  // ranges when it can (a step's own parallel: decides for that step).
  int parallel = 1;
  // run and plan refuse what would write a table twice or one the run reads; verify
  // only reads.
  bool check_targets = true;
  // run and plan read each source table's indexes, foreign keys and checks for the
  // tables they create; verify compares rows only.
  bool objects = true;
};

std::vector<UnitPlan> plan_units(const Pipeline& pipeline, const DriverRegistry& drivers, const Options& options);

// The units of each step, which plan_units returns side by side: [first, last) per step.
std::vector<std::pair<std::size_t, std::size_t>> step_ranges(const std::vector<UnitPlan>& units);

// The tables of a whole-database step: matching include and not exclude (globs),
// ordered so that referenced tables come before the tables referencing them.
std::vector<TableRef> select_tables(const TablePatterns& patterns, Connection& source, const std::string& schema = "");

}  // namespace sluice::plan
