#pragma once
// A Lua 5.4 state for expressions and transform files, and the mapping between row
// values and Lua values: NULL is nil, integers are integers, decimals and floats are
// numbers, booleans are booleans, everything else (text, dates and times in ISO form,
// bytes, JSON, UUIDs) is a string.
#include <string>

#include "sluice/batch.h"
#include "sluice/schema.h"

struct lua_State;

namespace sluice::transforms {

class LuaEnv {
 public:
  LuaEnv();
  ~LuaEnv();
  LuaEnv(const LuaEnv&) = delete;
  LuaEnv& operator=(const LuaEnv&) = delete;

  lua_State* L() const { return L_; }

  // Compiles `return (<expression>)` as a function whose globals are a row table that
  // falls back to the standard library. Returns a registry reference.
  int compile_expression(const std::string& expression, const std::string& where);
  // Points the row table at `row` (one field per column; NULL leaves it nil).
  void set_row(const Schema& schema, const Row& row);
  // Calls a compiled expression; leaves its result on the stack.
  void eval(int ref, const std::string& where);

  void push(const Value& v);
  // Converts the Lua value at `idx` to a Value of type `t` (exactly, or a data error).
  void to_value(int idx, const TypeInfo& t, Value& out, const std::string& column);

 private:
  lua_State* L_;
  int row_ref_ = -1;
  std::string text_;
};

}  // namespace sluice::transforms
