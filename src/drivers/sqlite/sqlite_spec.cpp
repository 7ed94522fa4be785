// The SQLite driver as the config loader and the runner know it.
#include "core/driver_spec.h"
#include "drivers/spec_checks.h"
#include "drivers/sqlite/sqlite_dialect.h"

namespace sluice::sqlite {

std::unique_ptr<Connection> connect(const ConnectionConfig& cfg);

DriverSpec driver_spec() {
  DriverSpec s;
  s.name = "sqlite";
  s.title = "SQLite";
  s.url_schemes = {"sqlite"};
  s.url_form = UrlForm::path;
  s.keys = {"path"};
  s.can.schemas = false;
  s.can.concurrent_writes = false;
  s.path_prefix = "sqlite:";
  s.names = &names;
  s.validate = drivers::check_path;
  s.connect = connect;
  return s;
}

}  // namespace sluice::sqlite
