#pragma once
// PostgreSQL's SQL: "double quotes", 63-byte names, $1 placeholders, TRUNCATE inside a
// transaction, INSERT ... ON CONFLICT, advisory locks.
#include "drivers/sql/dialect.h"

namespace sluice::postgres {

class PgDialect final : public sql::Dialect {
 public:
  // libpq numbers its parameters ($1); an ODBC driver takes ? markers and numbers them itself.
  explicit PgDialect(bool numbered_markers = true) : numbered_(numbered_markers) {}
  const ident::NameRule& names() const override;
  const std::string& placeholder(std::size_t i) const override;
  std::string type_sql(const TypeInfo& t) const override;
  TypeInfo created_type(const TypeInfo& t) const override;
  std::optional<std::string> default_sql(const ColumnDefault& d, const TypeInfo& t) const override;
  std::optional<std::string> identity_sql(const Column& c, const std::vector<std::string>& key) const override;
  std::optional<std::string> partition_clause(const std::string& by) const override { return " PARTITION BY " + by; }
  std::optional<std::string> create_partition(const TableRef& partition, const TableRef& parent, const std::string& bound) const override {
    return "CREATE TABLE " + quote_table(partition) + " PARTITION OF " + quote_table(parent) + " " + bound;
  }
  std::optional<std::string> sequence_reset(const TableRef& table, const std::string& column) const override;
  std::optional<std::string> create_like(const TableRef& table, const TableRef& like) const override;
  std::optional<std::pair<std::string, std::vector<std::string>>> swap_dependents(const TableRef& live) const override;
  std::string empty_table(const TableRef& t) const override { return "TRUNCATE " + quote_table(t); }
  std::string now() const override { return "now()"; }
  std::string table_exists() const override { return "SELECT 1 WHERE to_regclass(" + placeholder(0) + ") IS NOT NULL"; }
  std::string state_table_ddl() const override;
  std::optional<std::string> try_session_lock() const override {
    return "SELECT pg_try_advisory_lock(1936487781, hashtext(" + placeholder(0) + "))";
  }
  std::string lock_table_ddl() const override;
  std::string lock_kind() const override { return "advisory lock"; }
  std::optional<std::string> canonical_text(const std::string& q, const TypeInfo& t) const override;
  std::optional<std::string> row_hash(const std::vector<std::string>& canonical) const override;

 private:
  bool numbered_;
};

const PgDialect& dialect();
// PostgreSQL truncates identifiers over 63 bytes (NAMEDATALEN - 1).
const ident::NameRule& names();

}  // namespace sluice::postgres
