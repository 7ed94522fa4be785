#include "drivers/mysql/mariadb_conn.h"

#include <mysql.h>

#include <algorithm>
#include <cstring>

#include "drivers/mysql/mysql_conn.h"
#include "sluice/status.h"

namespace sluice::mysql {

CConn::CConn(const ConnectionConfig& cfg, bool local_infile) : name_(cfg.name) {
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
  const unsigned int infile = local_infile ? 1 : 0;
  mysql_optionsv(mysql_, MYSQL_OPT_LOCAL_INFILE, &infile);
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

namespace {

// A prepared statement with its text parameters bound (the server converts them to
// the columns' types, as with the C++ connector's setString): values never become SQL text.
class Prepared {
 public:
  Prepared(CConn& conn, const std::string& sql, const std::vector<std::string>& params) : conn_(conn) {
    stmt_ = mysql_stmt_init(conn.get());
    if (!stmt_) conn.raise("preparing " + sql.substr(0, 200));
    if (mysql_stmt_prepare(stmt_, sql.data(), sql.size())) conn.raise(stmt_, "preparing " + sql.substr(0, 200));
    if (mysql_stmt_param_count(stmt_) != params.size())
      throw Error(ErrorClass::internal, "statement takes " + std::to_string(mysql_stmt_param_count(stmt_)) + " parameters, " +
                                           std::to_string(params.size()) + " given: " + sql.substr(0, 200));
    binds_.resize(params.size());
    lengths_.resize(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
      std::memset(&binds_[i], 0, sizeof binds_[i]);
      lengths_[i] = params[i].size();
      binds_[i].buffer_type = MYSQL_TYPE_STRING;
      binds_[i].buffer = const_cast<char*>(params[i].data());
      binds_[i].buffer_length = lengths_[i];
      binds_[i].length = &lengths_[i];
    }
    if (!binds_.empty() && mysql_stmt_bind_param(stmt_, binds_.data())) conn.raise(stmt_, "binding " + sql.substr(0, 200));
    if (mysql_stmt_execute(stmt_)) conn.raise(stmt_, "running " + sql.substr(0, 200));
  }
  ~Prepared() { mysql_stmt_close(stmt_); }
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;

  // Every row of the result, each value as text (NULL as "").
  sql::Session::Rows rows(const std::string& what) {
    sql::Session::Rows out;
    MYSQL_RES* meta = mysql_stmt_result_metadata(stmt_);
    if (!meta) return out;
    const unsigned int n = mysql_num_fields(meta);
    mysql_free_result(meta);
    std::vector<MYSQL_BIND> result(n);
    std::vector<unsigned long> lengths(n);
    std::vector<my_bool> nulls(n);
    for (unsigned int i = 0; i < n; ++i) {
      std::memset(&result[i], 0, sizeof result[i]);
      result[i].buffer_type = MYSQL_TYPE_STRING;  // no buffer: lengths first, then each column fetched whole
      result[i].length = &lengths[i];
      result[i].is_null = &nulls[i];
    }
    if (mysql_stmt_bind_result(stmt_, result.data())) conn_.raise(stmt_, what);
    for (;;) {
      const int rc = mysql_stmt_fetch(stmt_);
      if (rc == MYSQL_NO_DATA) break;
      if (rc == 1) conn_.raise(stmt_, what);
      std::vector<std::string> row(n);
      for (unsigned int i = 0; i < n; ++i) {
        if (nulls[i] || lengths[i] == 0) continue;
        row[i].resize(lengths[i]);
        MYSQL_BIND one;
        std::memset(&one, 0, sizeof one);
        one.buffer_type = MYSQL_TYPE_STRING;
        one.buffer = row[i].data();
        one.buffer_length = lengths[i];
        if (mysql_stmt_fetch_column(stmt_, &one, i, 0)) conn_.raise(stmt_, what);
      }
      out.push_back(std::move(row));
    }
    return out;
  }

 private:
  CConn& conn_;
  MYSQL_STMT* stmt_ = nullptr;
  std::vector<MYSQL_BIND> binds_;
  std::vector<unsigned long> lengths_;
};

}  // namespace

void CSession::exec(const std::string& sql, const std::vector<std::string>& params) { Prepared(*conn_, sql, params); }

sql::Session::Rows CSession::query(const std::string& sql, const std::vector<std::string>& params) {
  Prepared st(*conn_, sql, params);
  return st.rows("reading " + sql.substr(0, 200));
}

void CSession::rollback() noexcept {
  try {
    conn_->exec("ROLLBACK");
  } catch (...) {
  }
}

}  // namespace sluice::mysql
