#include "core/type_fit.h"

namespace sluice {
namespace {

// Spatial and geometric columns (MySQL's, PostgreSQL's built-in ones) travel as their
// text form: WKT for MySQL (without the SRID), PostgreSQL's own for point, box, ...
bool geometric(const std::string& native) {
  std::string t = native.substr(0, native.find_first_of(" ("));
  for (const char* k : {"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
                        "geometrycollection", "geomcollection", "line", "lseg", "box", "path", "circle"})
    if (t == k) return true;
  return false;
}

// Source types sluice reads as text (or a plain type) wherever they go: what becomes of them.
std::string read_as(const TypeInfo& from) {
  const std::string& n = from.native;
  auto starts = [&](const char* prefix) { return n.rfind(prefix, 0) == 0; };
  if (n.find(" (domain over ") != std::string::npos) return "domain as its base type (its constraints are not copied)";
  if (n.size() > 2 && n.compare(n.size() - 2, 2, "[]") == 0) return "array as its text form";
  if (starts("tsvector") || starts("tsquery")) return "text search value as text";
  if (n.find("range") != std::string::npos && from.id == TypeId::text) return "range as its text form";
  if (starts("set(")) return "SET as comma-separated text";
  if (starts("year")) return "YEAR as an integer";
  if (starts("bit(") && from.id == TypeId::bytes) return "BIT(n) as bytes";
  if (starts("interval") || starts("money") || starts("xml") || starts("inet") || starts("cidr") || starts("macaddr") ||
      starts("bit varying") || (starts("bit(") && from.id == TypeId::text))
    return n.substr(0, n.find_first_of(" (")) + " as text";
  return {};
}

}  // namespace

std::string lossy_mapping(const TypeInfo& from, const TypeInfo& to) {
  if (from.id == TypeId::text && geometric(from.native) && !geometric(to.native)) return "spatial value as text (WKT, SRID not kept)";
  // The same database on both sides keeps these as they are only when the target
  // column is the same type.
  if (auto why = read_as(from); !why.empty() && from.native != to.native) return why;
  auto rank = [](TypeId t) {
    switch (t) {
      case TypeId::int8: return 1;
      case TypeId::int16: return 2;
      case TypeId::int32: return 3;
      case TypeId::int64: return 4;
      default: return 0;
    }
  };
  if (rank(from.id) && rank(to.id) && (rank(to.id) < rank(from.id) || (from.is_unsigned && !to.is_unsigned && rank(to.id) == rank(from.id))))
    return "narrowing integer";
  if (rank(from.id) && (to.id == TypeId::float32 || to.id == TypeId::float64)) return "integer to floating point";
  if (from.id == TypeId::decimal && (to.id == TypeId::float32 || to.id == TypeId::float64)) return "decimal to floating point";
  if (from.id == TypeId::decimal && to.id == TypeId::decimal && to.precision > 0 &&
      (from.precision == 0 || to.precision - to.scale < from.precision - from.scale || to.scale < from.scale))
    return "decimal precision";
  if (from.id == TypeId::float64 && to.id == TypeId::float32) return "double to float";
  if (from.id == TypeId::decimal && to.native.rfind("DECIMAL TEXT", 0) == 0)
    return "decimal kept as exact text (SQL compares and sums it as text)";
  if ((from.id == TypeId::varchar || from.id == TypeId::char_ || from.id == TypeId::text) &&
      (to.id == TypeId::varchar || to.id == TypeId::char_) && to.length > 0 && (from.length == 0 || from.length > to.length))
    return "text length";
  if (from.id == TypeId::timestamptz && to.id == TypeId::timestamp) return "time zone dropped";
  if (from.id == TypeId::enum_ && to.id != TypeId::enum_) return "enum to text";
  if (from.id == TypeId::time && to.id != TypeId::time) return "time";
  return {};
}

}  // namespace sluice
