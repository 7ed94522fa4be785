#include "runtime/on_schema_change.h"

#include <spdlog/spdlog.h>

#include "core/schema_change.h"
#include "sluice/status.h"

namespace sluice::runtime {

std::vector<std::size_t> apply_schema_change(Connection& target, const plan::UnitPlan& u, const Schema& loaded) {
  const LoadConfig& load = u.step->load;
  if (load.create == CreateMode::always) return {};  // dropped and created anew from the source
  auto existing = target.describe(u.target_table);
  if (!existing) return {};
  const SchemaChange change = compare_to_target(loaded, *existing);
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
  if (load.on_schema_change == OnSchemaChange::fail) {
    std::string what;
    if (!added.empty()) what = "the source has column(s) that target " + table + " lacks: " + added;
    if (!removed.empty())
      what += (what.empty() ? "" : "; ") + std::string("target ") + table + " has column(s) the source no longer gives (new rows would get NULL): " + removed;
    throw Error(ErrorClass::config, "step " + u.name + ": " + what +
                                    "; nothing was written (load on_schema_change: add_columns adds new columns, ignore loads what both have)");
  }
  if (!removed.empty())
    spdlog::warn("step {}: target {} has column(s) the source no longer gives: {}; new rows get NULL there (on_schema_change: {})", u.name,
                 table, removed, to_string(load.on_schema_change));
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
