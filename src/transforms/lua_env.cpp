#include <cmath>
#include <lua.hpp>

#include "transforms/lua_env.h"
#include "sluice/status.h"

namespace sluice::transforms {

LuaEnv::LuaEnv() : L_(luaL_newstate()) {
  if (!L_) throw Error(ErrorClass::internal, "cannot create a Lua state");
  luaL_openlibs(L_);
  // The row table: columns first, then the standard library through __index.
  lua_newtable(L_);
  lua_newtable(L_);
  lua_pushglobaltable(L_);
  lua_setfield(L_, -2, "__index");
  lua_setmetatable(L_, -2);
  row_ref_ = luaL_ref(L_, LUA_REGISTRYINDEX);
}

LuaEnv::~LuaEnv() { lua_close(L_); }

int LuaEnv::compile_expression(const std::string& expression, const std::string& where) {
  std::string chunk = "return (" + expression + ")";
  if (luaL_loadbufferx(L_, chunk.data(), chunk.size(), "=expression", "t") != LUA_OK) {
    std::string msg = lua_tostring(L_, -1);
    lua_pop(L_, 1);
    throw Error(ErrorClass::config, where + ": the Lua expression does not compile: " + msg);
  }
  // The chunk's only upvalue is _ENV: make it the row table.
  lua_rawgeti(L_, LUA_REGISTRYINDEX, row_ref_);
  lua_setupvalue(L_, -2, 1);
  return luaL_ref(L_, LUA_REGISTRYINDEX);
}

void LuaEnv::set_row(const Schema& schema, const Row& row) {
  lua_rawgeti(L_, LUA_REGISTRYINDEX, row_ref_);
  for (std::size_t i = 0; i < schema.columns.size(); ++i) {
    push(row[i]);
    lua_setfield(L_, -2, schema.columns[i].name.c_str());
  }
  lua_pop(L_, 1);
}

void LuaEnv::eval(int ref, const std::string& where) {
  lua_rawgeti(L_, LUA_REGISTRYINDEX, ref);
  if (lua_pcall(L_, 0, 1, 0) != LUA_OK) {
    std::string msg = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "error";
    lua_pop(L_, 1);
    throw Error(ErrorClass::data, where + ": " + msg);
  }
}

void LuaEnv::push(const Value& v) {
  using K = Value::Kind;
  switch (v.kind()) {
    case K::null: lua_pushnil(L_); return;
    case K::boolean: lua_pushboolean(L_, v.as_bool()); return;
    case K::int64: lua_pushinteger(L_, v.as_int()); return;
    case K::uint64: lua_pushnumber(L_, static_cast<lua_Number>(v.as_uint())); return;
    case K::float64: lua_pushnumber(L_, v.as_double()); return;
    case K::decimal: lua_pushnumber(L_, std::strtod(v.str().c_str(), nullptr)); return;
    case K::text: case K::bytes: case K::json: case K::uuid:
      lua_pushlstring(L_, v.str().data(), v.str().size());
      return;
    default:
      text_.clear();
      v.append_text(text_);
      lua_pushlstring(L_, text_.data(), text_.size());
      return;
  }
}

void LuaEnv::to_value(int idx, const TypeInfo& t, Value& out, const std::string& column) {
  Value raw;
  switch (lua_type(L_, idx)) {
    case LUA_TNIL: out.set_null(); return;
    case LUA_TBOOLEAN: raw.set_bool(lua_toboolean(L_, idx)); break;
    case LUA_TNUMBER:
      if (lua_isinteger(L_, idx)) {
        raw.set_int(lua_tointeger(L_, idx));
      } else {
        double d = lua_tonumber(L_, idx);
        // A declared decimal scale says how the user wants a computed number kept.
        if (t.id == TypeId::decimal && t.precision > 0 && std::isfinite(d)) {
          char buf[512];
          std::snprintf(buf, sizeof buf, "%.*f", t.scale, d);
          raw.set_decimal(buf);
        } else {
          raw.set_double(d);
        }
      }
      break;
    case LUA_TSTRING: {
      std::size_t n;
      const char* s = lua_tolstring(L_, idx, &n);
      raw.set_text(std::string_view(s, n));
      break;
    }
    default:
      throw Error(ErrorClass::data, "column " + column + ": a Lua " + luaL_typename(L_, idx) + " is not a column value");
  }
  if (t.id == TypeId::text && t.native.empty() && raw.kind() != Value::Kind::text) {
    std::string s = raw.to_text();
    out.set_text(s);
    return;
  }
  try {
    convert::coerce(raw, t, out);
  } catch (const Error& e) {
    throw Error(ErrorClass::data, "column " + column + ": " + e.what());
  }
}

}  // namespace sluice::transforms
