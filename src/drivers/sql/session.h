#pragma once
// The little a shared piece of SQL code needs from a driver's session: run a statement,
// run a query with text parameters, end a transaction without throwing. Each driver's
// connection class implements it over its own library and raises classified
// sluice::Errors; state_table, server_lock and sql_target are written once against it.
#include <string>
#include <vector>

namespace sluice::sql {

// How a boolean a server returned reads as text: PostgreSQL "t", MySQL and SQLite "1".
inline bool text_is_true(const std::string& v) { return v == "1" || v == "t" || v == "true"; }

class Session {
 public:
  using Rows = std::vector<std::vector<std::string>>;  // NULL reads as ""

  virtual ~Session() = default;
  virtual void exec(const std::string& sql) = 0;
  // Parameters are text; the server converts them to the columns' types.
  virtual void exec(const std::string& sql, const std::vector<std::string>& params) = 0;
  virtual Rows query(const std::string& sql, const std::vector<std::string>& params) = 0;
  // Opens and ends a transaction. Servers take SQL text for it; an ODBC session ends
  // transactions through its driver (SQLEndTran), never by statement.
  virtual void begin(const std::string& begin_sql) { exec(begin_sql); }
  virtual void commit() { exec("COMMIT"); }
  // Ends the open transaction, if any; never throws (the session may be gone).
  virtual void rollback() noexcept = 0;
};

}  // namespace sluice::sql
