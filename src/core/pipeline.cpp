#include "sluice/pipeline.h"

#include <nlohmann/json.hpp>

#include "sluice/registry.h"
#include "sluice/sink.h"
#include "sluice/status.h"

namespace sluice {

std::string SourceLocation::display() const {
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

const char* to_string(LoadMode m) {
  switch (m) {
    case LoadMode::append: return "append";
    case LoadMode::truncate: return "truncate";
    case LoadMode::replace: return "replace";
    case LoadMode::upsert: return "upsert";
  }
  return "?";
}

const char* to_string(CreateMode m) {
  switch (m) {
    case CreateMode::if_missing: return "if_missing";
    case CreateMode::never: return "never";
    case CreateMode::always: return "always";
  }
  return "?";
}

std::string ConnectionConfig::display() const {
  if (driver == "sqlite") return "sqlite:" + path;
  if (driver == "csv") return "csv://" + path;
  std::string s = driver + "://";
  if (!user.empty()) s += user + (password.empty() ? "" : ":***") + "@";
  s += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port) s += ":" + std::to_string(port);
  s += "/" + database;
  return s;
}

namespace {
// Stable names for checkpoint keys: saved state must read back after an upgrade.
const char* const kKeyKinds[] = {"null", "bool", "int", "uint", "float", "decimal", "text",
                                 "bytes", "date", "time", "timestamp", "timestamptz", "json", "uuid"};

Value::Kind key_kind(const std::string& name) {
  for (std::size_t i = 0; i < std::size(kKeyKinds); ++i)
    if (name == kKeyKinds[i]) return static_cast<Value::Kind>(i);
  throw_internal("corrupt checkpoint key: unknown kind '" + name + "'");
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
  auto arr = nlohmann::json::parse(text, nullptr, false);
  if (!arr.is_array()) throw_internal("corrupt checkpoint key: " + text);
  for (const auto& item : arr) {
    if (!item.is_array() || item.size() != 2) throw_internal("corrupt checkpoint key: " + text);
    auto kind = key_kind(item[0].get<std::string>());
    std::string s = item[1].get<std::string>();
    Value v;
    switch (kind) {
      case Value::Kind::null: break;
      case Value::Kind::boolean: v.set_bool(s == "true"); break;
      case Value::Kind::int64: v.set_int(*convert::parse_int(s)); break;
      case Value::Kind::uint64: v.set_uint(*convert::parse_uint(s)); break;
      case Value::Kind::float64: v.set_double(*convert::parse_double(s)); break;
      case Value::Kind::date: v.set_date(*convert::parse_date(s)); break;
      case Value::Kind::time: v.set_time(*convert::parse_time(s)); break;
      case Value::Kind::timestamp: v.set_timestamp(*convert::parse_timestamp(s, false)); break;
      case Value::Kind::timestamptz: v.set_timestamptz(*convert::parse_timestamp(s, true)); break;
      case Value::Kind::bytes: v.set_bytes(*convert::hex_decode(s)); break;
      default: v.set_string(kind, s); break;
    }
    out.push_back(std::move(v));
  }
  return out;
}

void DriverRegistry::add(const std::string& name, Factory factory) { factories_[name] = std::move(factory); }

std::vector<std::string> DriverRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [k, _] : factories_) out.push_back(k);
  return out;
}

std::unique_ptr<Connection> DriverRegistry::connect(const ConnectionConfig& cfg) const {
  auto it = factories_.find(cfg.driver);
  if (it == factories_.end())
    throw Error(ErrorClass::config, "connection '" + cfg.name + "': driver '" + cfg.driver + "' is not built into this sluice");
  return it->second(cfg);
}

}  // namespace sluice
