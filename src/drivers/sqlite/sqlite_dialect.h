#pragma once
// SQLite's SQL: "double quotes", names without a length limit (case folded), ? markers,
// BEGIN IMMEDIATE (the writer takes its lock up front), INSERT ... ON CONFLICT. SQLite
// has no CREATE TABLE ... LIKE (the driver copies the definition from sqlite_schema)
// and no session locks (the run lock is a lock file).
#include "drivers/sql/dialect.h"

namespace sluice::sqlite {

class SqliteDialect final : public sql::Dialect {
 public:
  const ident::NameRule& names() const override;
  std::string type_sql(const TypeInfo& t) const override;
  TypeInfo created_type(const TypeInfo& t) const override;
  std::string boolean_literal(bool v) const override { return v ? "1" : "0"; }
  // INTEGER PRIMARY KEY: the column is the rowid, and an insert without it numbers itself.
  std::optional<std::string> identity_sql(const Column& c, const std::vector<std::string>& key) const override;
  std::string identity_type(const Column&) const override { return "INTEGER"; }
  bool foreign_keys_in_create() const override { return true; }
  std::string create_schema_if_missing(const std::string&) const override { return {}; }
  std::string begin() const override { return "BEGIN IMMEDIATE"; }
  std::string now() const override { return "strftime('%Y-%m-%d %H:%M:%f', 'now')"; }
  std::string table_exists() const override { return "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?"; }
  std::string state_table_ddl() const override;
};

const SqliteDialect& dialect();
// No length limit; SQLite compares names case-insensitively.
const ident::NameRule& names();

}  // namespace sluice::sqlite
