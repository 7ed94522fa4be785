#include "drivers/sql/sql_text.h"

#include <cmath>
#include <cstdlib>

#include "sluice/status.h"

namespace sluice::sql {

bool numeric_literal(std::string_view text) {
  if (convert::canonical_decimal(text)) return true;
  const auto d = convert::parse_double(text);
  return d && std::isfinite(*d);
}


std::string quote(const std::string& ident, char q) {
  std::string out(1, q);
  for (char c : ident) {
    if (c == q) out += q;
    out += c;
  }
  out += q;
  return out;
}

std::string quote_table(const TableRef& t, char q) {
  return t.schema.empty() ? quote(t.name, q) : quote(t.schema, q) + "." + quote(t.name, q);
}

namespace {

// (a > ?) OR (a = ? AND b > ?) ...: portable and index-friendly on every dialect.
std::string after_key_condition(const std::vector<std::string>& key, const SelectSpelling& sp, std::size_t& next_param,
                                std::vector<std::size_t>& param_key_index) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    out += i ? " OR (" : "(";
    for (std::size_t j = 0; j < i; ++j) {
      out += sp.quote(key[j]) + " = " + sp.placeholder(next_param++) + " AND ";
      param_key_index.push_back(j);
    }
    out += sp.quote(key[i]) + " > " + sp.placeholder(next_param++) + ")";
    param_key_index.push_back(i);
  }
  return "(" + out + ")";
}

}  // namespace

Select keyed_select(const ExtractRequest& req, const SelectSpelling& sp, const std::vector<std::string>& all_columns,
                    const std::function<std::string(const std::string&)>& column_expression) {
  Select s;
  const auto& cols = req.columns.empty() ? all_columns : req.columns;
  std::string list;
  for (const auto& c : cols) {
    std::string expr = column_expression ? column_expression(c) : std::string();
    list += (list.empty() ? "" : ", ") + (expr.empty() ? sp.quote(c) : expr);
  }
  const auto table = [&](const TableRef& t) { return t.schema.empty() ? sp.quote(t.name) : sp.quote(t.schema) + "." + sp.quote(t.name); };
  std::string from = req.query.empty() ? table(req.table) : "(" + req.query + ")" + sp.subquery_alias;
  s.sql = "SELECT " + list + " FROM " + from;
  std::vector<std::string> conds;
  if (!req.where.empty()) conds.push_back("(" + req.where + ")");
  if (req.shard_count > 1) {
    // Deterministic whatever the table holds (growing tables included); the double
    // modulo keeps negative keys in range on every dialect.
    const std::string n = std::to_string(req.shard_count);
    const auto mod = [&](const std::string& e) { return sp.modulo ? sp.modulo(e, n) : "((" + e + ") % " + n + ")"; };
    conds.push_back("(" + mod(mod(sp.quote(req.shard_column)) + " + " + n) + " = " + std::to_string(req.shard_index) + ")");
  }
  std::size_t next = 0;
  if (!req.range_column.empty()) {
    for (const auto& [bound, op] : {std::pair{&req.range_from, " >= "}, std::pair{&req.range_to, " < "}}) {
      if (bound->is_null()) continue;
      conds.push_back(sp.quote(req.range_column) + op + sp.placeholder(next++));
      s.params.push_back(bound);
      s.param_columns.push_back(req.range_column);
    }
  }
  if (!req.resume_after.empty()) {
    std::vector<std::size_t> idx;
    conds.push_back(after_key_condition(req.order_by, sp, next, idx));
    for (std::size_t i : idx) {
      s.params.push_back(&req.resume_after[i]);
      s.param_columns.push_back(req.order_by[i]);
    }
  }
  for (std::size_t i = 0; i < conds.size(); ++i) s.sql += (i ? " AND " : " WHERE ") + conds[i];
  if (!req.order_by.empty()) {
    s.sql += " ORDER BY ";
    for (std::size_t i = 0; i < req.order_by.size(); ++i) s.sql += (i ? ", " : "") + sp.quote(req.order_by[i]);
  }
  return s;
}

Select keyed_select(const ExtractRequest& req, char q, const std::vector<std::string>& all_columns,
                    const std::string& (*placeholder)(std::size_t),
                    const std::function<std::string(const std::string&)>& column_expression) {
  SelectSpelling sp;
  sp.quote = [q](const std::string& name) { return quote(name, q); };
  sp.placeholder = placeholder;
  return keyed_select(req, sp, all_columns, column_expression);
}

}  // namespace sluice::sql

namespace sluice::sql {


std::vector<TypeInfo> target_types(const Schema& incoming, const Schema& target, const TableRef& table) {
  std::vector<TypeInfo> out;
  for (const auto& c : incoming.columns) {
    auto idx = target.index_of(c.name);
    if (!idx) throw Error(ErrorClass::config, "column '" + c.name + "' does not exist in target table " + table.display());
    out.push_back(target.columns[*idx].type);
  }
  return out;
}

void type_args(const std::string& s, int& a, int& b) {
  a = b = 0;
  auto open = s.find('(');
  if (open == std::string::npos) return;
  a = std::atoi(s.c_str() + open + 1);
  auto comma = s.find(',', open);
  auto close = s.find(')', open);
  if (comma != std::string::npos && comma < close) b = std::atoi(s.c_str() + comma + 1);
}

}  // namespace sluice::sql
