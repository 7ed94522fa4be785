#include "drivers/odbc/sqlserver_dialect.h"

#include "drivers/odbc/merge.h"

#include <algorithm>

#include "drivers/odbc/odbc_types.h"

namespace sluice::odbc {

const ident::NameRule& sqlserver_names() {
  static const ident::NameRule rule{"SQL Server", 128, false, true, false, 200};
  return rule;
}

const ident::NameRule& SqlServerDialect::names() const { return sqlserver_names(); }

std::string SqlServerDialect::quote(const std::string& ident) const {
  std::string out = "[";
  for (char c : ident) out += c == ']' ? std::string("]]") : std::string(1, c);
  return out + "]";
}

std::string SqlServerDialect::type_sql(const TypeInfo& t) const {
  const auto n = [](const char* name, int len, int max, const char* beyond) {
    return len > 0 && len <= max ? std::string(name) + "(" + std::to_string(len) + ")" : std::string(beyond);
  };
  switch (t.id) {
    case TypeId::boolean: return "BIT";
    // TINYINT is 0..255 in SQL Server.
    case TypeId::int8: return t.is_unsigned ? "TINYINT" : "SMALLINT";
    case TypeId::int16: return t.is_unsigned ? "INT" : "SMALLINT";
    case TypeId::int32: return t.is_unsigned ? "BIGINT" : "INT";
    case TypeId::int64: return t.is_unsigned ? "DECIMAL(20,0)" : "BIGINT";
    case TypeId::decimal:
      // No unconstrained decimal: the widest, and a value that does not fit is an error.
      if (t.precision <= 0 || t.precision > 38) return "DECIMAL(38,10)";
      return "DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case TypeId::float32: return "REAL";
    case TypeId::float64: return "FLOAT";
    case TypeId::char_: return n("NCHAR", t.length, 4000, "NVARCHAR(MAX)");
    case TypeId::varchar: return n("NVARCHAR", t.length, 4000, "NVARCHAR(MAX)");
    case TypeId::text: case TypeId::json: return "NVARCHAR(MAX)";
    case TypeId::enum_: return "NVARCHAR(255)";
    case TypeId::bytes: return n("VARBINARY", t.length, 8000, "VARBINARY(MAX)");
    case TypeId::date: return "DATE";
    case TypeId::time: return "TIME(6)";
    case TypeId::timestamp: return "DATETIME2(6)";
    case TypeId::timestamptz: return "DATETIMEOFFSET(6)";
    case TypeId::uuid: return "UNIQUEIDENTIFIER";
  }
  return "NVARCHAR(MAX)";
}

TypeInfo SqlServerDialect::created_type(const TypeInfo& t) const {
  const std::string sql = type_sql(t);
  int a = 0, b = 0;
  sql::type_args(sql, a, b);
  const bool max = sql.find("(MAX)") != std::string::npos;
  return type_from_sqlserver(sql.substr(0, sql.find('(')), max ? 0 : a, b);
}

std::optional<std::string> SqlServerDialect::default_sql(const ColumnDefault& d, const TypeInfo& t) const {
  using K = ColumnDefault::Kind;
  if (d.kind == K::uuid) return t.id == TypeId::uuid ? std::optional<std::string>("NEWID()") : std::nullopt;
  if (d.kind == K::current_timestamp && (t.id == TypeId::timestamp || t.id == TypeId::timestamptz))
    return std::string(t.id == TypeId::timestamptz ? "SYSDATETIMEOFFSET()" : "SYSDATETIME()");
  if (d.kind == K::current_date && t.id == TypeId::date) return std::string("CAST(GETDATE() AS DATE)");
  if (d.kind == K::current_time && t.id == TypeId::time) return std::string("CAST(SYSDATETIME() AS TIME)");
  if (d.kind == K::current_date || d.kind == K::current_time) return std::nullopt;
  return Dialect::default_sql(d, t);
}

std::optional<std::string> SqlServerDialect::identity_sql(const Column& c, const std::vector<std::string>&) const {
  if (is_integer(c.type.id) || (c.type.id == TypeId::decimal && c.type.scale == 0 && c.type.precision > 0)) return "IDENTITY(1,1)";
  return std::nullopt;
}

std::string SqlServerDialect::add_column(const TableRef& t, const std::string& column, const std::string& type_sql) const {
  return "ALTER TABLE " + quote_table(t) + " ADD " + quote(column) + " " + type_sql;
}

std::string SqlServerDialect::drop_table_if_exists(const TableRef& t) const { return "DROP TABLE IF EXISTS " + quote_table(t); }

std::string SqlServerDialect::create_schema_if_missing(const std::string& schema) const {
  return "IF SCHEMA_ID(" + string_literal(schema) + ") IS NULL EXEC(" + string_literal("CREATE SCHEMA " + quote(schema)) + ")";
}

// DDL is transactional here: the drop and the rename commit with the last rows.
std::vector<std::string> SqlServerDialect::swap_staging(const TableRef& live, const TableRef& staging) const {
  return {drop_table_if_exists(live), "EXEC sp_rename " + string_literal(quote_table(staging)) + ", " + string_literal(live.name)};
}

std::optional<std::pair<std::string, std::vector<std::string>>> SqlServerDialect::swap_dependents(const TableRef& live) const {
  return std::make_pair(
      std::string("SELECT N'foreign key ' + fk.name + N' of ' + OBJECT_SCHEMA_NAME(fk.parent_object_id) + N'.' + "
                  "OBJECT_NAME(fk.parent_object_id) FROM sys.foreign_keys fk WHERE fk.referenced_object_id = OBJECT_ID(?) "
                  "AND fk.parent_object_id <> fk.referenced_object_id "
                  "UNION SELECT N'view ' + OBJECT_SCHEMA_NAME(d.referencing_id) + N'.' + OBJECT_NAME(d.referencing_id) "
                  "FROM sys.sql_expression_dependencies d JOIN sys.views v ON v.object_id = d.referencing_id "
                  "WHERE d.referenced_id = OBJECT_ID(?) AND OBJECTPROPERTY(v.object_id, 'IsSchemaBound') = 1 ORDER BY 1"),
      std::vector<std::string>{quote_table(live), quote_table(live)});
}

std::string SqlServerDialect::upsert(const TableRef& table, const std::vector<std::string>& columns, const std::vector<std::string>& key,
                                     const std::vector<std::string>& values) const {
  // HOLDLOCK: without it two concurrent MERGEs can both miss the row and both insert.
  return merge_upsert(*this, table, columns, key, values, {" WITH (HOLDLOCK) AS sluice_t", " AS sluice_s", "", ";"});
}

std::string SqlServerDialect::state_table_ddl() const {
  return "IF OBJECT_ID(N'sluice_state', N'U') IS NULL CREATE TABLE sluice_state (pipeline NVARCHAR(200) NOT NULL, "
         "step NVARCHAR(200) NOT NULL, run_id NVARCHAR(64) NOT NULL, last_key NVARCHAR(MAX) NOT NULL, rows_committed BIGINT NOT NULL, "
         "completed BIT NOT NULL, updated_at DATETIME2(6) NOT NULL, PRIMARY KEY (pipeline, step))";
}

// A session-owned application lock: the server releases it with the session.
std::optional<std::string> SqlServerDialect::try_session_lock() const {
  return "SET NOCOUNT ON; DECLARE @n NVARCHAR(255) = N'sluice:' + CONVERT(NVARCHAR(64), HASHBYTES('SHA2_256', CAST(? AS NVARCHAR(4000))), 2); "
         "DECLARE @r INT; EXEC @r = sp_getapplock @Resource = @n, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0; "
         "SELECT CASE WHEN @r >= 0 THEN 1 ELSE 0 END";
}

std::string SqlServerDialect::lock_table_ddl() const {
  return "IF OBJECT_ID(N'sluice_lock', N'U') IS NULL CREATE TABLE sluice_lock (pipeline NVARCHAR(200) PRIMARY KEY, "
         "holder NVARCHAR(MAX) NOT NULL, since DATETIME2(6) NOT NULL)";
}

}  // namespace sluice::odbc
