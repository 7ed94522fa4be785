#pragma once
// A MySQL/MariaDB session over mysql-connector-c++ 1.1, and the one place its
// exceptions become sluice::Error classes.
//
// Sessions run with utf8mb4, time_zone '+00:00' (TIMESTAMP values read and written as
// UTC) and strict SQL mode (out-of-range or truncated values are errors, not warnings).
// The connector's reconnect is never used: a lost session means a new Conn and a resume
// from the checkpoint.
#include <memory>
#include <string>
#include <vector>

#include "drivers/sql/session.h"
#include "sluice/pipeline.h"
#include "sluice/status.h"

namespace sql {
class Connection;
class SQLException;
}  // namespace sql

namespace sluice::mysql {

class Conn {
 public:
  explicit Conn(const ConnectionConfig& cfg);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  ::sql::Connection& get() { return *conn_; }
  void exec(const std::string& sql);
  bool is_mariadb() const { return mariadb_; }
  const std::string& name() const { return name_; }
  [[noreturn]] void raise(const ::sql::SQLException& e, const std::string& what) const;

 private:
  std::unique_ptr<::sql::Connection> conn_;
  std::string name_;
  bool mariadb_ = false;
};

// A Conn as the sql::Session that the shared SQL code runs its statements through.
class MySession final : public sql::Session {
 public:
  explicit MySession(std::unique_ptr<Conn> conn) : conn_(std::move(conn)) {}
  Conn& conn() { return *conn_; }
  void exec(const std::string& sql) override { conn_->exec(sql); }
  void exec(const std::string& sql, const std::vector<std::string>& params) override;
  Rows query(const std::string& sql, const std::vector<std::string>& params) override;
  void rollback() noexcept override;

 private:
  std::unique_ptr<Conn> conn_;
};

ErrorClass classify_mysql(int code);

}  // namespace sluice::mysql
