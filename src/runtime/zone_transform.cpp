#include "runtime/zone_transform.h"

#include "core/time_zone.h"

namespace sluice::runtime {

std::optional<TransformConfig> zone_transform(const Pipeline& p, const StepConfig& step, const Schema& loaded,
                                              const std::vector<std::string>& target_names, Connection& dst, const TableRef& table) {
  const auto [from, to] = copy_zones(p.connections.at(step.extract.from).timezone, p.connections.at(step.load.to).timezone);
  if (from.is_utc() && to.is_utc()) return std::nullopt;
  std::optional<Schema> target;
  if (step.load.create != CreateMode::always) target = dst.describe(table);
  TransformConfig t;
  t.kind = TransformConfig::Kind::time_zone;
  t.timezone = from.is_utc() ? "" : from.name();
  t.target_timezone = to.is_utc() ? "" : to.name();
  for (std::size_t i = 0; i < loaded.columns.size() && i < target_names.size(); ++i) {
    TypeId target_type;
    if (target) {
      const auto at = target->index_of(target_names[i]);
      if (!at) continue;
      target_type = target->columns[*at].type.id;
    } else {
      target_type = dst.created_type(loaded.columns[i].type).id;
    }
    if (zone_crossing(loaded.columns[i].type.id, target_type, from, to).kind == ZoneCrossing::Kind::none) continue;
    t.pairs.emplace_back(loaded.columns[i].name, target_type == TypeId::timestamptz ? "timestamptz" : "timestamp");
  }
  if (t.pairs.empty()) return std::nullopt;
  return t;
}

}  // namespace sluice::runtime
