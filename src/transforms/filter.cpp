#include <lua.hpp>

#include "transforms/lua_env.h"
#include "transforms/transform_spec.h"
#include "transforms/transforms.h"

namespace sluice::transforms {

Filter::Filter(std::string expression, SourceLocation loc) : expression_(std::move(expression)), loc_(std::move(loc)) {}
Filter::~Filter() = default;

Schema Filter::bind(const Schema& in) {
  lua_ = std::make_unique<LuaEnv>();
  ref_ = lua_->compile_expression(expression_, loc_.display() + ": filter");
  schema_ = in;
  return in;
}

void Filter::apply(Batch& batch) {
  std::size_t index = 0;
  const std::string where = loc_.display() + ": filter";
  batch.retain_if([&](const Row& row) {
    lua_->set_row(schema_, row);
    try {
      lua_->eval(ref_, where);
    } catch (const Error& e) {
      throw RowError(index, e.what());
    }
    ++index;
    bool keep = lua_toboolean(lua_->L(), -1);
    lua_pop(lua_->L(), 1);
    return keep;
  });
}

namespace {

void read_filter(config::Reader& r, const YAML::Node& body, TransformConfig& t) {
  if (auto v = r.nonempty(body, "filter expression")) t.expression = *v;
}

std::unique_ptr<Transform> make_filter(const TransformConfig& t) { return std::make_unique<Filter>(t.expression, t.location); }

}  // namespace

TransformSpec filter_spec() { return {"filter", TransformConfig::Kind::filter, read_filter, make_filter}; }

}  // namespace sluice::transforms
