#include <filesystem>
#include <lua.hpp>

#include "transforms/lua_env.h"
#include "transforms/transform_spec.h"
#include "transforms/transforms.h"

namespace sluice::transforms {

LuaFile::LuaFile(std::string path, SourceLocation loc) : path_(std::move(path)), loc_(std::move(loc)) {}
LuaFile::~LuaFile() = default;

Schema LuaFile::bind(const Schema& in) {
  lua_ = std::make_unique<LuaEnv>();
  lua_State* L = lua_->L();
  if (luaL_dofile(L, path_.c_str()) != LUA_OK) {
    std::string msg = lua_tostring(L, -1) ? lua_tostring(L, -1) : "error";
    throw Error(ErrorClass::config, loc_.display() + ": lua file " + path_ + ": " + msg);
  }
  lua_getglobal(L, "transform");
  if (!lua_isfunction(L, -1))
    throw Error(ErrorClass::config, loc_.display() + ": lua file " + path_ + " must define function transform(row)");
  fn_ref_ = luaL_ref(L, LUA_REGISTRYINDEX);
  schema_ = in;
  return in;
}

void LuaFile::apply(Batch& batch) {
  lua_State* L = lua_->L();
  std::size_t index = 0;
  Value converted;
  batch.retain_if([&](Row& row) {
    const std::size_t r = index++;
    lua_rawgeti(L, LUA_REGISTRYINDEX, fn_ref_);
    lua_createtable(L, 0, static_cast<int>(schema_.columns.size()));
    for (std::size_t c = 0; c < schema_.columns.size(); ++c) {
      lua_->push(row[c]);
      lua_setfield(L, -2, schema_.columns[c].name.c_str());
    }
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
      std::string msg = lua_tostring(L, -1) ? lua_tostring(L, -1) : "error";
      lua_settop(L, 0);
      throw RowError(r, loc_.display() + ": " + msg);
    }
    if (lua_isnil(L, -1)) {  // transform returned nil: drop the row
      lua_pop(L, 1);
      return false;
    }
    if (!lua_istable(L, -1)) {
      lua_settop(L, 0);
      throw RowError(r, loc_.display() + ": transform(row) must return a table or nil");
    }
    for (std::size_t c = 0; c < schema_.columns.size(); ++c) {
      lua_getfield(L, -1, schema_.columns[c].name.c_str());
      try {
        lua_->to_value(-1, schema_.columns[c].type, converted, schema_.columns[c].name);
      } catch (const Error& e) {
        lua_settop(L, 0);
        throw RowError(r, loc_.display() + ": " + e.what());
      }
      std::swap(row[c], converted);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return true;
  });
}

namespace {

void read_lua(config::Reader& r, const YAML::Node& body, TransformConfig& t) {
  if (auto v = r.nonempty(body, "lua file")) {
    t.path = r.path(*v);
    if (!std::filesystem::exists(t.path)) r.error(body, "lua file " + t.path + " does not exist");
  }
}

std::unique_ptr<Transform> make_lua(const TransformConfig& t) { return std::make_unique<LuaFile>(t.path, t.location); }

}  // namespace

TransformSpec lua_spec() { return {"lua", TransformConfig::Kind::lua, read_lua, make_lua}; }

}  // namespace sluice::transforms
