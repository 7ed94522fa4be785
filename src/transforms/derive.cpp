#include <lua.hpp>
#include <set>

#include "transforms/lua_env.h"
#include "transforms/transform_spec.h"
#include "transforms/transforms.h"

namespace sluice::transforms {

Derive::Derive(std::vector<std::pair<std::string, std::string>> exprs, std::map<std::string, std::string> types, SourceLocation loc,
               TimeZone zone)
    : exprs_(std::move(exprs)), types_(std::move(types)), loc_(std::move(loc)), zone_(std::move(zone)) {}
Derive::~Derive() = default;

Schema Derive::bind(const Schema& in) {
  lua_ = std::make_unique<LuaEnv>();
  in_ = in;
  Schema out = in;
  outputs_.clear();
  for (const auto& [name, expr] : exprs_) {
    Output o;
    o.name = name;
    o.ref = lua_->compile_expression(expr, loc_.display() + ": derive of '" + name + "'");
    auto declared = types_.find(name);
    auto existing = out.index_of(name);
    if (existing) {
      o.column = *existing;
      if (declared != types_.end()) out.columns[*existing].type = *parse_type_name(declared->second);
      out.columns[*existing].nullable = true;
    } else {
      o.column = out.columns.size();
      // Without a declared type a derived column is text.
      TypeInfo t = declared != types_.end() ? *parse_type_name(declared->second) : TypeInfo::of(TypeId::text);
      out.columns.push_back({name, t, true, {}, false});
    }
    o.type = out.columns[o.column].type;
    outputs_.push_back(o);
  }
  width_ = out.columns.size();
  results_.resize(outputs_.size());
  return out;
}

void Derive::apply(Batch& batch) {
  for (std::size_t r = 0; r < batch.size(); ++r) {
    Row& row = batch[r];
    // Every expression sees the incoming row, not the other derived values.
    lua_->set_row(in_, row);
    for (std::size_t i = 0; i < outputs_.size(); ++i) {
      const Output& o = outputs_[i];
      try {
        lua_->eval(o.ref, loc_.display() + ": derive of '" + o.name + "'");
        if (o.type.id == TypeId::timestamptz && !zone_.is_utc()) {
          // Read as text first: whether it carries an offset decides what it means.
          lua_->to_value(-1, TypeInfo::of(TypeId::text), wall_clock_, o.name);
          cross_zones(zone_crossing(TypeId::text, TypeId::timestamptz, zone_, zone_), wall_clock_);
          convert::coerce(wall_clock_, o.type, results_[i]);
        } else {
          lua_->to_value(-1, o.type, results_[i], o.name);
        }
      } catch (const Error& e) {
        lua_settop(lua_->L(), 0);
        throw RowError(r, e.what());
      }
      lua_pop(lua_->L(), 1);
    }
    row.resize(width_);
    for (std::size_t i = 0; i < outputs_.size(); ++i) std::swap(row[outputs_[i].column], results_[i]);
  }
}

namespace {

void read_derive(config::Reader& r, const YAML::Node& body, TransformConfig& t) {
  if (r.is_map(body, "derive")) {
    for (const auto& d : body) {
      std::string col = d.first.Scalar();
      if (d.second.IsMap()) {
        r.check_keys(d.second, {"expr", "type"}, "derive of '" + col + "'");
        if (!d.second["expr"]) r.error(d.second, "derive of '" + col + "' needs expr:");
        else if (auto e = r.nonempty(d.second["expr"], "derive expr")) t.pairs.emplace_back(col, *e);
        if (d.second["type"]) {
          if (auto ty = r.nonempty(d.second["type"], "derive type")) {
            if (!parse_type_name(*ty)) r.error(d.second["type"], "derive of '" + col + "': unknown type '" + *ty + "'");
            else t.derive_types[col] = *ty;
          }
        }
      } else if (auto e = r.nonempty(d.second, "derive expression of '" + col + "'")) {
        t.pairs.emplace_back(col, *e);
      }
    }
  }
}

std::unique_ptr<Transform> make_derive(const TransformConfig& t) {
  return std::make_unique<Derive>(t.pairs, t.derive_types, t.location, t.timezone.empty() ? TimeZone{} : TimeZone::named(t.timezone));
}

}  // namespace

TransformSpec derive_spec() { return {"derive", TransformConfig::Kind::derive, read_derive, make_derive}; }

}  // namespace sluice::transforms
