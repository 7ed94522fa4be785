#pragma once
// RAII around libpq, and the one place PostgreSQL errors become sluice::Error classes.
// libpq is used directly (not libpqxx) for single-row streaming reads with bound
// parameters and for COPY FROM STDIN written straight from a batch.
#include <libpq-fe.h>

#include <memory>
#include <string>
#include <vector>

#include "drivers/sql/session.h"
#include "sluice/pipeline.h"
#include "sluice/status.h"

namespace sluice::postgres {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

class Conn {
 public:
  explicit Conn(const ConnectionConfig& cfg);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  PGconn* get() const { return conn_; }
  // Runs SQL with text parameters (nullptr = NULL); throws a classified Error.
  Result exec(const std::string& sql, const std::vector<const char*>& params = {});
  // Runs exactly one statement (the extended protocol refuses a second one): for SQL
  // that holds text from the pipeline file, such as a query: or where:.
  Result exec_one(const std::string& sql);
  // Throws the classified Error for a failed result (or a lost connection).
  [[noreturn]] void raise(const PGresult* r, const std::string& what);
  const std::string& name() const { return name_; }

 private:
  PGconn* conn_ = nullptr;
  std::string name_;
};

// A Conn as the sql::Session that the shared SQL code (state table, run lock, target
// base) runs its statements through.
class PgSession final : public sql::Session {
 public:
  explicit PgSession(std::unique_ptr<Conn> conn) : conn_(std::move(conn)) {}
  Conn& conn() { return *conn_; }
  void exec(const std::string& sql) override { conn_->exec(sql); }
  void exec(const std::string& sql, const std::vector<std::string>& params) override;
  Rows query(const std::string& sql, const std::vector<std::string>& params) override;
  void rollback() noexcept override;

 private:
  std::unique_ptr<Conn> conn_;
};

// The classification, exposed for COPY paths that see results themselves.

}  // namespace sluice::postgres
