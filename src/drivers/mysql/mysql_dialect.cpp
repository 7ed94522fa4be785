#include "drivers/mysql/mysql_dialect.h"

#include <algorithm>

#include "drivers/mysql/mysql_types.h"

namespace sluice::mysql {

const ident::NameRule& names() {
  static const ident::NameRule rule{"MySQL", 64, false, true, false, 190};
  return rule;
}

const ident::NameRule& MysqlDialect::names() const { return mysql::names(); }

std::string MysqlDialect::type_sql(const TypeInfo& t) const { return mysql_type_sql(t, mariadb_); }

TypeInfo MysqlDialect::created_type(const TypeInfo& t) const {
  const std::string sql = type_sql(t);
  return type_from_mysql(sql.substr(0, sql.find_first_of("( ")), sql, false);
}

// Text and blob keys need a prefix length: such a key is indexed on its first 255 characters.
std::string MysqlDialect::key_column_suffix(const TypeInfo& t) const {
  const std::string ty = type_sql(t);
  return ty == "longtext" || ty == "longblob" ? "(255)" : "";
}

// Backslashes are escapes in MySQL's string literals (unless NO_BACKSLASH_ESCAPES).
std::string MysqlDialect::string_literal(const std::string& text) const {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : c == '\\' ? std::string("\\\\") : std::string(1, c);
  return out + "'";
}

// datetime(6) columns need the function at their precision; other expressions are
// written in parentheses (MariaDB 10.2+ and MySQL 8.0.13+ take any expression there).
std::optional<std::string> MysqlDialect::default_sql(const ColumnDefault& d, const TypeInfo& t) const {
  using K = ColumnDefault::Kind;
  const bool datetime = t.id == TypeId::timestamp || t.id == TypeId::timestamptz;
  switch (d.kind) {
    case K::current_timestamp: return datetime ? std::optional<std::string>("CURRENT_TIMESTAMP(6)") : std::nullopt;
    case K::current_date: return t.id == TypeId::date ? std::optional<std::string>("(CURRENT_DATE)") : std::nullopt;
    case K::current_time: return t.id == TypeId::time ? std::optional<std::string>("(CURRENT_TIME(6))") : std::nullopt;
    case K::uuid:
      return t.id == TypeId::uuid || t.id == TypeId::char_ || t.id == TypeId::varchar || t.id == TypeId::text
                 ? std::optional<std::string>("(UUID())") : std::nullopt;
    default: return Dialect::default_sql(d, t);
  }
}

std::optional<std::string> MysqlDialect::identity_sql(const Column& c, const std::vector<std::string>&) const {
  if (is_integer(c.type.id)) return "AUTO_INCREMENT";
  return std::nullopt;
}

std::string MysqlDialect::create_schema_if_missing(const std::string& schema) const {
  return "CREATE DATABASE IF NOT EXISTS " + quote(schema) + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";
}

std::optional<std::string> MysqlDialect::create_like(const TableRef& table, const TableRef& like) const {
  return "CREATE TABLE " + quote_table(table) + " LIKE " + quote_table(like);
}

// One RENAME TABLE moves both names atomically; the old table is dropped after.
std::vector<std::string> MysqlDialect::swap_staging(const TableRef& live, const TableRef& staging) const {
  const TableRef retired = derived_table(live, "old");
  return {drop_table_if_exists(retired),
          "RENAME TABLE " + quote_table(live) + " TO " + quote_table(retired) + ", " + quote_table(staging) + " TO " + quote_table(live)};
}

std::vector<std::string> MysqlDialect::after_swap(const TableRef& live) const { return {drop_table_if_exists(derived_table(live, "old"))}; }

// RENAME TABLE carries foreign keys that reference the live table along to the retired
// one; views refer by name and follow the swap.
std::optional<std::pair<std::string, std::vector<std::string>>> MysqlDialect::swap_dependents(const TableRef& live) const {
  return std::make_pair(
      std::string("SELECT CONCAT('foreign key ', CONSTRAINT_NAME, ' of ', CONSTRAINT_SCHEMA, '.', TABLE_NAME) "
                  "FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE UNIQUE_CONSTRAINT_SCHEMA = COALESCE(NULLIF(?, ''), DATABASE()) "
                  "AND REFERENCED_TABLE_NAME = ? AND NOT (CONSTRAINT_SCHEMA = UNIQUE_CONSTRAINT_SCHEMA AND TABLE_NAME = REFERENCED_TABLE_NAME) "
                  "ORDER BY 1"),
      std::vector<std::string>{live.schema, live.name});
}

std::string MysqlDialect::upsert_clause(const std::vector<std::string>& key, const std::vector<std::string>& columns) const {
  std::string sets;
  for (const auto& c : columns)
    if (std::find(key.begin(), key.end(), c) == key.end()) sets += (sets.empty() ? "" : ", ") + quote(c) + " = VALUES(" + quote(c) + ")";
  if (sets.empty()) sets = quote(key[0]) + " = " + quote(key[0]);  // keys only: nothing to update
  return "ON DUPLICATE KEY UPDATE " + sets;
}

std::string MysqlDialect::table_exists() const {
  return "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?";
}

std::string MysqlDialect::state_table_ddl() const {
  return "CREATE TABLE IF NOT EXISTS sluice_state (pipeline varchar(190) NOT NULL, step varchar(190) NOT NULL, "
         "run_id varchar(64) NOT NULL, last_key longtext NOT NULL, rows_committed bigint NOT NULL, completed tinyint(1) NOT NULL, "
         "updated_at datetime(6) NOT NULL, PRIMARY KEY (pipeline, step)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
}

std::string MysqlDialect::lock_table_ddl() const {
  return "CREATE TABLE IF NOT EXISTS sluice_lock (pipeline varchar(190) PRIMARY KEY, holder text NOT NULL, "
         "since datetime(6) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
}

}  // namespace sluice::mysql

namespace sluice::mysql {

// runtime/row_digest.h's canonical text in MySQL/MariaDB (sessions run with time_zone
// '+00:00', so TIMESTAMP reads in UTC).
std::optional<std::string> MysqlDialect::canonical_text(const std::string& q, const TypeInfo& t) const {
  // BIT(n > 1) is read as its bits and spatial values as WKT: no server spelling of those here.
  if ((t.native.rfind("bit", 0) == 0 && t.id != TypeId::boolean) || t.native.find("geometry") != std::string::npos || t.native.find("point") != std::string::npos ||
      t.native.find("polygon") != std::string::npos || t.native.find("linestring") != std::string::npos)
    return std::nullopt;
  if (digest_text_is_text(t)) {
    std::string x = "CONVERT(" + q + " USING utf8mb4)";
    if (t.id == TypeId::uuid) x = "LOWER(" + x + ")";
    return "COALESCE(CONCAT(LENGTH(" + x + "), ':', " + x + "), 'N')";
  }
  std::string x;
  switch (t.id) {
    case TypeId::boolean: x = "CASE WHEN " + q + " <> 0 THEN '1' WHEN " + q + " = 0 THEN '0' END"; break;
    case TypeId::int8: case TypeId::int16: case TypeId::int32: case TypeId::int64: x = "CAST(" + q + " AS CHAR)"; break;
    case TypeId::decimal:
      x = "CAST(" + q + " AS CHAR)";
      if (t.scale > 0) x = "TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM " + x + "))";
      break;
    case TypeId::bytes: x = "LOWER(HEX(" + q + "))"; break;
    case TypeId::date: x = "DATE_FORMAT(" + q + ", '%Y-%m-%d')"; break;
    case TypeId::time: x = "TIME_FORMAT(" + q + ", '%H:%i:%s.%f')"; break;
    case TypeId::timestamp: case TypeId::timestamptz: x = "DATE_FORMAT(" + q + ", '%Y-%m-%d %H:%i:%s.%f')"; break;
    default: return std::nullopt;  // floats, json
  }
  return "COALESCE(CONCAT(" + x + ", ','), 'N,')";
}

std::optional<std::string> MysqlDialect::row_hash(const std::vector<std::string>& canonical) const {
  std::string row;
  for (const auto& c : canonical) row += (row.empty() ? "" : ", ") + c;
  return "CAST(CONV(SUBSTR(MD5(CONCAT(" + row + ")), 1, 15), 16, 10) AS UNSIGNED)";
}

}  // namespace sluice::mysql
