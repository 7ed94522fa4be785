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

struct Column {
  std::string name;
  TypeInfo type;
  bool nullable = true;
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
