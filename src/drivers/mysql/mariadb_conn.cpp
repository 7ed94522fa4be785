#include "drivers/mysql/mariadb_conn.h"

#include <mysql.h>

#include <algorithm>

#include "drivers/mysql/mysql_conn.h"
#include "sluice/status.h"

namespace sluice::mysql {

CConn::CConn(const ConnectionConfig& cfg) : name_(cfg.name) {
  mysql_ = mysql_init(nullptr);
  if (!mysql_) throw Error(ErrorClass::internal, "connection '" + cfg.name + "': MariaDB Connector/C could not allocate a connection");
  const unsigned int timeout = static_cast<unsigned int>(std::max<long long>(1, (cfg.connect_timeout.count() + 999) / 1000));
  const unsigned int io_timeout = 600;  // a dead server must not leave a read hanging
  mysql_optionsv(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_optionsv(mysql_, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
  mysql_optionsv(mysql_, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
  mysql_optionsv(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  const my_bool no = 0, yes = 1;
  mysql_optionsv(mysql_, MYSQL_OPT_RECONNECT, &no);
  mysql_optionsv(mysql_, MYSQL_OPT_LOCAL_INFILE, &no);  // a server can never ask for a client file
  // The TLS options of Conn, as the C++ connector hands them to Connector/C.
  const bool tls_required = cfg.tls.mode == TlsMode::require || cfg.tls.mode == TlsMode::verify_ca || cfg.tls.mode == TlsMode::verify_full;
  if (cfg.tls.mode != TlsMode::disable) {
    if (tls_required) mysql_optionsv(mysql_, MYSQL_OPT_SSL_ENFORCE, &yes);
    if (!cfg.tls.ca.empty()) mysql_optionsv(mysql_, MYSQL_OPT_SSL_CA, cfg.tls.ca.c_str());
    if (!cfg.tls.cert.empty()) mysql_optionsv(mysql_, MYSQL_OPT_SSL_CERT, cfg.tls.cert.c_str());
    if (!cfg.tls.key.empty()) mysql_optionsv(mysql_, MYSQL_OPT_SSL_KEY, cfg.tls.key.c_str());
    if (cfg.tls.mode == TlsMode::verify_full) mysql_optionsv(mysql_, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &yes);
  }
  const std::string where = "connection '" + cfg.name + "' (" + cfg.display() + ")";
  if (!mysql_real_connect(mysql_, cfg.host.c_str(), cfg.user.c_str(), cfg.password.c_str(), cfg.database.c_str(),
                          static_cast<unsigned int>(cfg.port ? cfg.port : 3306), nullptr, 0)) {
    std::string msg = mysql_error(mysql_);
    const int code = static_cast<int>(mysql_errno(mysql_));
    mysql_close(mysql_);
    mysql_ = nullptr;
    if (!cfg.password.empty())
      for (auto p = msg.find(cfg.password); p != std::string::npos; p = msg.find(cfg.password)) msg.replace(p, cfg.password.size(), "***");
    ErrorClass cls = classify_mysql(code);
    if (cls != ErrorClass::transient) cls = ErrorClass::connect;
    throw Error(cls, where + ": " + msg + " (MySQL error " + std::to_string(code) + ")", std::to_string(code));
  }
  if (tls_required && !mysql_get_ssl_cipher(mysql_)) {
    mysql_close(mysql_);
    mysql_ = nullptr;
    throw Error(ErrorClass::connect, where + ": TLS is required (tls mode " +
                                         (cfg.tls.mode == TlsMode::require ? std::string("require") : std::string("verify")) +
                                         ") but the server did not encrypt the session; refusing to continue");
  }
  exec("SET NAMES utf8mb4 COLLATE utf8mb4_bin");
  exec("SET time_zone = '+00:00'");
  exec("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO'");
}

CConn::~CConn() {
  if (mysql_) mysql_close(mysql_);
}

bool CConn::bulk_supported() {
  unsigned long long caps = 0;
  if (mariadb_get_infov(mysql_, MARIADB_CONNECTION_EXTENDED_SERVER_CAPABILITIES, &caps)) return false;
  return (caps & (MARIADB_CLIENT_STMT_BULK_OPERATIONS >> 32)) != 0;
}

void CConn::raise(const std::string& what) {
  const int code = static_cast<int>(mysql_errno(mysql_));
  throw Error(classify_mysql(code), name_ + ": " + what + ": " + mysql_error(mysql_) + " (MySQL error " + std::to_string(code) + ")",
              std::to_string(code));
}

void CConn::raise(MYSQL_STMT* stmt, const std::string& what) {
  const int code = static_cast<int>(mysql_stmt_errno(stmt));
  throw Error(classify_mysql(code), name_ + ": " + what + ": " + mysql_stmt_error(stmt) + " (MySQL error " + std::to_string(code) + ")",
              std::to_string(code));
}

void CConn::exec(const std::string& sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size())) raise("running " + sql.substr(0, 200));
  // A statement that returns rows (SELECT GET_LOCK) has its result read and dropped.
  if (MYSQL_RES* r = mysql_store_result(mysql_)) mysql_free_result(r);
}

std::string CConn::with_literals(const std::string& sql, const std::vector<std::string>& params) {
  std::string out;
  std::size_t next = 0;
  bool quoted = false;
  char quote = 0;
  for (char c : sql) {
    // Markers inside quoted text or identifiers are text, not markers.
    if (quoted) {
      out += c;
      if (c == quote) quoted = false;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') { quoted = true; quote = c; out += c; continue; }
    if (c != '?') { out += c; continue; }
    if (next >= params.size()) throw Error(ErrorClass::internal, "more ? markers than parameters in " + sql.substr(0, 200));
    const std::string& p = params[next++];
    std::string escaped(p.size() * 2 + 1, '\0');
    const unsigned long n = mysql_real_escape_string(mysql_, escaped.data(), p.data(), p.size());
    out += '\'';
    out.append(escaped.data(), n);
    out += '\'';
  }
  return out;
}

void CSession::exec(const std::string& sql, const std::vector<std::string>& params) { conn_->exec(conn_->with_literals(sql, params)); }

sql::Session::Rows CSession::query(const std::string& sql, const std::vector<std::string>& params) {
  const std::string text = conn_->with_literals(sql, params);
  MYSQL* m = conn_->get();
  if (mysql_real_query(m, text.data(), text.size())) conn_->raise("running " + sql.substr(0, 200));
  Rows rows;
  MYSQL_RES* r = mysql_store_result(m);
  if (!r) {
    if (mysql_field_count(m) != 0) conn_->raise("reading " + sql.substr(0, 200));
    return rows;
  }
  const unsigned int n = mysql_num_fields(r);
  while (MYSQL_ROW row = mysql_fetch_row(r)) {
    const unsigned long* lengths = mysql_fetch_lengths(r);
    std::vector<std::string> out;
    for (unsigned int i = 0; i < n; ++i) out.push_back(row[i] ? std::string(row[i], lengths[i]) : std::string());
    rows.push_back(std::move(out));
  }
  mysql_free_result(r);
  return rows;
}

void CSession::rollback() noexcept {
  try {
    conn_->exec("ROLLBACK");
  } catch (...) {
  }
}

}  // namespace sluice::mysql
