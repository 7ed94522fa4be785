#pragma once
// MySQL's and MariaDB's SQL: `backticks`, 64-character names (folded case), ? markers,
// INSERT ... ON DUPLICATE KEY UPDATE, DELETE to empty a table inside a transaction
// (TRUNCATE commits), DDL that commits (the replace swap is RENAME TABLE between the
// last data commit and the completion mark), GET_LOCK.
#include "drivers/sql/dialect.h"

namespace sluice::mysql {

class MysqlDialect final : public sql::Dialect {
 public:
  explicit MysqlDialect(bool mariadb) : mariadb_(mariadb) {}

  const ident::NameRule& names() const override;
  char quote_char() const override { return '`'; }
  std::string type_sql(const TypeInfo& t) const override;
  TypeInfo created_type(const TypeInfo& t) const override;
  std::string key_column_suffix(const TypeInfo& t) const override;
  std::optional<std::string> default_sql(const ColumnDefault& d, const TypeInfo& t) const override;
  std::string boolean_literal(bool v) const override { return v ? "1" : "0"; }
  std::string string_literal(const std::string& text) const override;
  std::optional<std::string> identity_sql(const Column& c, const std::vector<std::string>& key) const override;
  bool one_identity_per_table() const override { return true; }
  std::string identity_key(const std::string& column) const override { return ", KEY (" + quote(column) + ")"; }
  std::string table_options() const override { return " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"; }
  std::string create_schema_if_missing(const std::string& schema) const override;
  std::optional<std::string> create_like(const TableRef& table, const TableRef& like) const override;
  std::vector<std::string> swap_staging(const TableRef& live, const TableRef& staging) const override;
  std::vector<std::string> after_swap(const TableRef& live) const override;
  std::optional<std::pair<std::string, std::vector<std::string>>> swap_dependents(const TableRef& live) const override;
  bool ddl_commits() const override { return true; }
  bool foreign_key_names_per_table() const override { return false; }
  std::string begin() const override { return "START TRANSACTION"; }
  std::string upsert_clause(const std::vector<std::string>& key, const std::vector<std::string>& columns) const override;
  std::string now() const override { return "UTC_TIMESTAMP(6)"; }
  std::string table_exists() const override;
  std::string state_table_ddl() const override;
  std::optional<std::string> try_session_lock() const override { return "SELECT GET_LOCK(CONCAT('sluice:', MD5(?)), 0)"; }
  std::string lock_table_ddl() const override;
  std::string lock_kind() const override { return "GET_LOCK"; }
  std::optional<std::string> canonical_text(const std::string& q, const TypeInfo& t) const override;
  std::optional<std::string> row_hash(const std::vector<std::string>& canonical) const override;
  std::string integer_division(const std::string& a, const std::string& b) const override { return "(" + a + ") DIV " + b; }

 private:
  bool mariadb_;
};

// 64 characters; names fold case (as on servers with lower_case_table_names), and a
// sluice_state key is varchar(190): 190 utf8mb4 characters fit an index.
const ident::NameRule& names();

}  // namespace sluice::mysql
