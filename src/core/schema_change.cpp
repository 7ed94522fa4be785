#include "core/schema_change.h"

namespace sluice {

SchemaChange compare_to_target(const Schema& loaded, const Schema& target) {
  SchemaChange change;
  for (std::size_t i = 0; i < loaded.columns.size(); ++i)
    if (!target.index_of(loaded.columns[i].name)) change.added.push_back(i);
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

}  // namespace sluice
