// The MySQL/MariaDB driver as the config loader and the runner know it.
#include "core/driver_spec.h"
#include "drivers/mysql/mysql_dialect.h"
#include "drivers/spec_checks.h"

namespace sluice::mysql {

std::unique_ptr<Connection> connect(const ConnectionConfig& cfg);

DriverSpec driver_spec() {
  DriverSpec s;
  s.name = "mysql";
  s.title = "MySQL";
  s.url_schemes = {"mysql", "mariadb"};
  s.url_form = UrlForm::server;
  s.keys = {"host", "port", "database", "user", "password", "password_file", "tls"};
  s.default_port = 3306;
  s.schema_is_database = true;
  s.names = &names;
  s.validate = drivers::check_server;
  s.connect = connect;
  return s;
}

}  // namespace sluice::mysql
