#include "sluice/pipeline.h"

#include "core/driver_spec.h"
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

const char* to_string(OnSchemaChange c) {
  switch (c) {
    case OnSchemaChange::fail: return "fail";
    case OnSchemaChange::add_columns: return "add_columns";
    case OnSchemaChange::ignore: return "ignore";
  }
  return "?";
}

std::string ConnectionConfig::display() const {
  if (const DriverSpec* spec = find_driver(driver)) {
    if (spec->display) return spec->display(*this);
    if (spec->url_form == UrlForm::path) return spec->path_prefix + path;
  }
  std::string s = driver + "://";
  if (!user.empty()) s += user + (password.empty() ? "" : ":***") + "@";
  s += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port) s += ":" + std::to_string(port);
  s += "/" + database;
  return s;
}

}  // namespace sluice
