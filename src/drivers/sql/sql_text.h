#pragma once
// SQL text shared by the SQL drivers: identifier quoting and the key-ordered SELECT
// that lets a resumed extract continue strictly after its checkpoint.
#include <functional>
#include <string>
#include <vector>

#include "sluice/source.h"

namespace sluice::sql {

// A number as SQL writes it bare (a decimal, or a finite floating point value).
bool numeric_literal(std::string_view text);

// Quotes an identifier with `q` (" or `), doubling embedded quote characters.
std::string quote(const std::string& ident, char q);
// schema.table, each part quoted; schema omitted when empty.
std::string quote_table(const TableRef& t, char q);

// SELECT cols FROM table [WHERE (where) AND key > resume] ORDER BY key.
// Resume positions become bound parameters in key order, as placeholders `ph(i)`.
// Returns the SQL; `params` receives the values to bind, in order.
struct Select {
  std::string sql;
  std::vector<const Value*> params;
  std::vector<std::string> param_columns;  // the column each parameter is compared with
};
// How a dialect spells the parts of that SELECT.
struct SelectSpelling {
  std::function<std::string(const std::string&)> quote;
  std::function<const std::string&(std::size_t)> placeholder;
  std::string subquery_alias = " AS sluice_q";  // Oracle takes no AS before a table alias
  // `expr` modulo n; empty: "expr % n".
  std::function<std::string(const std::string&, const std::string&)> modulo;
};
// `column_expression`, when given, turns a column name into what is selected for it
// (e.g. ST_AsText(`g`) AS `g`); empty result: the column itself.
Select keyed_select(const ExtractRequest& req, const SelectSpelling& spelling, const std::vector<std::string>& all_columns,
                    const std::function<std::string(const std::string&)>& column_expression = {});
Select keyed_select(const ExtractRequest& req, char q, const std::vector<std::string>& all_columns,
                    const std::string& (*placeholder)(std::size_t),
                    const std::function<std::string(const std::string&)>& column_expression = {});

}  // namespace sluice::sql

// ---- pieces every SQL driver shares ----
#include "sluice/connection.h"

namespace sluice::sql {

// Types of the target's columns for the incoming columns, in incoming order.
std::vector<TypeInfo> target_types(const Schema& incoming, const Schema& target, const TableRef& table);

// "(a[,b])" after a type name, as in "decimal(38,10)": a and b, 0 when absent.
void type_args(const std::string& s, int& a, int& b);

}  // namespace sluice::sql
