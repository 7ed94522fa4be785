#include "sluice/schema.h"

#include "sluice/status.h"

namespace sluice {

TableRef TableRef::parse(const std::string& dotted) {
  auto dot = dotted.find('.');
  if (dot == std::string::npos) return {"", dotted};
  return {dotted.substr(0, dot), dotted.substr(dot + 1)};
}

std::optional<std::size_t> Schema::index_of(const std::string& name) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return i;
  return std::nullopt;
}

std::vector<std::string> Schema::names() const {
  std::vector<std::string> out;
  for (const auto& c : columns) out.push_back(c.name);
  return out;
}

Schema Schema::project(const std::vector<std::string>& picked, const TableRef& table) const {
  if (picked.empty()) return *this;
  Schema out;
  out.primary_key = primary_key;
  for (const auto& n : picked) {
    auto idx = index_of(n);
    if (!idx) throw Error(ErrorClass::config, "column '" + n + "' does not exist in " + table.display());
    out.columns.push_back(columns[*idx]);
  }
  return out;
}

bool glob_match(const std::string& p, const std::string& t) {
  std::size_t pi = 0, ti = 0, star = std::string::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) { ++pi; ++ti; }
    else if (pi < p.size() && p[pi] == '*') { star = pi++; mark = ti; }
    else if (star != std::string::npos) { pi = star + 1; ti = ++mark; }
    else return false;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace sluice
