#pragma once
// Microsoft SQL Server's SQL (2016 and later): [bracket] quoting, 128-character names
// compared case-insensitively (the default collations), ? markers, NVARCHAR text,
// DATETIME2/DATETIMEOFFSET, IDENTITY columns (explicit keys need IDENTITY_INSERT),
// MERGE for upsert, transactional DDL (the replace swap is DROP + sp_rename inside the
// load's last transaction), sp_getapplock as the run lock. Exercised against real
// servers only outside this project's CI: tests/unit/odbc_dialects_test.cpp checks the
// statements it writes.
#include "drivers/sql/dialect.h"

namespace sluice::odbc {

class SqlServerDialect final : public sql::Dialect {
 public:
  const ident::NameRule& names() const override;
  std::string quote(const std::string& ident) const override;
  std::string limit_clause(std::size_t n) const override { return " OFFSET 0 ROWS FETCH NEXT " + std::to_string(n) + " ROWS ONLY"; }
  std::string type_sql(const TypeInfo& t) const override;
  TypeInfo created_type(const TypeInfo& t) const override;
  std::optional<std::string> default_sql(const ColumnDefault& d, const TypeInfo& t) const override;
  std::string boolean_literal(bool v) const override { return v ? "1" : "0"; }
  std::string string_literal(const std::string& text) const override { return "N" + Dialect::string_literal(text); }
  std::optional<std::string> identity_sql(const Column& c, const std::vector<std::string>& key) const override;
  bool one_identity_per_table() const override { return true; }
  std::optional<std::string> identity_insert(const TableRef& t) const override { return "SET IDENTITY_INSERT " + quote_table(t) + " ON"; }
  std::string drop_table_if_exists(const TableRef& t) const override;
  std::string add_column(const TableRef& t, const std::string& column, const std::string& type_sql) const override;
  std::string create_schema_if_missing(const std::string& schema) const override;
  std::vector<std::string> swap_staging(const TableRef& live, const TableRef& staging) const override;
  std::optional<std::pair<std::string, std::vector<std::string>>> swap_dependents(const TableRef& live) const override;
  std::string begin() const override { return "BEGIN TRANSACTION"; }
  std::string upsert(const TableRef& table, const std::vector<std::string>& columns, const std::vector<std::string>& key,
                     const std::vector<std::string>& values) const override;
  std::string now() const override { return "SYSUTCDATETIME()"; }
  std::string table_exists() const override { return "SELECT 1 WHERE OBJECT_ID(?, N'U') IS NOT NULL"; }
  std::string state_table_ddl() const override;
  std::optional<std::string> try_session_lock() const override;
  std::string lock_table_ddl() const override;
  std::string lock_kind() const override { return "sp_getapplock"; }
};

// 128 characters, case-insensitive (SQL Server's default collations).
const ident::NameRule& sqlserver_names();

}  // namespace sluice::odbc
