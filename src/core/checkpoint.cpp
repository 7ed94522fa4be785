// Checkpoint keys (sluice/sink.h): the last committed key as JSON text, with stable kind
// names so that saved state reads back after an upgrade.
#include <nlohmann/json.hpp>

#include "sluice/sink.h"
#include "sluice/status.h"

namespace sluice {

namespace {
// Stable names for checkpoint keys: saved state must read back after an upgrade.
const char* const kKeyKinds[] = {"null", "bool", "int", "uint", "float", "decimal", "text",
                                 "bytes", "date", "time", "timestamp", "timestamptz", "json", "uuid"};

Value::Kind key_kind(const std::string& name) {
  for (std::size_t i = 0; i < std::size(kKeyKinds); ++i)
    if (name == kKeyKinds[i]) return static_cast<Value::Kind>(i);
  throw Error(ErrorClass::internal, "unreadable checkpoint key: unknown kind '" + name +
                                        "'; clear it with sluice state PIPELINE --reset STEP");
}
}  // namespace

std::string encode_key(const std::vector<Value>& key) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& v : key) {
    nlohmann::json item = nlohmann::json::array();
    item.push_back(kKeyKinds[static_cast<int>(v.kind())]);
    if (v.kind() == Value::Kind::bytes) item.push_back(convert::hex_encode(v.str()));
    else item.push_back(v.to_text());
    arr.push_back(item);
  }
  return arr.dump();
}

std::vector<Value> decode_key(const std::string& text) {
  std::vector<Value> out;
  if (text.empty()) return out;
  auto corrupt = [&](const std::string& why) {
    return Error(ErrorClass::internal, "unreadable checkpoint key " + text.substr(0, 200) + " (" + why +
                                           "); clear it with sluice state PIPELINE --reset STEP");
  };
  auto arr = nlohmann::json::parse(text, nullptr, false);
  if (!arr.is_array()) throw corrupt("not a JSON array");
  for (const auto& item : arr) {
    if (!item.is_array() || item.size() != 2 || !item[0].is_string() || !item[1].is_string()) throw corrupt("bad entry");
    auto kind = key_kind(item[0].get<std::string>());
    std::string s = item[1].get<std::string>();
    Value v;
    bool ok = true;
    auto take = [&](auto parsed, auto set) {
      if (parsed) set(*parsed); else ok = false;
    };
    switch (kind) {
      case Value::Kind::null: break;
      case Value::Kind::boolean: v.set_bool(s == "true"); break;
      case Value::Kind::int64: take(convert::parse_int(s), [&](auto x) { v.set_int(x); }); break;
      case Value::Kind::uint64: take(convert::parse_uint(s), [&](auto x) { v.set_uint(x); }); break;
      case Value::Kind::float64: take(convert::parse_double(s), [&](auto x) { v.set_double(x); }); break;
      case Value::Kind::date: take(convert::parse_date(s), [&](auto x) { v.set_date(x); }); break;
      case Value::Kind::time: take(convert::parse_time(s), [&](auto x) { v.set_time(x); }); break;
      case Value::Kind::timestamp: take(convert::parse_timestamp(s, false), [&](auto x) { v.set_timestamp(x); }); break;
      case Value::Kind::timestamptz: take(convert::parse_timestamp(s, true), [&](auto x) { v.set_timestamptz(x); }); break;
      case Value::Kind::bytes: take(convert::hex_decode(s), [&](const auto& x) { v.set_bytes(x); }); break;
      default: v.set_string(kind, s); break;
    }
    if (!ok) throw corrupt("bad value '" + s + "'");
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace sluice
