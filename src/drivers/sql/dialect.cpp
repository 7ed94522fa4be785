#include "drivers/sql/dialect.h"

#include <algorithm>

#include "drivers/sql/check_expr.h"
#include "drivers/sql/sql_text.h"

namespace sluice::sql {
namespace {
const std::vector<std::string> kStateColumns = {"pipeline", "step", "run_id", "last_key", "rows_committed", "completed", "updated_at"};
}

std::string Dialect::quote(const std::string& ident) const { return sql::quote(ident, quote_char()); }
std::string Dialect::quote_table(const TableRef& t) const { return t.schema.empty() ? quote(t.name) : quote(t.schema) + "." + quote(t.name); }

SelectSpelling Dialect::select_spelling() const {
  SelectSpelling sp;
  sp.quote = [this](const std::string& name) { return quote(name); };
  sp.placeholder = [this](std::size_t i) -> const std::string& { return placeholder(i); };
  sp.subquery_alias = subquery_alias();
  sp.modulo = [this](const std::string& e, const std::string& n) { return modulo(e, n); };
  return sp;
}

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

namespace {

bool numeric_type(const TypeInfo& t) {
  return is_integer(t.id) || t.id == TypeId::decimal || t.id == TypeId::float32 || t.id == TypeId::float64;
}

bool textual(const TypeInfo& t) {
  return t.id == TypeId::text || t.id == TypeId::varchar || t.id == TypeId::char_ || t.id == TypeId::enum_;
}

std::string column_list(const Dialect& d, const std::vector<std::string>& columns) {
  std::string out;
  for (const auto& c : columns) out += (out.empty() ? "" : ", ") + d.quote(c);
  return out;
}

std::string foreign_key_clause(const Dialect& d, const ForeignKeyDef& fk) {
  std::string sql = "CONSTRAINT " + d.quote(fk.name) + " FOREIGN KEY (" + column_list(d, fk.columns) + ") REFERENCES " +
                    d.quote_table(fk.references) + " (" + column_list(d, fk.referenced_columns) + ")";
  if (fk.on_delete != "NO ACTION") sql += " ON DELETE " + fk.on_delete;
  if (fk.on_update != "NO ACTION") sql += " ON UPDATE " + fk.on_update;
  return sql;
}

}  // namespace

std::string Dialect::string_literal(const std::string& text) const {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::optional<std::string> Dialect::default_sql(const ColumnDefault& d, const TypeInfo& t) const {
  using K = ColumnDefault::Kind;
  const bool temporal = t.id == TypeId::timestamp || t.id == TypeId::timestamptz || textual(t);
  switch (d.kind) {
    case K::none: case K::untranslatable: return std::nullopt;
    case K::null: return "NULL";
    case K::literal:
      if (t.id == TypeId::boolean) {
        const auto b = convert::parse_bool(d.text);
        return b ? std::optional<std::string>(boolean_literal(*b)) : std::nullopt;
      }
      if (numeric_type(t)) return numeric_literal(d.text) ? std::optional<std::string>(d.text) : std::nullopt;
      // MySQL's zero dates exist nowhere else.
      if (d.text.rfind("0000-00-00", 0) == 0 || t.id == TypeId::bytes) return std::nullopt;
      return string_literal(d.text);
    case K::current_timestamp: return temporal ? std::optional<std::string>("CURRENT_TIMESTAMP") : std::nullopt;
    case K::current_date: return temporal || t.id == TypeId::date ? std::optional<std::string>("CURRENT_DATE") : std::nullopt;
    case K::current_time: return temporal || t.id == TypeId::time ? std::optional<std::string>("CURRENT_TIME") : std::nullopt;
    case K::uuid: return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> Dialect::identity_sql(const Column&, const std::vector<std::string>&) const { return std::nullopt; }

std::string Dialect::create_table(const TableRef& table, const Schema& schema, const std::vector<std::string>& key,
                                  const TableObjects& objects, std::vector<std::string>* left_out) const {
  auto leave_out = [&](const std::string& what) {
    if (left_out) left_out->push_back(what);
  };
  const auto& pk = key.empty() ? schema.primary_key : key;
  std::string sql = "CREATE TABLE " + quote_table(table) + " (";
  std::string extra_keys;
  // Where only one column may be numbered: the key's, else the first.
  std::optional<std::string> numbered;
  if (one_identity_per_table()) {
    for (const auto& c : schema.columns)
      if (c.identity && identity_sql(c, pk) && (!numbered || (!pk.empty() && c.name == pk[0]))) numbered = c.name;
  }
  for (std::size_t i = 0; i < schema.columns.size(); ++i) {
    const auto& c = schema.columns[i];
    const bool another = numbered && c.identity && c.name != *numbered;
    const auto identity = c.identity && !another ? identity_sql(c, pk) : std::nullopt;
    if (another) leave_out("identity of column " + c.name + " (" + names().dialect + " numbers one column per table: " + *numbered + ")");
    else if (c.identity && !identity) leave_out("identity of column " + c.name + " (" + names().dialect + " cannot number a " + describe(c.type) +
                                           (pk.size() == 1 && pk[0] == c.name ? "" : " column outside a one-column primary key") + ")");
    sql += (i ? ", " : "") + quote(c.name) + " " + (identity ? identity_type(c) : type_sql(c.type));
    if (!c.nullable) sql += " NOT NULL";
    if (identity) {
      if (!identity->empty()) sql += " " + *identity;
      if (pk.empty() || pk[0] != c.name) extra_keys += identity_key(c.name);
    } else if (c.default_value.kind != ColumnDefault::Kind::none && c.default_value.kind != ColumnDefault::Kind::null) {
      // (DEFAULT NULL is what a column without a default does anyway.)
      if (auto d = default_sql(c.default_value, c.type)) sql += " DEFAULT " + *d;
      else leave_out("default of column " + c.name + " (" + (c.default_value.text.empty() ? "a generated value" : c.default_value.text) + ")");
    }
  }
  if (!pk.empty()) {
    sql += ", PRIMARY KEY (";
    for (std::size_t i = 0; i < pk.size(); ++i) {
      sql += (i ? ", " : "") + quote(pk[i]);
      if (auto idx = schema.index_of(pk[i])) sql += key_column_suffix(schema.columns[*idx].type);
    }
    sql += ")";
  }
  sql += extra_keys;
  for (const auto& check : objects.checks)
    sql += ", CONSTRAINT " + quote(check.name) + " CHECK (" + write_check(check.expression, [&](const std::string& n) { return quote(n); }) + ")";
  if (foreign_keys_in_create())
    for (const auto& fk : objects.foreign_keys) sql += ", " + foreign_key_clause(*this, fk);
  sql += ")";
  if (!objects.partition_by.empty()) {
    if (auto clause = partition_clause(objects.partition_by)) sql += *clause;
    else leave_out("partitioning (" + objects.partition_by + ": " + names().dialect + " gets a plain table)");
  }
  return sql + table_options();
}

std::string Dialect::create_index(const TableRef& table, const IndexDef& index, const Schema& schema) const {
  std::string cols;
  for (const auto& c : index.columns) {
    cols += (cols.empty() ? "" : ", ") + quote(c);
    if (auto idx = schema.index_of(c)) cols += key_column_suffix(schema.columns[*idx].type);
  }
  return std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " + quote(index.name) + " ON " + quote_table(table) + " (" + cols + ")";
}

std::string Dialect::add_foreign_key(const TableRef& table, const ForeignKeyDef& fk) const {
  return "ALTER TABLE " + quote_table(table) + " ADD " + foreign_key_clause(*this, fk);
}

std::string Dialect::drop_table_if_exists(const TableRef& t) const { return "DROP TABLE IF EXISTS " + quote_table(t); }

std::string Dialect::add_column(const TableRef& t, const std::string& column, const std::string& type_sql) const {
  return "ALTER TABLE " + quote_table(t) + " ADD COLUMN " + quote(column) + " " + type_sql;
}

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

std::string Dialect::upsert(const TableRef& table, const std::vector<std::string>& columns, const std::vector<std::string>& key,
                            const std::vector<std::string>& values) const {
  std::string vals;
  for (const auto& v : values) vals += (vals.empty() ? "" : ", ") + v;
  return "INSERT INTO " + quote_table(table) + " (" + column_list(*this, columns) + ") VALUES (" + vals + ") " + upsert_clause(key, columns);
}

namespace {
std::vector<std::string> marks_and_now(const Dialect& d, std::size_t n) {
  std::vector<std::string> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(d.placeholder(i));
  v.push_back(d.now());
  return v;
}
}  // namespace

std::string Dialect::state_upsert() const {
  return upsert({"", "sluice_state"}, kStateColumns, {"pipeline", "step"}, marks_and_now(*this, 6));
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
  return upsert({"", "sluice_lock"}, {"pipeline", "holder", "since"}, {"pipeline"}, marks_and_now(*this, 2));
}

std::string Dialect::lock_holder() const {
  return "SELECT holder, since FROM sluice_lock WHERE pipeline = " + placeholder(0);
}

}  // namespace sluice::sql
