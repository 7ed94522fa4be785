#include "core/schema_change.h"

#include <nlohmann/json.hpp>

#include "core/type_fit.h"
#include "sluice/sink.h"

namespace sluice {
SchemaChange compare_to_target(const Schema& loaded, const Schema& target, const SourceColumnTypes& previous) {
  SchemaChange change;
  for (std::size_t i = 0; i < loaded.columns.size(); ++i) {
    const Column& c = loaded.columns[i];
    const auto in_target = target.index_of(c.name);
    if (!in_target) {
      change.added.push_back(i);
      continue;
    }
    const auto was = previous.find(c.name);
    const std::string now = describe(c.type);
    if (was == previous.end() || was->second == now) continue;
    // A type that changed and still fits is no concern of the table's.
    if (std::string why = lossy_mapping(c.type, target.columns[*in_target].type); !why.empty())
      change.changed.push_back({c.name, was->second, now, std::move(why)});
  }
  for (const auto& c : target.columns) {
    if (loaded.index_of(c.name) || c.identity || c.default_value.kind != ColumnDefault::Kind::none) continue;
    (c.nullable ? change.removed : change.unfilled).push_back(c.name);
  }
  return change;
}

std::string describe_added(const Schema& loaded, const SchemaChange& change) {
  std::string out;
  for (std::size_t i : change.added) {
    const Column& c = loaded.columns[i];
    out += (out.empty() ? "" : ", ") + c.name + " (" + (c.type.native.empty() ? describe(c.type) : c.type.native) + ")";
  }
  return out;
}

std::string describe_changed(const SchemaChange& change) {
  std::string out;
  for (const auto& c : change.changed) out += (out.empty() ? "" : ", ") + c.name + " (" + c.was + " -> " + c.now + ": " + c.why + ")";
  return out;
}

SourceColumnTypes source_column_types(const Schema& loaded) {
  SourceColumnTypes types;
  for (const auto& c : loaded.columns) types[c.name] = describe(c.type);
  return types;
}

SourceColumnTypes recorded_source_columns(Connection& target, const std::string& pipeline, const std::string& state_key) {
  const auto cp = target.read_checkpoint(pipeline, state_key);
  if (!cp || cp->last_key.size() != 1 || cp->last_key[0].kind() != Value::Kind::text) return {};
  const auto doc = nlohmann::json::parse(cp->last_key[0].str(), nullptr, /*allow_exceptions=*/false);
  SourceColumnTypes types;
  if (!doc.is_object()) return types;  // written by another version: as if none
  for (const auto& [name, type] : doc.items())
    if (type.is_string()) types[name] = type.get<std::string>();
  return types;
}

void record_source_columns(Connection& target, const std::string& pipeline, const std::string& state_key, const std::string& run_id,
                           const Schema& loaded) {
  const SourceColumnTypes types = source_column_types(loaded);
  Checkpoint cp;
  cp.run_id = run_id;
  cp.rows = 0;  // no rows: whoever sums rows_committed over sluice_state counts loaded rows only
  cp.completed = true;
  cp.last_key.emplace_back().set_text(nlohmann::json(types).dump());
  target.write_checkpoint(pipeline, state_key, cp);
}

}  // namespace sluice
