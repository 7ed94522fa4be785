#include "plan/plan.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/driver_spec.h"
#include "core/identifiers.h"
#include "core/targets.h"
#include "sluice/status.h"
#include "sluice/transform.h"

namespace sluice::plan {
namespace {

struct Table {
  TableRef source, target;
  std::string name;
  std::string table_unit;  // `name` before a shard's suffix
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
  if (!step.extract.tables) return {{targets::single_source(step), targets::single_target(step), step.name, {}}};
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
                     step.name + "/" + (named ? schema + "." : "") + t.name, {}});
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
  for (auto& t : tables) {
    t.table_unit = t.name;
    t.name += "@" + std::to_string(o.shard_index) + "/" + std::to_string(o.shard_count);
  }
  return tables;
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
  if (first && is_integer(u.source_schema.columns[*first].type.id)) {
    u.extract.shard_column = u.extract.order_by[0];
    u.extract.shard_index = o.shard_index;
    u.extract.shard_count = o.shard_count;
  } else {
    u.shard_empty = o.shard_index != 0;
    spdlog::warn("step {}: cannot split {} by key (needs an integer first key column): shard 0 loads it whole", u.name,
                 u.source_table.display());
  }
}

// Why a unit cannot be read and written as key ranges side by side; empty when it can.
std::string why_not_split(const Pipeline& p, const StepConfig& step, Connection& source, const UnitPlan& u) {
  if (step.extract.tables) return "a whole-database step runs its tables side by side with --parallel instead";
  if (!u.extract.query.empty()) return "an extract query cannot be split into key ranges";
  const auto first = u.resume == Resume::by_key ? u.source_schema.index_of(u.extract.order_by[0]) : std::nullopt;
  if (!first || !is_integer(u.source_schema.columns[*first].type.id))
    return "it needs an integer first key column to cut into ranges";
  if (step.load.mode == LoadMode::replace) return "mode replace swaps in one staging table; use truncate";
  if (!source.shares_snapshots())
    return p.connections.at(step.extract.from).display() + " cannot read several ranges under one snapshot";
  const DriverSpec* target = find_driver(p.connections.at(step.load.to).driver);
  if (target && !target->can.concurrent_writes)
    return p.connections.at(step.load.to).display() + " takes one writer at a time";
  return {};
}

// parallel: N (or --parallel N for a run's only table): the table in N key ranges.
void plan_parallel(const Pipeline& p, const StepConfig& step, const Options& o, Connection& source, bool lone_table, UnitPlan& u) {
  const int parts = step.parallel > 0 ? step.parallel : lone_table ? o.parallel : 1;
  if (parts <= 1 || u.shard_empty) return;
  if (const std::string why = why_not_split(p, step, source, u); !why.empty()) {
    if (step.parallel > 0) throw Error(ErrorClass::config, "step " + u.name + ": parallel: " + std::to_string(parts) + " cannot split " + u.source_table.display() + ": " + why);
    spdlog::info("step {}: read as one stream ({})", u.name, why);
    return;
  }
  u.parts = parts;
  u.split_column = u.extract.order_by[0];
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

bool applies_to(const TransformConfig& t, const TableRef& table) {
  if (t.tables.empty()) return true;
  for (const auto& pattern : t.tables)
    if (glob_match(pattern, pattern.find('.') == std::string::npos ? table.name : table.display())) return true;
  return false;
}

// What is written: the columns after the transforms, into which table, how.
void plan_load(const Pipeline& p, const StepConfig& step, const Options& o, UnitPlan& u) {
  for (const auto& tc : step.transforms)
    if (applies_to(tc, u.source_table)) {
      u.transforms.push_back(tc);
      // A cast or derive from naive to zoned date-times reads wall clocks in the source's zone.
      if (tc.kind == TransformConfig::Kind::cast || tc.kind == TransformConfig::Kind::derive)
        u.transforms.back().timezone = p.connections.at(step.extract.from).timezone;
    }
  Schema schema = u.source_schema;
  for (const auto& tc : u.transforms) {
    try {
      schema = make_transform(tc)->bind(schema);
    } catch (const Error& e) {
      // Which table it failed for, when the step has several.
      if (!step.extract.tables) throw;
      throw Error(e.error_class(), "step " + u.name + ": " + e.what() + " (give the transform tables: to apply it to some tables only)");
    }
  }
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

// A source column's name in the target: through the step's renames and drops, folded.
std::optional<std::string> loaded_name(const UnitPlan& u, const Schema& loaded, std::string name) {
  const StepConfig& step = *u.step;
  for (const auto& t : u.transforms) {
    if (t.kind == TransformConfig::Kind::rename) {
      for (const auto& [from, to] : t.pairs)
        if (from == name) {
          name = to;
          break;
        }
    } else if (t.kind == TransformConfig::Kind::drop && std::find(t.columns.begin(), t.columns.end(), name) != t.columns.end()) {
      return std::nullopt;
    }
  }
  name = targets::target_name(step.load, name);
  if (!loaded.index_of(name)) return std::nullopt;
  return name;
}

std::optional<std::vector<std::string>> loaded_names(const UnitPlan& u, const Schema& loaded, const std::vector<std::string>& names,
                                                     std::string& missing) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    auto mapped = loaded_name(u, loaded, n);
    if (!mapped) {
      missing = n;
      return std::nullopt;
    }
    out.push_back(*mapped);
  }
  return out;
}

// Index and constraint names unique in each target schema, in two name spaces: indexes
// with the tables (PostgreSQL and SQLite index names are per schema and PostgreSQL's
// share it with tables), constraints (MySQL foreign key names are per schema). A
// repeated name gets its table's name in front; every name fits the target.
class ObjectNames {
 public:
  enum Space : char { index = 'i', constraint = 'c' };
  ObjectNames(const ident::NameRule& rule, const std::vector<UnitPlan*>& units) : rule_(rule) {
    for (const auto* u : units) taken_.insert(key(index, u->target_table.schema, u->target_table.name));
  }
  std::string take(Space space, const TableRef& table, const std::string& name) {
    std::string chosen = ident::fitted(rule_, name);
    if (taken_.count(key(space, table.schema, chosen))) chosen = ident::fitted(rule_, table.name + "_" + name);
    for (int n = 2; taken_.count(key(space, table.schema, chosen)); ++n)
      chosen = ident::fitted(rule_, table.name + "_" + name + "_" + std::to_string(n));
    taken_.insert(key(space, table.schema, chosen));
    return chosen;
  }

 private:
  std::string key(Space space, const std::string& schema, const std::string& name) const {
    return std::string(1, space) + schema + '\0' + rule_.key(name);
  }
  const ident::NameRule& rule_;
  std::set<std::string> taken_;
};

// What a table sluice creates gets of its source's definition, in target names: the
// step's switches (load.objects), then each index, foreign key and check whose columns
// are all loaded (a foreign key also needs its referenced table in the step).
void plan_objects(const Pipeline& p, const StepConfig& step, const Options& o, std::vector<UnitPlan*> units,
                  const std::vector<const TableObjects*>& source) {
  const auto& sw = step.load.objects;
  ObjectNames names(ident::rule_for(p.connections.at(step.load.to).driver), units);
  for (std::size_t i = 0; i < units.size(); ++i) {
    UnitPlan& u = *units[i];
    for (auto& c : u.load.schema.columns) {
      if (!sw.defaults) c.default_value = {};
      if (!sw.identity) c.identity = false;
    }
    if (!source[i] || u.load.create == CreateMode::never) continue;
    const TableObjects& from = *source[i];
    TableObjects& to = u.load.objects;
    u.not_migrated.insert(u.not_migrated.end(), from.not_migrated.begin(), from.not_migrated.end());
    if (!from.partition_by.empty()) {
      if (step.load.keep_partitions) {
        to.partition_by = from.partition_by;
        to.partitions = from.partitions;
      } else {
        u.not_migrated.push_back("partitioning (" + from.partition_by + ", " + std::to_string(from.partitions.size()) +
                                 " partitions: loaded as one plain table; load partitions: keep keeps it)");
      }
    }
    std::string missing;
    if (sw.indexes && o.shard_count > 1 && !from.indexes.empty()) u.not_migrated.push_back("indexes (a --shard run does not build them)");
    for (const auto& index : from.indexes) {
      if (!sw.indexes || o.shard_count > 1) continue;
      if (auto cols = loaded_names(u, u.load.schema, index.columns, missing))
        to.indexes.push_back({names.take(ObjectNames::index, u.target_table, index.name), *cols, index.unique});
      else
        u.not_migrated.push_back((index.unique ? "unique index " : "index ") + index.name + " (column " + missing + " is not loaded)");
    }
    for (const auto& fk : from.foreign_keys) {
      if (!sw.foreign_keys) continue;
      if (o.shard_count > 1) {
        u.not_migrated.push_back("foreign key " + fk.name + " (a --shard run does not build them)");
        continue;
      }
      const std::string ref_schema = fk.references.schema.empty() ? u.source_table.schema : fk.references.schema;
      auto parent = std::find_if(units.begin(), units.end(), [&](const UnitPlan* v) {
        return v->source_table.name == fk.references.name && v->source_table.schema == ref_schema;
      });
      if (parent == units.end()) {
        u.not_migrated.push_back("foreign key " + fk.name + " (references " + fk.references.display() + ", which this step does not copy)");
        continue;
      }
      auto cols = loaded_names(u, u.load.schema, fk.columns, missing);
      auto refs = cols ? loaded_names(**parent, (*parent)->load.schema, fk.referenced_columns, missing) : std::nullopt;
      if (!cols || !refs) {
        u.not_migrated.push_back("foreign key " + fk.name + " (column " + missing + " is not loaded)");
        continue;
      }
      to.foreign_keys.push_back({names.take(ObjectNames::constraint, u.target_table, fk.name), *cols, (*parent)->target_table, *refs, fk.on_delete, fk.on_update});
    }
    for (const auto& check : from.checks) {
      if (!sw.checks) continue;
      CheckDef mapped{names.take(ObjectNames::constraint, u.target_table, check.name), check.expression};
      bool loaded = true;
      for (auto& t : mapped.expression)
        if (t.column) {
          auto name = loaded_name(u, u.load.schema, t.text);
          if (!name) {
            u.not_migrated.push_back("check " + check.name + " (column " + t.text + " is not loaded)");
            loaded = false;
            break;
          }
          t.text = *name;
        }
      if (loaded) to.checks.push_back(std::move(mapped));
    }
  }
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
  std::vector<TableObjects> objects;  // per unit: the source table's, read while its source is connected
  auto selected = [&](const StepConfig& step) {
    return o.steps.empty() || std::find(o.steps.begin(), o.steps.end(), step.name) != o.steps.end();
  };
  const auto steps_run = std::count_if(p.steps.begin(), p.steps.end(), selected);
  for (const auto& step : p.steps) {
    if (!selected(step)) continue;
    auto source = drivers.connect(p.connections.at(step.extract.from));
    std::set<std::string> schemas_listed;
    source->check_readable();
    for (auto& t : shard_tables(step, step_tables(p, step, *source), o)) {
      UnitPlan u;
      u.step = &step;
      u.name = t.name;
      u.table_unit = t.table_unit.empty() ? t.name : t.table_unit;
      u.source_table = t.source;
      u.target_table = t.target;
      plan_extract(p, step, *source, u);
      plan_shard(step, o, u);
      plan_parallel(p, step, o, *source, steps_run == 1 && !step.extract.tables, u);
      // Schema-wide objects, listed once with the first table read from the schema.
      if (o.objects && step.extract.tables && step.load.create != CreateMode::never && !schemas_listed.count(u.source_table.schema)) {
        schemas_listed.insert(u.source_table.schema);
        for (const auto& what : source->schema_not_migrated(u.source_table.schema.empty() ? step.extract.schema : u.source_table.schema))
          u.not_migrated.push_back(what + " (of the schema; not migrated)");
      }
      const bool creates = o.objects && step.load.create != CreateMode::never && u.extract.query.empty();
      objects.push_back(creates ? source->describe_objects(u.source_table) : TableObjects{});
      units.push_back(std::move(u));
    }
  }
  // Names and collisions first: a clearer message than a transform's on a table that
  // could never be written anyway.
  if (o.check_targets) check_targets(p, units);
  for (auto& u : units) plan_load(p, *u.step, o, u);
  for (const auto& [first, last] : step_ranges(units)) {
    std::vector<UnitPlan*> step_units;
    std::vector<const TableObjects*> step_objects;
    for (std::size_t i = first; i < last; ++i) {
      step_units.push_back(&units[i]);
      step_objects.push_back(&objects[i]);
    }
    plan_objects(p, *units[first].step, o, step_units, step_objects);
  }
  return units;
}

std::vector<std::pair<std::size_t, std::size_t>> step_ranges(const std::vector<UnitPlan>& units) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t i = 0; i < units.size(); ++i)
    if (out.empty() || units[out.back().first].step != units[i].step) out.push_back({i, i + 1});
    else out.back().second = i + 1;
  return out;
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
