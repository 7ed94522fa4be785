#pragma once
// A MariaDB session over Connector/C itself (libmariadb, which mysql-connector-c++ is
// built on), for what the C++ connector cannot do: bulk array binding
// (COM_STMT_BULK_EXECUTE), true executemany. Opened with the options of Conn
// (mysql_conn.h): utf8mb4, UTC, strict SQL mode, the same TLS modes and the same
// refusal of a required-TLS session the server did not encrypt; errors classified by
// classify_mysql.
#include <memory>
#include <string>
#include <vector>

#include "drivers/sql/session.h"
#include "sluice/pipeline.h"

struct st_mysql;
struct st_mysql_stmt;

namespace sluice::mysql {

class CConn {
 public:
  // `local_infile`: the session may run LOAD DATA LOCAL INFILE (its sink installs the
  // handler that serves the rows); off, a server can never ask for a client file.
  explicit CConn(const ConnectionConfig& cfg, bool local_infile = false);
  ~CConn();
  CConn(const CConn&) = delete;
  CConn& operator=(const CConn&) = delete;

  st_mysql* get() { return mysql_; }
  const std::string& name() const { return name_; }
  // Whether the server executes parameter arrays (MariaDB 10.2 and later).
  bool bulk_supported();
  void exec(const std::string& sql);
  [[noreturn]] void raise(const std::string& what);
  [[noreturn]] void raise(st_mysql_stmt* stmt, const std::string& what);

 private:
  st_mysql* mysql_ = nullptr;
  std::string name_;
};

class CSession final : public sql::Session {
 public:
  explicit CSession(std::unique_ptr<CConn> conn) : conn_(std::move(conn)) {}
  CConn& conn() { return *conn_; }
  void exec(const std::string& sql) override { conn_->exec(sql); }
  void exec(const std::string& sql, const std::vector<std::string>& params) override;
  Rows query(const std::string& sql, const std::vector<std::string>& params) override;
  void rollback() noexcept override;

 private:
  std::unique_ptr<CConn> conn_;
};

}  // namespace sluice::mysql
