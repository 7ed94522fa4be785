#include "plan/plan.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/driver_spec.h"
#include "core/targets.h"
#include "sluice/status.h"
#include "sluice/transform.h"

namespace sluice::plan {
namespace {

struct Table {
  TableRef source, target;
  std::string name;
};

// Schemas named by qualified patterns ("sales.*", "hr.staff"), in pattern order.
std::vector<std::string> pattern_schemas(const TablePatterns& patterns) {
  std::vector<std::string> out;
  for (const auto& pat : patterns.include)
    if (auto dot = pat.find('.'); dot != std::string::npos && std::find(out.begin(), out.end(), pat.substr(0, dot)) == out.end())
      out.push_back(pat.substr(0, dot));
  return out;
}

std::vector<Table> step_tables(const Pipeline& p, const StepConfig& step, Connection& source) {
  if (!step.extract.tables) return {{targets::single_source(step), targets::single_target(step), step.name}};
  const TablePatterns& patterns = *step.extract.tables;
  const auto qualified = pattern_schemas(patterns);
  const DriverSpec* spec = find_driver(p.connections.at(step.extract.from).driver);
  if (!qualified.empty() && spec && !spec->can.schemas)
    throw Error(ErrorClass::config, "step " + step.name + ": qualified table patterns (" + qualified[0] + ".*) need a source with schemas; " +
                                        spec->title + " has none");
  // Unqualified patterns read the step's schema; each qualified one its own schema,
  // landing in the target schema of the same name unless load.schema is given.
  std::vector<std::pair<std::string, TablePatterns>> reads;
  TablePatterns plain;
  for (const auto& pat : patterns.include)
    if (pat.find('.') == std::string::npos) plain.include.push_back(pat);
  for (const auto& pat : patterns.exclude)
    if (pat.find('.') == std::string::npos) plain.exclude.push_back(pat);
  if (!plain.include.empty()) reads.push_back({step.extract.schema, plain});
  for (const auto& schema : qualified) {
    TablePatterns in_schema;
    const std::string prefix = schema + ".";
    for (const auto& pat : patterns.include)
      if (pat.rfind(prefix, 0) == 0) in_schema.include.push_back(pat.substr(prefix.size()));
    for (const auto& pat : patterns.exclude)
      if (pat.rfind(prefix, 0) == 0 || pat.find('.') == std::string::npos)
        in_schema.exclude.push_back(pat.rfind(prefix, 0) == 0 ? pat.substr(prefix.size()) : pat);
    reads.push_back({schema, in_schema});
  }
  std::vector<Table> out;
  for (const auto& [schema, pats] : reads) {
    const bool named = !qualified.empty() && std::find(qualified.begin(), qualified.end(), schema) != qualified.end();
    const DriverSpec* target_spec = find_driver(p.connections.at(step.load.to).driver);
    const bool target_schemas = !target_spec || target_spec->can.schemas;
    const std::string target_schema = !step.load.schema.empty() || !named || !target_schemas ? step.load.schema : schema;
    for (auto t : select_tables(pats, source, schema)) {
      if (named) t.schema = schema;
      out.push_back({t, {targets::target_name(step.load, target_schema), targets::target_name(step.load, t.name)},
                     step.name + "/" + (named ? schema + "." : "") + t.name});
    }
  }
  if (out.empty()) spdlog::warn("step {}: no table of the source matches the include/exclude patterns", step.name);
  return out;
}

// --shard K/N: whole tables of a whole-database step are dealt out (table j to shard
// j mod N); a single table is split by key in plan_unit.
std::vector<Table> shard_tables(const StepConfig& step, std::vector<Table> tables, const Options& o) {
  if (o.shard_count <= 1) return tables;
  if (step.extract.tables) {
    std::vector<Table> mine;
    for (std::size_t j = 0; j < tables.size(); ++j)
      if (static_cast<int>(j % o.shard_count) == o.shard_index) mine.push_back(tables[j]);
    return mine;
  }
  if (step.load.mode == LoadMode::truncate || step.load.mode == LoadMode::replace || step.load.create == CreateMode::always)
    throw Error(ErrorClass::config, "step " + step.name + ": --shard splits its table between runs; use mode append or upsert "
                                    "and create: if_missing or never (truncate, replace and create: always would undo the other shards' rows)");
  for (auto& t : tables) t.name += "@" + std::to_string(o.shard_index) + "/" + std::to_string(o.shard_count);
  return tables;
}

bool integer_type(const TypeInfo& t) {
  return t.id == TypeId::int8 || t.id == TypeId::int16 || t.id == TypeId::int32 || t.id == TypeId::int64;
}

// What is read: the table's columns (or the query's), in key order; how it resumes.
void plan_extract(const Pipeline& p, const StepConfig& step, Connection& source, UnitPlan& u) {
  ExtractRequest& x = u.extract;
  x.table = u.source_table;
  x.query = step.extract.query;
  x.columns = step.extract.columns;
  x.where = step.extract.where;
  x.order_by = step.extract.order_by;
  if (x.query.empty()) {
    auto described = source.describe(x.table);
    if (!described)
      throw Error(ErrorClass::config, "step " + u.name + ": source table " + x.table.display() + " does not exist in " +
                                          p.connections.at(step.extract.from).display());
    u.source_schema = described->project(x.columns, x.table);
    if (x.order_by.empty()) x.order_by = described->primary_key;
  } else {
    u.source_schema = source.describe_query(x.query);
  }
  u.key_order = x.order_by;
  // incremental: rows come ordered by the cursor, then the key, and every run continues
  // strictly after the last (cursor, key) committed: the high-water mark.
  if (const std::string& cursor = step.extract.incremental_cursor; !cursor.empty()) {
    std::vector<std::string> order = {cursor};
    for (const auto& k : x.order_by)
      if (k != cursor) order.push_back(k);
    x.order_by = order;
  }
  const bool positional = source.resumes_by_position();
  const bool keyed = !x.order_by.empty() && !positional;
  u.resume = keyed ? Resume::by_key : positional ? Resume::by_position : Resume::all_or_nothing;
  if (keyed)
    for (const auto& k : x.order_by)
      if (!u.source_schema.index_of(k))
        throw Error(ErrorClass::config, "step " + u.name + ": order_by column '" + k + "' is not among the extracted columns");
}

// A single table split between --shard runs: on its first key column when that is an
// integer; otherwise shard 0 loads the whole table and the others nothing (still
// exactly one run's work).
void plan_shard(const StepConfig& step, const Options& o, UnitPlan& u) {
  if (o.shard_count <= 1 || step.extract.tables) return;
  const auto first = u.resume == Resume::by_key && u.extract.query.empty() ? u.source_schema.index_of(u.extract.order_by[0])
                                                                           : std::nullopt;
  if (first && integer_type(u.source_schema.columns[*first].type)) {
    u.extract.shard_column = u.extract.order_by[0];
    u.extract.shard_index = o.shard_index;
    u.extract.shard_count = o.shard_count;
  } else {
    u.shard_empty = o.shard_index != 0;
    spdlog::warn("step {}: cannot split {} by key (needs an integer first key column): shard 0 loads it whole", u.name,
                 u.source_table.display());
  }
}

// identifiers: lower: the columns the target gets, folded; two that fold to one name
// are refused (the target would refuse the second, or merge them).
void fold_names(const StepConfig& step, const std::string& unit, Schema& schema) {
  std::map<std::string, std::string> seen;
  for (auto& c : schema.columns) {
    const std::string folded = targets::target_name(step.load, c.name);
    if (auto [it, fresh] = seen.emplace(folded, c.name); !fresh)
      throw Error(ErrorClass::config, "step " + unit + ": columns '" + it->second + "' and '" + c.name + "' both become '" + folded +
                                          "' with identifiers: lower");
    c.name = folded;
  }
  for (auto& k : schema.primary_key) k = targets::target_name(step.load, k);
}

// What is written: the columns after the transforms, into which table, how.
void plan_load(const Pipeline& p, const StepConfig& step, const Options& o, UnitPlan& u) {
  Schema schema = u.source_schema;
  for (const auto& tc : step.transforms) schema = make_transform(tc)->bind(schema);
  if (step.load.lower_identifiers) fold_names(step, u.name, schema);
  LoadRequest& l = u.load;
  l.table = u.target_table;
  l.mode = step.load.mode;
  l.create = step.load.create;
  l.key = step.load.key.empty() ? schema.primary_key : step.load.key;
  for (auto& k : l.key) k = targets::target_name(step.load, k);
  if (l.mode == LoadMode::upsert && l.key.empty())
    throw Error(ErrorClass::config, "step " + u.name + ": upsert needs key: (the source has no primary key)");
  l.schema = std::move(schema);
  l.pipeline = p.name;
  l.state_key = u.name;
  u.continues_completed = (l.mode == LoadMode::append || (l.mode == LoadMode::upsert && !step.extract.incremental_cursor.empty())) &&
                          l.create != CreateMode::always;
  // No name of the table may be cut short by the target (checked before it is touched).
  if (o.check_targets) targets::check_table_names(p.connections.at(step.load.to).driver, l.table, l.schema.names());
}

// Names over a target's limit or reserved, two units writing one table, a unit
// writing a table the run reads: every problem, in one config error.
void check_targets(const Pipeline& p, const std::vector<UnitPlan>& units) {
  std::vector<targets::UnitTables> tables;
  for (const auto& u : units)
    tables.push_back({u.name, u.extract.query.empty() ? &p.connections.at(u.step->extract.from) : nullptr, u.source_table,
                      &p.connections.at(u.step->load.to), u.target_table, 0});
  std::string msg;
  for (const auto& problem : targets::check(tables)) msg += (msg.empty() ? "" : "\n") + problem.message;
  if (!msg.empty()) throw Error(ErrorClass::config, msg);
}

}  // namespace

const char* to_string(Resume r) {
  switch (r) {
    case Resume::by_key: return "by key";
    case Resume::by_position: return "by position";
    case Resume::all_or_nothing: return "all-or-nothing";
  }
  return "?";
}

std::vector<UnitPlan> plan_units(const Pipeline& p, const DriverRegistry& drivers, const Options& o) {
  std::vector<UnitPlan> units;
  std::vector<std::pair<const StepConfig*, Table>> tables;
  for (const auto& step : p.steps) {
    if (!o.steps.empty() && std::find(o.steps.begin(), o.steps.end(), step.name) == o.steps.end()) continue;
    auto source = drivers.connect(p.connections.at(step.extract.from));
    source->check_readable();
    for (auto& t : shard_tables(step, step_tables(p, step, *source), o)) {
      UnitPlan u;
      u.step = &step;
      u.name = t.name;
      u.source_table = t.source;
      u.target_table = t.target;
      plan_extract(p, step, *source, u);
      plan_shard(step, o, u);
      units.push_back(std::move(u));
    }
  }
  // Names and collisions first: a clearer message than a transform's on a table that
  // could never be written anyway.
  if (o.check_targets) check_targets(p, units);
  for (auto& u : units) plan_load(p, *u.step, o, u);
  return units;
}

std::vector<TableRef> select_tables(const TablePatterns& patterns, Connection& source, const std::string& schema) {
  std::vector<TableRef> tables;
  for (const auto& t : source.list_tables(schema)) {
    bool in = false;
    for (const auto& pat : patterns.include) in = in || glob_match(pat, t.name);
    for (const auto& pat : patterns.exclude) in = in && !glob_match(pat, t.name);
    if (in) tables.push_back(t);
  }
  // Parents before children, name order otherwise; tables in a reference cycle keep
  // name order (their constraints must be deferred by the user).
  std::map<std::string, std::set<std::string>> parents;
  for (const auto& [child, parent] : source.foreign_keys(schema))
    if (child != parent) parents[child].insert(parent);
  std::set<std::string> selected, placed;
  for (const auto& t : tables) selected.insert(t.name);
  std::vector<TableRef> ordered;
  while (!tables.empty()) {
    auto ready = std::find_if(tables.begin(), tables.end(), [&](const TableRef& t) {
      for (const auto& parent : parents[t.name])
        if (selected.count(parent) && !placed.count(parent)) return false;
      return true;
    });
    if (ready == tables.end()) ready = tables.begin();
    placed.insert(ready->name);
    ordered.push_back(*ready);
    tables.erase(ready);
  }
  return ordered;
}

}  // namespace sluice::plan
