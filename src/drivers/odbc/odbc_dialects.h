#pragma once
// Which Dialect an ODBC connection speaks, and the statements that set a session up
// the way sluice's native drivers set theirs (UTC, strict modes) and open a read-only
// snapshot for a source. PostgreSQL, MySQL/MariaDB and SQLite reuse their native
// dialects; SQL Server and Oracle have their own; anything else gets plain ANSI SQL.
#include <memory>
#include <string>
#include <vector>

#include "drivers/odbc/odbc_conn.h"
#include "drivers/sql/dialect.h"

namespace sluice::odbc {

std::unique_ptr<sql::Dialect> make_dialect(Dbms dbms);
const char* dbms_title(Dbms dbms);

// Run once after connecting, in autocommit.
std::vector<std::string> session_setup(Dbms dbms);
// Run first in a source's transaction (autocommit off): a consistent, read-only snapshot.
std::vector<std::string> read_only_snapshot(Dbms dbms);
// Connection-string attributes that make a source's driver stream its result instead of
// holding all of it in memory (psqlODBC's declare/fetch), unless the
// connection string already sets them.
std::string streaming_attributes(Dbms dbms, const std::string& connection_string);
// Rows per query for drivers that hold a whole result in client memory whatever they
// are told (MariaDB Connector/ODBC 3.1): a keyed extract is then read in pages, each
// continuing after the last key of the one before, inside the same snapshot. 0: one query.
std::size_t page_rows(Dbms dbms);
// Rows per SQLExecute of a sink's parameter arrays. SQLite's ODBC driver reads the
// lengths of binary parameters wrongly past the first row of an array (an empty blob
// became the width of the longest), so it gets one row per execute (in process, cheap).
std::size_t rows_per_execute(Dbms dbms);
// One row, one column: the schema (MySQL: database) unqualified names resolve in; empty
// where the database has none (SQLite).
std::string current_schema_query(Dbms dbms);
// MySQL's databases are ODBC catalogs; elsewhere a schema is an ODBC schema.
inline bool schema_is_catalog(Dbms dbms) { return dbms == Dbms::mysql || dbms == Dbms::mariadb; }

// Standard SQL for a database sluice has no dialect for: "double quotes", ? markers,
// no upsert, no run lock (the run is refused when another target can't guard it).
class AnsiDialect final : public sql::Dialect {
 public:
  const ident::NameRule& names() const override;
  std::string type_sql(const TypeInfo& t) const override;
  TypeInfo created_type(const TypeInfo& t) const override;
  std::string drop_table_if_exists(const TableRef& t) const override { return "DROP TABLE " + quote_table(t); }
  std::string create_schema_if_missing(const std::string& schema) const override { return "CREATE SCHEMA " + quote(schema); }
  // SQL:2003 MERGE.
  std::string upsert(const TableRef& table, const std::vector<std::string>& columns, const std::vector<std::string>& key,
                     const std::vector<std::string>& values) const override;
  std::string table_exists() const override;
  std::string state_table_ddl() const override;
};

}  // namespace sluice::odbc
