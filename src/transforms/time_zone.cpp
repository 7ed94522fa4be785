#include "transforms/transforms.h"

namespace sluice::transforms {

Schema ZoneShift::bind(const Schema& in) {
  Schema out = in;
  crossings_.clear();
  for (const auto& [column, target_type] : column_types_) {
    auto idx = out.index_of(column);
    if (!idx) continue;  // not loaded (on_schema_change: ignore)
    const TypeId to = target_type == "timestamptz" ? TypeId::timestamptz : TypeId::timestamp;
    const ZoneCrossing c = zone_crossing(out.columns[*idx].type.id, to, from_, to_);
    if (c.kind == ZoneCrossing::Kind::none) continue;
    crossings_.emplace_back(*idx, c);
    TypeInfo& t = out.columns[*idx].type;
    if (t.id != to) {
      t = TypeInfo::of(to);
      t.scale = 6;
    }
  }
  names_ = out.names();
  return out;
}

void ZoneShift::apply(Batch& batch) {
  for (std::size_t r = 0; r < batch.size(); ++r)
    for (const auto& [idx, crossing] : crossings_) {
      try {
        cross_zones(crossing, batch[r][idx]);
      } catch (const Error& e) {
        throw RowError(r, "column " + names_[idx] + ": " + e.what());
      }
    }
}

}  // namespace sluice::transforms
