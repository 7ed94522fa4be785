#include <set>

#include "transforms/transform_spec.h"
#include "transforms/transforms.h"

namespace sluice::transforms {

Schema Cast::bind(const Schema& in) {
  Schema out = in;
  targets_.clear();
  for (const auto& [col, type] : pairs_) {
    auto idx = out.index_of(col);
    if (!idx) throw Error(ErrorClass::config, loc_.display() + ": cast: no column '" + col + "'" + columns_hint(in));
    TypeInfo t = *parse_type_name(type);  // validated when the file was loaded
    t.native.clear();
    out.columns[*idx].type = t;
    targets_.emplace_back(*idx, t);
  }
  names_ = out.names();
  return out;
}

void Cast::apply(Batch& batch) {
  for (std::size_t r = 0; r < batch.size(); ++r) {
    for (const auto& [idx, type] : targets_) {
      Value& v = batch[r][idx];
      if (v.is_null() || convert::natural_kind(v.kind(), type.id)) {
        if (type.id != TypeId::decimal && type.length == 0) continue;
      }
      try {
        if (!zone_.is_utc() && (type.id == TypeId::timestamptz || type.id == TypeId::timestamp)) {
          // A naive value becomes the instant its wall clock means here, and back.
          const TypeId from = v.kind() == Value::Kind::timestamptz ? TypeId::timestamptz : TypeId::timestamp;
          cross_zones(zone_crossing(v.kind() == Value::Kind::text ? TypeId::text : from, type.id, zone_, zone_), v);
        }
        convert::coerce(v, type, scratch_);
      } catch (const Error& e) {
        throw RowError(r, loc_.display() + ": cast of column " + names_[idx] + ": " + e.what());
      }
      std::swap(v, scratch_);
    }
  }
}

namespace {

void read_cast(config::Reader& r, const YAML::Node& body, TransformConfig& t) {
  t.pairs = config::read_pairs(r, body, "cast");
  for (const auto& [col, type] : t.pairs)
    if (!parse_type_name(type))
      r.error(body[col], "cast of '" + col + "': unknown type '" + type +
                             "' (expected e.g. bigint, int, smallint, decimal(14,2), double, boolean, "
                             "text, varchar(20), date, time, timestamp, timestamptz, json, uuid, bytes)");
}

std::unique_ptr<Transform> make_cast(const TransformConfig& t) {
  return std::make_unique<Cast>(t.pairs, t.location, t.timezone.empty() ? TimeZone{} : TimeZone::named(t.timezone));
}

}  // namespace

TransformSpec cast_spec() { return {"cast", TransformConfig::Kind::cast, read_cast, make_cast}; }

}  // namespace sluice::transforms
