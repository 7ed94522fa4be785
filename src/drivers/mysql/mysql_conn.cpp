#include "drivers/mysql/mysql_conn.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

namespace sluice::mysql {

ErrorClass classify_mysql(int code) {
  switch (code) {
    // deadlock, lock wait timeout, server gone away, lost connection, refused,
    // cannot connect, too many connections, shutdown in progress, connection killed,
    // query interrupted, statement timeout, out of sync after a lost read
    case 1213: case 1205: case 2006: case 2013: case 2002: case 2003: case 1040: case 1053:
    case 1927: case 1317: case 1969: case 2014: case 2055: case 1158: case 1159: case 1160: case 1161:
      return ErrorClass::transient;
    case 1045: case 1044: case 1049: case 1698: case 2026: case 1251:
      return ErrorClass::connect;
    // duplicate key, NULL into NOT NULL, out of range, incorrect value, too long,
    // truncated, check constraint, foreign key, invalid JSON, invalid character string
    case 1062: case 1048: case 1264: case 1366: case 1406: case 1292: case 3819: case 4025:
    case 1451: case 1452: case 1265: case 3140: case 4038: case 1300: case 1416:
      return ErrorClass::data;
    case 1146: case 1054: case 1064: case 1051: case 1050: case 1142: case 1143:
      return ErrorClass::config;
    default:
      return ErrorClass::internal;
  }
}

void Conn::raise(const ::sql::SQLException& e, const std::string& what) const {
  std::string code = std::to_string(e.getErrorCode());
  throw Error(classify_mysql(e.getErrorCode()), name_ + ": " + what + ": " + e.what() + " (MySQL error " + code + ")", code);
}

Conn::Conn(const ConnectionConfig& cfg) : name_(cfg.name) {
  ::sql::ConnectOptionsMap opts;
  opts["hostName"] = ::sql::SQLString(cfg.host);
  opts["port"] = cfg.port ? cfg.port : 3306;
  opts["userName"] = ::sql::SQLString(cfg.user);
  opts["password"] = ::sql::SQLString(cfg.password);
  opts["schema"] = ::sql::SQLString(cfg.database);
  opts["OPT_CHARSET_NAME"] = ::sql::SQLString("utf8mb4");
  int timeout = std::max(1, static_cast<int>((cfg.connect_timeout.count() + 999) / 1000));
  opts["OPT_CONNECT_TIMEOUT"] = timeout;
  // Without a read timeout a dead server leaves a read hanging forever.
  opts["OPT_READ_TIMEOUT"] = 600;
  opts["OPT_WRITE_TIMEOUT"] = 600;
  opts["OPT_RECONNECT"] = false;
  const bool tls_wanted = cfg.tls.mode != TlsMode::disable;
  const bool tls_required = cfg.tls.mode == TlsMode::require || cfg.tls.mode == TlsMode::verify_ca ||
                            cfg.tls.mode == TlsMode::verify_full;
  if (tls_wanted) {
    // MariaDB Connector/C (under the Debian connector): sslEnforce asks for TLS even
    // without a CA (require); a CA makes it verify the certificate chain (verify-ca, and
    // require with a CA, as libpq does); sslVerify adds the host name check, which only
    // verify-full wants.
    if (tls_required) opts["sslEnforce"] = true;
    if (!cfg.tls.ca.empty()) opts["sslCA"] = ::sql::SQLString(cfg.tls.ca);
    if (!cfg.tls.cert.empty()) opts["sslCert"] = ::sql::SQLString(cfg.tls.cert);
    if (!cfg.tls.key.empty()) opts["sslKey"] = ::sql::SQLString(cfg.tls.key);
    if (cfg.tls.mode == TlsMode::verify_full) opts["sslVerify"] = true;
  } else {
    opts["OPT_SSL_MODE"] = 1;  // SSL_MODE_DISABLED
  }
  std::string where = "connection '" + cfg.name + "' (" + cfg.display() + ")";
  try {
    conn_.reset(::sql::mysql::get_mysql_driver_instance()->connect(opts));
  } catch (const ::sql::SQLException& e) {
    std::string msg = e.what();
    if (!cfg.password.empty())
      for (auto p = msg.find(cfg.password); p != std::string::npos; p = msg.find(cfg.password)) msg.replace(p, cfg.password.size(), "***");
    ErrorClass cls = classify_mysql(e.getErrorCode());
    if (cls != ErrorClass::transient) cls = ErrorClass::connect;
    throw Error(cls, where + ": " + msg + " (MySQL error " + std::to_string(e.getErrorCode()) + ")",
                std::to_string(e.getErrorCode()));
  }
  try {
    std::unique_ptr<::sql::Statement> st(conn_->createStatement());
    if (tls_required) {
      // The connector silently falls back to plaintext for most TLS options: check.
      std::unique_ptr<::sql::ResultSet> rs(st->executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'"));
      std::string cipher = rs->next() ? std::string(rs->getString(2)) : "";
      if (cipher.empty())
        throw Error(ErrorClass::connect, where + ": TLS is required (tls mode " +
                                             (cfg.tls.mode == TlsMode::require ? std::string("require") : std::string("verify")) +
                                             ") but the server did not encrypt the session; refusing to continue");
    }
    std::unique_ptr<::sql::ResultSet> v(st->executeQuery("SELECT VERSION()"));
    if (v->next()) mariadb_ = std::string(v->getString(1)).find("MariaDB") != std::string::npos;
    st->execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin");
    st->execute("SET time_zone = '+00:00'");
    st->execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO'");
    conn_->setAutoCommit(true);
  } catch (const ::sql::SQLException& e) {
    raise(e, "setting up the session");
  }
}

Conn::~Conn() {
  if (conn_) {
    try { conn_->close(); } catch (...) {}
  }
}

void Conn::exec(const std::string& sql) {
  try {
    std::unique_ptr<::sql::Statement> st(conn_->createStatement());
    st->execute(sql);
  } catch (const ::sql::SQLException& e) {
    raise(e, sql.substr(0, 120));
  }
}

void MySession::exec(const std::string& sql, const std::vector<std::string>& params) {
  try {
    std::unique_ptr<::sql::PreparedStatement> st(conn_->get().prepareStatement(sql));
    for (std::size_t i = 0; i < params.size(); ++i) st->setString(static_cast<unsigned>(i + 1), params[i]);
    st->execute();
  } catch (const ::sql::SQLException& e) {
    conn_->raise(e, sql.substr(0, 120));
  }
}

sql::Session::Rows MySession::query(const std::string& sql, const std::vector<std::string>& params) {
  Rows out;
  try {
    std::unique_ptr<::sql::PreparedStatement> st(conn_->get().prepareStatement(sql));
    for (std::size_t i = 0; i < params.size(); ++i) st->setString(static_cast<unsigned>(i + 1), params[i]);
    std::unique_ptr<::sql::ResultSet> rs(st->executeQuery());
    const unsigned n = rs->getMetaData()->getColumnCount();
    while (rs->next()) {
      std::vector<std::string> row;
      for (unsigned i = 1; i <= n; ++i) row.push_back(rs->isNull(i) ? std::string() : std::string(rs->getString(i)));
      out.push_back(std::move(row));
    }
  } catch (const ::sql::SQLException& e) {
    conn_->raise(e, sql.substr(0, 120));
  }
  return out;
}

void MySession::rollback() noexcept {
  try {
    conn_->exec("ROLLBACK");
  } catch (...) {
  }
}

}  // namespace sluice::mysql
