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
  s.keys = {"host", "port", "database", "user", "password", "password_file", "tls", "write_method"};
  s.default_port = 3306;
  s.schema_is_database = true;
  s.names = &names;
  s.validate = [](ConnectionBlock& block, ConnectionConfig& cfg) {
    drivers::check_server(block, cfg);
    // How rows are written: MariaDB's bulk array binding where the server has it,
    // LOAD DATA LOCAL INFILE from memory, or multi-row prepared INSERTs (MySQL servers,
    // and on request).
    if (block.has("write_method"))
      if (auto v = block.text("write_method")) {
        if (*v != "bulk" && *v != "load_data" && *v != "insert")
          block.error("write_method", block.where() + ": write_method must be bulk, load_data or insert, not '" + *v + "'");
        else cfg.options["write_method"] = *v;
      }
  };
  s.connect = connect;
  return s;
}

}  // namespace sluice::mysql
