#include "drivers/odbc/odbc_dialects.h"

#include <algorithm>

#include "drivers/mysql/mysql_dialect.h"
#include "drivers/odbc/odbc_types.h"
#include "drivers/odbc/oracle_dialect.h"
#include "drivers/odbc/sqlserver_dialect.h"
#include "drivers/postgres/pg_dialect.h"
#include "drivers/sqlite/sqlite_dialect.h"

namespace sluice::odbc {

std::unique_ptr<sql::Dialect> make_dialect(Dbms dbms) {
  switch (dbms) {
    case Dbms::postgres: return std::make_unique<postgres::PgDialect>(false);
    case Dbms::mysql: return std::make_unique<mysql::MysqlDialect>(false);
    case Dbms::mariadb: return std::make_unique<mysql::MysqlDialect>(true);
    case Dbms::sqlite: return std::make_unique<sqlite::SqliteDialect>();
    case Dbms::sqlserver: return std::make_unique<SqlServerDialect>();
    case Dbms::oracle: return std::make_unique<OracleDialect>();
    case Dbms::other: break;
  }
  return std::make_unique<AnsiDialect>();
}

const char* dbms_title(Dbms dbms) {
  switch (dbms) {
    case Dbms::postgres: return "PostgreSQL";
    case Dbms::mysql: return "MySQL";
    case Dbms::mariadb: return "MariaDB";
    case Dbms::sqlite: return "SQLite";
    case Dbms::sqlserver: return "SQL Server";
    case Dbms::oracle: return "Oracle";
    case Dbms::other: break;
  }
  return "ANSI SQL";
}

std::vector<std::string> session_setup(Dbms dbms) {
  switch (dbms) {
    case Dbms::postgres:
      return {"SET TIME ZONE 'UTC'", "SET DateStyle = 'ISO, YMD'", "SET IntervalStyle = 'postgres'", "SET extra_float_digits = 3"};
    case Dbms::mysql: case Dbms::mariadb:
      return {"SET time_zone = '+00:00'", "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,NO_AUTO_VALUE_ON_ZERO'"};
    case Dbms::sqlite: return {"PRAGMA foreign_keys = ON"};
    case Dbms::sqlserver: return {"SET XACT_ABORT ON", "SET ANSI_NULLS ON", "SET QUOTED_IDENTIFIER ON"};
    case Dbms::oracle:
      return {"ALTER SESSION SET TIME_ZONE = '+00:00'", "ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD HH24:MI:SS'",
              "ALTER SESSION SET NLS_TIMESTAMP_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF6'",
              "ALTER SESSION SET NLS_TIMESTAMP_TZ_FORMAT = 'YYYY-MM-DD HH24:MI:SS.FF6TZH:TZM'",
              "ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,'"};
    case Dbms::other: break;
  }
  return {};
}

std::vector<std::string> read_only_snapshot(Dbms dbms) {
  switch (dbms) {
    case Dbms::postgres: return {"SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"};
    case Dbms::mysql: case Dbms::mariadb: return {"START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"};
    case Dbms::oracle: return {"SET TRANSACTION READ ONLY"};
    // SQL Server's SNAPSHOT isolation needs ALLOW_SNAPSHOT_ISOLATION on the database.
    case Dbms::sqlserver: return {"SET TRANSACTION ISOLATION LEVEL SNAPSHOT"};
    case Dbms::sqlite: case Dbms::other: break;
  }
  return {};
}

std::string streaming_attributes(Dbms dbms, const std::string& cs) {
  std::string lower = cs;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const auto sets = [&](const char* key) { return lower.find(key) != std::string::npos; };
  switch (dbms) {
    case Dbms::postgres: return sets("usedeclarefetch") ? "" : "UseDeclareFetch=1;Fetch=5000;";
    default: return {};
  }
}

std::size_t rows_per_execute(Dbms dbms) { return dbms == Dbms::sqlite ? 1 : 1000; }

std::size_t page_rows(Dbms dbms) { return dbms == Dbms::mysql || dbms == Dbms::mariadb ? 50000 : 0; }

std::string current_schema_query(Dbms dbms) {
  switch (dbms) {
    case Dbms::postgres: return "SELECT current_schema()";
    case Dbms::mysql: case Dbms::mariadb: return "SELECT DATABASE()";
    case Dbms::sqlserver: return "SELECT SCHEMA_NAME()";
    case Dbms::oracle: return "SELECT SYS_CONTEXT('USERENV', 'CURRENT_SCHEMA') FROM dual";
    case Dbms::sqlite: return {};
    case Dbms::other: break;
  }
  return "SELECT CURRENT_SCHEMA";
}

const ident::NameRule& AnsiDialect::names() const {
  static const ident::NameRule rule{"ANSI SQL", 128, true, true, false};
  return rule;
}

std::string AnsiDialect::type_sql(const TypeInfo& t) const {
  switch (t.id) {
    case TypeId::boolean: return "BOOLEAN";
    case TypeId::int8: case TypeId::int16: return t.is_unsigned && t.id == TypeId::int16 ? "INTEGER" : "SMALLINT";
    case TypeId::int32: return t.is_unsigned ? "BIGINT" : "INTEGER";
    case TypeId::int64: return t.is_unsigned ? "DECIMAL(20,0)" : "BIGINT";
    case TypeId::decimal:
      if (t.precision <= 0) return "DECIMAL(38,10)";
      return "DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case TypeId::float32: return "REAL";
    case TypeId::float64: return "DOUBLE PRECISION";
    case TypeId::char_: return t.length > 0 ? "CHAR(" + std::to_string(t.length) + ")" : "VARCHAR(32000)";
    case TypeId::varchar: return t.length > 0 ? "VARCHAR(" + std::to_string(t.length) + ")" : "VARCHAR(32000)";
    case TypeId::text: case TypeId::json: case TypeId::enum_: return "VARCHAR(32000)";
    case TypeId::uuid: return "CHAR(36)";
    case TypeId::bytes: return "VARBINARY(32000)";
    case TypeId::date: return "DATE";
    case TypeId::time: return "TIME(6)";
    case TypeId::timestamp: return "TIMESTAMP(6)";
    case TypeId::timestamptz: return "TIMESTAMP(6) WITH TIME ZONE";
  }
  return "VARCHAR(32000)";
}

TypeInfo AnsiDialect::created_type(const TypeInfo& t) const {
  TypeInfo out = t;
  if (t.id == TypeId::text || t.id == TypeId::json || t.id == TypeId::enum_) out = TypeInfo::of(TypeId::varchar), out.length = 32000;
  if (t.id == TypeId::uuid) out = TypeInfo::of(TypeId::char_), out.length = 36;
  if (t.id == TypeId::decimal && t.precision <= 0) out.precision = 38, out.scale = 10;
  out.native.clear();
  return out;
}

std::string AnsiDialect::upsert(const TableRef& table, const std::vector<std::string>& columns, const std::vector<std::string>& key,
                                const std::vector<std::string>& values) const {
  std::string vals, cols, on, sets, inserted;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string c = quote(columns[i]);
    vals += (i ? ", " : "") + values[i];
    cols += (i ? ", " : "") + c;
    inserted += (i ? ", " : "") + std::string("sluice_s.") + c;
    if (std::find(key.begin(), key.end(), columns[i]) == key.end()) sets += (sets.empty() ? "" : ", ") + c + " = sluice_s." + c;
  }
  for (const auto& k : key) on += (on.empty() ? "" : " AND ") + std::string("sluice_t.") + quote(k) + " = sluice_s." + quote(k);
  return "MERGE INTO " + quote_table(table) + " AS sluice_t USING (VALUES (" + vals + ")) AS sluice_s (" + cols + ") ON (" + on + ")" +
         (sets.empty() ? "" : " WHEN MATCHED THEN UPDATE SET " + sets) + " WHEN NOT MATCHED THEN INSERT (" + cols + ") VALUES (" + inserted + ")";
}

std::string AnsiDialect::table_exists() const { return "SELECT 1 FROM information_schema.tables WHERE table_name = ?"; }

std::string AnsiDialect::state_table_ddl() const {
  return "CREATE TABLE IF NOT EXISTS sluice_state (pipeline VARCHAR(500) NOT NULL, step VARCHAR(500) NOT NULL, run_id VARCHAR(64) NOT NULL, "
         "last_key VARCHAR(32000) NOT NULL, rows_committed BIGINT NOT NULL, completed BOOLEAN NOT NULL, "
         "updated_at TIMESTAMP NOT NULL, PRIMARY KEY (pipeline, step))";
}

}  // namespace sluice::odbc
