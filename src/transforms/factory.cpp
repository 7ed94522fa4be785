#include <filesystem>

#include <lua.hpp>

#include "transforms/lua_env.h"
#include "transforms/transforms.h"

namespace sluice {

std::unique_ptr<Transform> make_transform(const TransformConfig& cfg) {
  using K = TransformConfig::Kind;
  switch (cfg.kind) {
    case K::rename: return std::make_unique<transforms::Rename>(cfg.pairs, cfg.location);
    case K::drop: return std::make_unique<transforms::Drop>(cfg.columns, cfg.location);
    case K::cast: return std::make_unique<transforms::Cast>(cfg.pairs, cfg.location);
    case K::default_: return std::make_unique<transforms::Default>(cfg.pairs, cfg.location);
    case K::filter: return std::make_unique<transforms::Filter>(cfg.expression, cfg.location);
    case K::derive: return std::make_unique<transforms::Derive>(cfg.pairs, cfg.derive_types, cfg.location);
    case K::mask: return std::make_unique<transforms::Mask>(cfg.pairs, cfg.salt, cfg.location);
    case K::lua: return std::make_unique<transforms::LuaFile>(cfg.path, cfg.location);
  }
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
