#include "drivers/sql/source_default.h"

#include "drivers/sql/sql_text.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace sluice::sql {
namespace {

std::string trim(std::string s) {
  auto blank = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && blank(s.back())) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && blank(s[i])) ++i;
  return s.substr(i);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "(x)" → "x" while the parentheses enclose all of it.
std::string unwrap(std::string s) {
  for (s = trim(s); s.size() >= 2 && s.front() == '(' && s.back() == ')';) {
    int depth = 0;
    bool whole = true;
    for (std::size_t i = 0; i < s.size(); ++i) {
      depth += s[i] == '(' ? 1 : s[i] == ')' ? -1 : 0;
      if (depth == 0 && i + 1 < s.size()) whole = false;
    }
    if (!whole) break;
    s = trim(s.substr(1, s.size() - 2));
  }
  return s;
}

// PostgreSQL writes a literal's type after it: 'x'::character varying, (0)::numeric.
std::string strip_cast(const std::string& s) {
  bool quoted = false;
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] == '\'') quoted = !quoted;
    if (!quoted && s[i] == ':' && s[i + 1] == ':') return trim(s.substr(0, i));
  }
  return s;
}

// 'it''s' → it's; nullopt when s is not one whole quoted literal.
std::optional<std::string> unquote(const std::string& s, bool backslash_escapes) {
  if (s.size() < 2 || s.front() != '\'' || s.back() != '\'') return std::nullopt;
  std::string out;
  for (std::size_t i = 1; i + 1 < s.size(); ++i) {
    if (s[i] == '\'') {
      if (s[i + 1] != '\'' || i + 2 >= s.size()) return std::nullopt;
      ++i;
    } else if (backslash_escapes && s[i] == '\\' && i + 2 < s.size()) {
      ++i;
    }
    out += s[i];
  }
  return out;
}

ColumnDefault::Kind function_kind(std::string f) {
  f = lower(f);
  f.erase(std::remove(f.begin(), f.end(), ' '), f.end());
  // current_timestamp(6) and now() alike; the precision is the column's.
  if (auto paren = f.find('('); paren != std::string::npos && f.back() == ')') {
    const std::string args = f.substr(paren + 1, f.size() - paren - 2);
    if (!args.empty() && !std::all_of(args.begin(), args.end(), ::isdigit)) return ColumnDefault::Kind::untranslatable;
    f = f.substr(0, paren);
  }
  static const std::set<std::string> timestamps = {"current_timestamp", "now", "localtimestamp", "transaction_timestamp",
                                                   "statement_timestamp", "clock_timestamp"};
  static const std::set<std::string> dates = {"current_date", "curdate"};
  static const std::set<std::string> times = {"current_time", "curtime", "localtime"};
  static const std::set<std::string> uuids = {"gen_random_uuid", "uuid_generate_v4", "uuid"};
  if (timestamps.count(f)) return ColumnDefault::Kind::current_timestamp;
  if (dates.count(f)) return ColumnDefault::Kind::current_date;
  if (times.count(f)) return ColumnDefault::Kind::current_time;
  if (uuids.count(f)) return ColumnDefault::Kind::uuid;
  return ColumnDefault::Kind::untranslatable;
}

}  // namespace

ColumnDefault read_default(const std::string& text, bool backslash_escapes) {
  ColumnDefault d;
  const std::string s = unwrap(strip_cast(unwrap(text)));
  if (s.empty()) return d;
  if (lower(s) == "null") {
    d.kind = ColumnDefault::Kind::null;
    return d;
  }
  if (auto literal = unquote(s, backslash_escapes)) {
    d.kind = ColumnDefault::Kind::literal;
    d.text = *literal;
    return d;
  }
  if (numeric_literal(s)) {
    d.kind = ColumnDefault::Kind::literal;
    d.text = s[0] == '+' ? s.substr(1) : s;
    return d;
  }
  if (lower(s) == "true" || lower(s) == "false") {
    d.kind = ColumnDefault::Kind::literal;
    d.text = lower(s);
    return d;
  }
  d.kind = function_kind(s);
  if (d.kind == ColumnDefault::Kind::untranslatable) d.text = trim(text);
  return d;
}

}  // namespace sluice::sql
