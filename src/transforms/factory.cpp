#include <filesystem>
#include <lua.hpp>

#include "transforms/lua_env.h"
#include "transforms/transform_spec.h"
#include "transforms/transforms.h"

namespace sluice {

std::unique_ptr<Transform> make_transform(const TransformConfig& cfg) {
  // The engine's own, never read from a file: it has no spec (and so no key a file could use).
  if (cfg.kind == TransformConfig::Kind::time_zone)
    return std::make_unique<transforms::ZoneShift>(cfg.pairs, cfg.timezone.empty() ? TimeZone{} : TimeZone::named(cfg.timezone),
                                                   cfg.target_timezone.empty() ? TimeZone{} : TimeZone::named(cfg.target_timezone));
  if (const auto* spec = transforms::find_transform(cfg.kind)) return spec->make(cfg);
  throw Error(ErrorClass::internal, cfg.location.display() + ": unknown transform");
}

std::optional<std::string> check_transform_code(const TransformConfig& cfg) {
  using K = TransformConfig::Kind;
  if (cfg.kind != K::filter && cfg.kind != K::derive && cfg.kind != K::lua) return std::nullopt;
  transforms::LuaEnv env;
  try {
    if (cfg.kind == K::filter) env.compile_expression(cfg.expression, "filter");
    if (cfg.kind == K::derive)
      for (const auto& [column, expr] : cfg.pairs) env.compile_expression(expr, "derive of '" + column + "'");
  } catch (const Error& e) {
    return std::string(e.what());
  }
  if (cfg.kind == K::lua && !cfg.path.empty() && std::filesystem::is_regular_file(cfg.path)) {
    if (luaL_loadfilex(env.L(), cfg.path.c_str(), "t") != LUA_OK) {
      const char* msg = lua_tostring(env.L(), -1);
      return "lua file " + cfg.path + " does not compile: " + (msg ? msg : "error");
    }
  }
  return std::nullopt;
}

}  // namespace sluice
