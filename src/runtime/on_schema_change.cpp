#include "runtime/on_schema_change.h"

#include <spdlog/spdlog.h>

#include "core/schema_change.h"
#include "sluice/status.h"

namespace sluice::runtime {

namespace {
constexpr std::string_view kSourceColumnsSuffix = "@columns";
}  // namespace

std::string source_columns_key(const plan::UnitPlan& u) {
  // The shards and key ranges of one table share its source, and one record: the key
  // leaves their suffix out, whose room the name limit (core/targets.cpp) keeps.
  return (u.table_unit.empty() ? u.name : u.table_unit) + std::string(kSourceColumnsSuffix);
}

bool is_source_columns_key(const std::string& state_key) {
  return state_key.size() > kSourceColumnsSuffix.size() &&
         state_key.compare(state_key.size() - kSourceColumnsSuffix.size(), kSourceColumnsSuffix.size(), kSourceColumnsSuffix) == 0;
}

namespace {

std::vector<std::size_t> check_existing_table(Connection& target, const plan::UnitPlan& u, const Schema& loaded,
                                              const SourceColumnTypes& previous) {
  const LoadConfig& load = u.step->load;
  if (load.create == CreateMode::always) return {};  // dropped and created anew from the source
  auto existing = target.describe(u.target_table);
  if (!existing) return {};
  const SchemaChange change = compare_to_target(loaded, *existing, previous);
  if (change.empty()) return {};
  const std::string table = u.target_table.display();
  if (!change.unfilled.empty()) {
    std::string names;
    for (const auto& n : change.unfilled) names += (names.empty() ? "" : ", ") + n;
    throw Error(ErrorClass::config, "step " + u.name + ": target " + table + " has NOT NULL column(s) without a default that the source "
                                    "no longer gives: " + names + "; nothing was written (give them a default, or a transform that fills them)");
  }
  const std::string added = describe_added(loaded, change);
  // A column dropped at the source is never passed over in silence.
  std::string removed;
  for (const auto& n : change.removed) removed += (removed.empty() ? "" : ", ") + n;
  const std::string changed = describe_changed(change);
  if (load.on_schema_change == OnSchemaChange::fail) {
    std::string what;
    if (!added.empty()) what = "the source has column(s) that target " + table + " lacks: " + added;
    if (!removed.empty())
      what += (what.empty() ? "" : "; ") + std::string("target ") + table + " has column(s) the source no longer gives (new rows would get NULL): " + removed;
    if (!changed.empty())
      what += (what.empty() ? "" : "; ") + std::string("source column type(s) changed since the last run into one target ") + table +
              " may not hold: " + changed;
    throw Error(ErrorClass::config, "step " + u.name + ": " + what +
                                    "; nothing was written (load on_schema_change: add_columns adds new columns, ignore loads what both have;"
                                    " widen a changed target column with ALTER TABLE)");
  }
  if (!removed.empty())
    spdlog::warn("step {}: target {} has column(s) the source no longer gives: {}; new rows get NULL there (on_schema_change: {})", u.name,
                 table, removed, to_string(load.on_schema_change));
  // Values that do not fit are refused row by row (rejects), never cut: said up front.
  if (!changed.empty())
    spdlog::warn("step {}: source column type(s) changed since the last run into one target {} may not hold: {}; values that do not fit "
                 "are refused (on_schema_change: {})",
                 u.name, table, changed, to_string(load.on_schema_change));
  if (change.added.empty()) return {};
  switch (load.on_schema_change) {
    case OnSchemaChange::fail: break;  // thrown above
    case OnSchemaChange::add_columns: {
      std::vector<Column> columns;
      for (std::size_t i : change.added) columns.push_back(loaded.columns[i]);
      target.add_columns(u.target_table, columns);
      spdlog::info("step {}: added column(s) to {}: {}", u.name, table, added);
      return {};
    }
    case OnSchemaChange::ignore:
      spdlog::warn("step {}: not loading column(s) that target {} lacks: {} (on_schema_change: ignore)", u.name, table, added);
      return change.added;
  }
  return {};
}

}  // namespace

std::vector<std::size_t> apply_schema_change(Connection& target, const plan::UnitPlan& u, const std::string& pipeline,
                                             const std::string& run_id, const Schema& loaded) {
  const std::string key = source_columns_key(u);
  const SourceColumnTypes previous = recorded_source_columns(target, pipeline, key);
  auto left_out = check_existing_table(target, u, loaded, previous);
  // Accepted: the next run compares its source with this one.
  if (previous != source_column_types(loaded)) record_source_columns(target, pipeline, key, run_id, loaded);
  return left_out;
}

Schema without_columns(const Schema& schema, const std::vector<std::size_t>& left_out) {
  Schema out = schema;
  out.columns.clear();
  for (std::size_t i = 0, next = 0; i < schema.columns.size(); ++i) {
    if (next < left_out.size() && left_out[next] == i) {
      ++next;
      continue;
    }
    out.columns.push_back(schema.columns[i]);
  }
  return out;
}

}  // namespace sluice::runtime
