#include "drivers/sqlite/sqlite_dialect.h"

#include "drivers/sqlite/sqlite_types.h"

namespace sluice::sqlite {

const ident::NameRule& names() {
  static const ident::NameRule rule{"SQLite", 0, true, true, false};
  return rule;
}

const ident::NameRule& SqliteDialect::names() const { return sqlite::names(); }

std::string SqliteDialect::type_sql(const TypeInfo& t) const { return declared_type(t); }
TypeInfo SqliteDialect::created_type(const TypeInfo& t) const { return type_from_declared(declared_type(t)); }

std::optional<std::string> SqliteDialect::identity_sql(const Column& c, const std::vector<std::string>& key) const {
  const bool integer = is_integer(c.type.id) && !(c.type.id == TypeId::int64 && c.type.is_unsigned);
  if (integer && key.size() == 1 && key[0] == c.name) return std::string();
  return std::nullopt;
}

std::string SqliteDialect::state_table_ddl() const {
  return "CREATE TABLE IF NOT EXISTS sluice_state (pipeline TEXT NOT NULL, step TEXT NOT NULL, run_id TEXT NOT NULL, "
         "last_key TEXT NOT NULL, rows_committed INTEGER NOT NULL, completed INTEGER NOT NULL, "
         "updated_at TEXT NOT NULL, PRIMARY KEY (pipeline, step))";
}

const SqliteDialect& dialect() {
  static const SqliteDialect d;
  return d;
}

}  // namespace sluice::sqlite
