#pragma once
// A private ODBC configuration for the tests: odbcinst.ini registering Debian's
// PostgreSQL, MariaDB and SQLite ODBC drivers by path, and odbc.ini with a DSN for each
// test server, in a temporary folder that ODBCSYSINI/ODBCINI point at (inherited by
// the sluice processes the tests start). Nothing of the machine's ODBC setup is used.
#include <cstdlib>
#include <string>

#include "support/temp_dir.h"

namespace sluice::test {

struct ServerAddress {
  std::string user, password, host, port, database;
};

// postgres://user:password@host:port/database
inline ServerAddress parse_server_url(const std::string& url) {
  ServerAddress a;
  std::string rest = url.substr(url.find("://") + 3);
  auto at = rest.rfind('@');
  std::string userinfo = rest.substr(0, at);
  rest = rest.substr(at + 1);
  a.user = userinfo.substr(0, userinfo.find(':'));
  a.password = userinfo.substr(userinfo.find(':') + 1);
  auto slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  a.database = rest.substr(slash + 1);
  a.host = hostport.substr(0, hostport.rfind(':'));
  a.port = hostport.substr(hostport.rfind(':') + 1);
  return a;
}

// unixODBC caches the ini files it has read for the life of the process: one
// configuration serves every test of a test binary (see odbc_config()).
class OdbcConfig {
 public:
  static constexpr const char* kDriverDir = "/usr/lib/x86_64-linux-gnu/odbc/";

  // DSNs "sluice_pg" and "sluice_my" (without credentials: pipelines give user and
  // password, so that their redaction is tested too).
  OdbcConfig(const std::string& pg_url, const std::string& my_url) {
    write_file(dir_.file("odbcinst.ini"), std::string("[PostgreSQL Unicode]\nDriver=") + kDriverDir + "psqlodbcw.so\n\n"
                                          "[MariaDB Unicode]\nDriver=" + kDriverDir + "libmaodbc.so\n\n"
                                          "[SQLite3]\nDriver=" + kDriverDir + "libsqlite3odbc.so\n");
    const auto pg = parse_server_url(pg_url), my = parse_server_url(my_url);
    write_file(dir_.file("odbc.ini"), "[sluice_pg]\nDriver=PostgreSQL Unicode\nServername=" + pg.host + "\nPort=" + pg.port +
                                          "\nDatabase=" + pg.database + "\n\n"
                                          "[sluice_my]\nDriver=MariaDB Unicode\nServer=" + my.host + "\nPort=" + my.port +
                                          "\nDatabase=" + my.database + "\nCHARSET=utf8mb4\n");
    ::setenv("ODBCSYSINI", dir_.path().c_str(), 1);
    ::setenv("ODBCINI", dir_.file("odbc.ini").c_str(), 1);
    pg_ = pg;
    my_ = my;
  }
  OdbcConfig(const OdbcConfig&) = delete;
  OdbcConfig& operator=(const OdbcConfig&) = delete;

  // A connection's YAML flow mapping for the DSN, credentials as fields.
  std::string pg_connection() const { return "{url: \"odbc://sluice_pg\", user: " + pg_.user + ", password: " + pg_.password + "}"; }
  std::string my_connection() const { return "{url: \"odbc://sluice_my\", user: " + my_.user + ", password: " + my_.password + "}"; }
  // The same PostgreSQL server by connection string, without a DSN.
  std::string pg_connection_string() const {
    return "{connection_string: \"Driver={PostgreSQL Unicode};Servername=" + pg_.host + ";Port=" + pg_.port + ";Database=" + pg_.database +
           ";UID=" + pg_.user + ";PWD=" + pg_.password + "\"}";
  }
  std::string sqlite_connection(const std::string& file) const {
    return "{connection_string: \"Driver={SQLite3};Database=" + file + "\"}";
  }

 private:
  TempDir dir_;
  ServerAddress pg_, my_;
};

// The process's ODBC configuration, written on first use.
inline const OdbcConfig& odbc_config(const std::string& pg_url, const std::string& my_url) {
  static const OdbcConfig config(pg_url, my_url);
  return config;
}

}  // namespace sluice::test
