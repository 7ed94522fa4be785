// The PostgreSQL driver as the config loader and the runner know it.
#include "core/driver_spec.h"
#include "drivers/postgres/pg_dialect.h"
#include "drivers/spec_checks.h"

namespace sluice::postgres {

std::unique_ptr<Connection> connect(const ConnectionConfig& cfg);

DriverSpec driver_spec() {
  DriverSpec s;
  s.name = "postgres";
  s.title = "PostgreSQL";
  s.url_schemes = {"postgres", "postgresql"};
  s.url_form = UrlForm::server;
  s.keys = {"host", "port", "database", "user", "password", "password_file", "tls"};
  s.default_port = 5432;
  s.default_schema = "public";
  s.names = &names;
  s.validate = drivers::check_server;
  s.connect = connect;
  return s;
}

}  // namespace sluice::postgres
