#pragma once
#include <optional>
#include <string>
#include <vector>

#include "sluice/value.h"

namespace sluice {

// A table name as the user wrote it, split into an optional schema (PostgreSQL schema,
// MySQL database) and the table itself.
struct TableRef {
  std::string schema;  // empty: the connection's default
  std::string name;

  static TableRef parse(const std::string& dotted);  // "crm.customers" -> {crm, customers}
  std::string display() const { return schema.empty() ? name : schema + "." + name; }
  bool operator==(const TableRef&) const = default;
};

// A column default in a form every dialect can write: a literal, or one of the functions
// databases share under different names. Anything else keeps its source text and is
// reported as not migrated.
struct ColumnDefault {
  enum class Kind { none, null, literal, current_timestamp, current_date, current_time, uuid, untranslatable };
  Kind kind = Kind::none;
  std::string text;  // literal: the value (booleans "true"/"false"); untranslatable: the source's expression
  bool operator==(const ColumnDefault&) const = default;
};

struct Column {
  std::string name;
  TypeInfo type;
  bool nullable = true;
  ColumnDefault default_value;
  // Numbered by the database itself (serial, identity, AUTO_INCREMENT, SQLite's rowid).
  bool identity = false;
};

// A secondary index (the primary key is Schema::primary_key).
struct IndexDef {
  std::string name;
  std::vector<std::string> columns;
  bool unique = false;
};

struct ForeignKeyDef {
  std::string name;
  std::vector<std::string> columns;
  TableRef references;
  std::vector<std::string> referenced_columns;
  std::string on_delete = "NO ACTION", on_update = "NO ACTION";  // CASCADE, SET NULL, SET DEFAULT, RESTRICT
};

// A CHECK constraint whose expression uses only what every dialect reads the same way
// (see drivers/sql/check_expr.h): tokens, with column names marked so that each
// dialect quotes them its way.
struct CheckDef {
  struct Token {
    bool column = false;
    std::string text;
  };
  std::string name;
  std::vector<Token> expression;
};

// What a table has besides its columns and primary key.
struct TableObjects {
  std::vector<IndexDef> indexes;
  std::vector<ForeignKeyDef> foreign_keys;
  std::vector<CheckDef> checks;
  // PostgreSQL declarative partitioning: the key ("RANGE (at)") and each partition's
  // name and bound ("FOR VALUES FROM (...) TO (...)", "DEFAULT"); empty for a plain table.
  std::string partition_by;
  std::vector<std::pair<std::string, std::string>> partitions;
  // What exists in the source but is not copied, one line each ("trigger audit_orders",
  // "full-text index ft_body"): shown by plan and counted in the summary.
  std::vector<std::string> not_migrated;
};

struct Schema {
  std::vector<Column> columns;
  std::vector<std::string> primary_key;  // column names in key order; empty if none

  std::optional<std::size_t> index_of(const std::string& name) const;
  std::size_t size() const { return columns.size(); }
  std::vector<std::string> names() const;
  // The columns `picked` names, in that order (all when empty), with the same primary
  // key. Throws a config error naming a column `table` lacks.
  Schema project(const std::vector<std::string>& picked, const TableRef& table) const;
};

// Shell-style glob: * any run of characters, ? any one.
bool glob_match(const std::string& pattern, const std::string& text);

}  // namespace sluice
