#pragma once
// One ODBC connection (environment + connection handle) and the sql::Session over it.
//
// Sessions start in autocommit, as a native session does; a transaction turns
// autocommit off and ends with SQLEndTran, never with COMMIT text the driver may not
// track. The server is recognised from SQL_DBMS_NAME (or the connection's dialect: key)
// and set up as the native drivers set up theirs (UTC, strict modes).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/odbc/odbc_api.h"
#include "drivers/sql/session.h"
#include "sluice/pipeline.h"

namespace sluice::odbc {

enum class Dbms { postgres, mysql, mariadb, sqlite, sqlserver, oracle, other };

// The server behind a connection: from the dialect: key when given, else SQL_DBMS_NAME.
Dbms dbms_from(const std::string& dialect_key, const std::string& dbms_name);

class Conn {
 public:
  // `extra`: attributes appended to the connection string (a source's streaming options).
  explicit Conn(const ConnectionConfig& cfg, const std::string& extra = {});
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;

  SQLHDBC dbc() const { return dbc_.get(); }
  const std::string& name() const { return name_; }
  const std::string& dbms_name() const { return dbms_name_; }
  Dbms dbms() const { return dbms_; }

  // A statement handle of this connection.
  Handle statement() { return Handle(SQL_HANDLE_STMT, dbc_.get()); }
  void exec(const std::string& sql);
  void begin();
  void end(bool commit);
  bool in_transaction() const { return in_tx_; }
  SQLUINTEGER info_bits(SQLUSMALLINT what);

  // "connection 'x': <what>: [state] message", classified.
  [[noreturn]] void raise(const Handle& h, const std::string& what) const;

 private:
  std::string name_;
  Handle env_, dbc_;
  bool connected_ = false, in_tx_ = false;
  std::string dbms_name_;
  Dbms dbms_ = Dbms::other;
};

// One result's rows, NULL as nullopt, every value read as text (catalog calls, queries).
using Cells = std::vector<std::optional<std::string>>;
std::vector<Cells> fetch_all(Conn& conn, Handle& stmt, const std::string& what);

// Binds text parameters for SQLExecute (the server converts them); `keep` holds the
// wide strings and lengths until the statement ran.
struct TextParams {
  std::vector<WString> values;
  std::vector<SQLLEN> lengths;
};
void bind_text(Conn& conn, Handle& stmt, const std::vector<std::string>& params, TextParams& keep);

class OdbcSession final : public sql::Session {
 public:
  explicit OdbcSession(std::unique_ptr<Conn> conn) : conn_(std::move(conn)) {}
  Conn& conn() { return *conn_; }
  void exec(const std::string& sql) override { conn_->exec(sql); }
  void exec(const std::string& sql, const std::vector<std::string>& params) override;
  Rows query(const std::string& sql, const std::vector<std::string>& params) override;
  void begin(const std::string&) override { conn_->begin(); }
  void commit() override { conn_->end(true); }
  void rollback() noexcept override;
  // The query's rows with NULLs told apart.
  std::vector<Cells> cells(const std::string& sql, const std::vector<std::string>& params);

 private:
  std::unique_ptr<Conn> conn_;
};

}  // namespace sluice::odbc
