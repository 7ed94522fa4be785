#pragma once
// Oracle's SQL (12.2 and later): "double quotes" with Oracle's case rule (a lower-case
// plain name is written upper case, so that the application's unquoted names find it;
// any other name keeps its exact spelling), 128-byte names, NUMBER(p,s), VARCHAR2 with
// character length semantics, CLOB/BLOB, DATE carrying a time, TIMESTAMP WITH TIME ZONE,
// identity columns, MERGE for upsert, DDL that commits (the replace swap renames
// between the last data commit and the completion mark), DBMS_LOCK as the run lock.
// Oracle stores '' as NULL: an empty string loaded here reads back as NULL (README).
// Exercised against real servers only outside this project's CI.
#include "drivers/sql/dialect.h"

namespace sluice::odbc {

class OracleDialect final : public sql::Dialect {
 public:
  const ident::NameRule& names() const override;
  std::string quote(const std::string& ident) const override;
  std::string subquery_alias() const override { return " sluice_q"; }
  std::string modulo(const std::string& expr, const std::string& n) const override { return "MOD(" + expr + ", " + n + ")"; }
  std::string limit_clause(std::size_t n) const override { return " FETCH FIRST " + std::to_string(n) + " ROWS ONLY"; }
  std::string type_sql(const TypeInfo& t) const override;
  TypeInfo created_type(const TypeInfo& t) const override;
  std::optional<std::string> default_sql(const ColumnDefault& d, const TypeInfo& t) const override;
  std::string boolean_literal(bool v) const override { return v ? "1" : "0"; }
  std::optional<std::string> identity_sql(const Column& c, const std::vector<std::string>& key) const override;
  std::optional<std::string> sequence_reset(const TableRef& table, const std::string& column) const override;
  std::string drop_table_if_exists(const TableRef& t) const override;
  std::string add_column(const TableRef& t, const std::string& column, const std::string& type_sql) const override;
  std::string create_schema_if_missing(const std::string& schema) const override;
  std::vector<std::string> swap_staging(const TableRef& live, const TableRef& staging) const override;
  std::vector<std::string> after_swap(const TableRef& live) const override { return {drop_table_if_exists(derived_table(live, "old"))}; }
  std::optional<std::pair<std::string, std::vector<std::string>>> swap_dependents(const TableRef& live) const override;
  bool ddl_commits() const override { return true; }
  std::string begin() const override { return "SET TRANSACTION READ WRITE"; }
  std::string upsert(const TableRef& table, const std::vector<std::string>& columns, const std::vector<std::string>& key,
                     const std::vector<std::string>& values) const override;
  std::string now() const override { return "SYS_EXTRACT_UTC(SYSTIMESTAMP)"; }
  std::string table_exists() const override;
  std::string state_table_ddl() const override;
  std::optional<std::string> try_session_lock() const override;
  std::string lock_table_ddl() const override;
  std::string lock_kind() const override { return "DBMS_LOCK"; }
};

// 128 bytes (12.2+); plain names fold to upper case, so two names differing only in
// case can name one table.
const ident::NameRule& oracle_names();

}  // namespace sluice::odbc
