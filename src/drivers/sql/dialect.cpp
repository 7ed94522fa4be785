#include "drivers/sql/dialect.h"

#include <algorithm>

#include "drivers/sql/sql_text.h"

namespace sluice::sql {
namespace {
const std::vector<std::string> kStateColumns = {"pipeline", "step", "run_id", "last_key", "rows_committed", "completed", "updated_at"};
}

std::string Dialect::quote(const std::string& ident) const { return sql::quote(ident, quote_char()); }
std::string Dialect::quote_table(const TableRef& t) const { return sql::quote_table(t, quote_char()); }

const std::string& Dialect::placeholder(std::size_t) const {
  static const std::string mark = "?";
  return mark;
}

TableRef Dialect::derived_table(const TableRef& table, const std::string& role) const {
  return {table.schema, ident::derived(names(), table.name, role)};
}

std::string Dialect::marks(std::size_t first, std::size_t n) const {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? ", " : "") + placeholder(first + i);
  return out;
}

std::string Dialect::create_table(const TableRef& table, const Schema& schema, const std::vector<std::string>& key) const {
  std::string sql = "CREATE TABLE " + quote_table(table) + " (";
  for (std::size_t i = 0; i < schema.columns.size(); ++i) {
    const auto& c = schema.columns[i];
    sql += (i ? ", " : "") + quote(c.name) + " " + type_sql(c.type);
    if (!c.nullable) sql += " NOT NULL";
  }
  const auto& pk = key.empty() ? schema.primary_key : key;
  if (!pk.empty()) {
    sql += ", PRIMARY KEY (";
    for (std::size_t i = 0; i < pk.size(); ++i) {
      sql += (i ? ", " : "") + quote(pk[i]);
      if (auto idx = schema.index_of(pk[i])) sql += key_column_suffix(schema.columns[*idx].type);
    }
    sql += ")";
  }
  return sql + ")" + table_options();
}

std::string Dialect::drop_table_if_exists(const TableRef& t) const { return "DROP TABLE IF EXISTS " + quote_table(t); }

std::string Dialect::create_schema_if_missing(const std::string& schema) const {
  return "CREATE SCHEMA IF NOT EXISTS " + quote(schema);
}

std::optional<std::string> Dialect::create_like(const TableRef&, const TableRef&) const { return std::nullopt; }

std::vector<std::string> Dialect::swap_staging(const TableRef& live, const TableRef& staging) const {
  return {drop_table_if_exists(live), "ALTER TABLE " + quote_table(staging) + " RENAME TO " + quote(live.name)};
}

std::string Dialect::empty_table(const TableRef& t) const { return "DELETE FROM " + quote_table(t); }

std::string Dialect::upsert_clause(const std::vector<std::string>& key, const std::vector<std::string>& columns) const {
  std::string keys, sets;
  for (const auto& k : key) keys += (keys.empty() ? "" : ", ") + quote(k);
  for (const auto& c : columns)
    if (std::find(key.begin(), key.end(), c) == key.end()) sets += (sets.empty() ? "" : ", ") + quote(c) + " = EXCLUDED." + quote(c);
  return "ON CONFLICT (" + keys + ") DO " + (sets.empty() ? "NOTHING" : "UPDATE SET " + sets);
}

std::string Dialect::state_upsert() const {
  return "INSERT INTO sluice_state (pipeline, step, run_id, last_key, rows_committed, completed, updated_at) VALUES (" +
         marks(0, 6) + ", " + now() + ") " + upsert_clause({"pipeline", "step"}, kStateColumns);
}

std::string Dialect::state_select() const {
  return "SELECT run_id, last_key, rows_committed, completed FROM sluice_state WHERE pipeline = " + placeholder(0) +
         " AND step = " + placeholder(1);
}

std::string Dialect::state_list() const {
  return "SELECT step, run_id, last_key, rows_committed, completed, updated_at FROM sluice_state WHERE pipeline = " +
         placeholder(0) + " ORDER BY step";
}

std::string Dialect::state_delete(bool one_step) const {
  return "DELETE FROM sluice_state WHERE pipeline = " + placeholder(0) + (one_step ? " AND step = " + placeholder(1) : "");
}

std::string Dialect::lock_record() const {
  return "INSERT INTO sluice_lock (pipeline, holder, since) VALUES (" + marks(0, 2) + ", " + now() + ") " +
         upsert_clause({"pipeline"}, {"pipeline", "holder", "since"});
}

std::string Dialect::lock_holder() const {
  return "SELECT holder, since FROM sluice_lock WHERE pipeline = " + placeholder(0);
}

}  // namespace sluice::sql
