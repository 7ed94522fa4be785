#include "sluice/pipeline.h"

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

}  // namespace sluice
