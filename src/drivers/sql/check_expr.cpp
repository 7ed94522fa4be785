#include "drivers/sql/check_expr.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace sluice::sql {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80; }

const std::set<std::string> kKeywords = {"AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "IS", "NULL", "TRUE", "FALSE"};
const std::set<std::string> kFunctions = {"ABS", "LOWER", "UPPER", "COALESCE"};
const std::set<std::string> kOperators = {"=", "<>", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "(", ")", ","};

}  // namespace

std::optional<std::vector<CheckDef::Token>> read_check(const std::string& e, const std::vector<std::string>& columns) {
  std::vector<CheckDef::Token> out;
  std::size_t i = 0;
  while (i < e.size()) {
    const char c = e[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (c == '\'') {  // string literal, kept with its quotes ('' stays doubled)
      std::size_t j = i + 1;
      for (; j < e.size(); ++j)
        if (e[j] == '\'') {
          if (j + 1 < e.size() && e[j + 1] == '\'') ++j;
          else break;
        } else if (e[j] == '\\') {
          return std::nullopt;  // MySQL's backslash escapes mean something else elsewhere
        }
      if (j >= e.size()) return std::nullopt;
      out.push_back({false, e.substr(i, j - i + 1)});
      i = j + 1;
    } else if (c == ':' && i + 1 < e.size() && e[i + 1] == ':') {
      // A cast: dropped after a literal or a parenthesised literal, refused after a column.
      if (out.empty() || out.back().column) return std::nullopt;
      i += 2;
      while (i < e.size() && (ident_char(e[i]) || e[i] == ' ')) {
        // "character varying" is one type name; stop before a keyword that follows.
        std::size_t j = i;
        while (j < e.size() && e[j] == ' ') ++j;
        std::size_t k = j;
        while (k < e.size() && ident_char(e[k])) ++k;
        const std::string word = upper(e.substr(j, k - j));
        if (word.empty() || (j > i && (kKeywords.count(word) || word == "ANY"))) break;
        i = k;
      }
      if (i < e.size() && e[i] == '[') return std::nullopt;  // an array type
    } else if (c == '"' || c == '`') {
      const std::size_t j = e.find(c, i + 1);
      if (j == std::string::npos) return std::nullopt;
      const std::string name = e.substr(i + 1, j - i - 1);
      if (std::find(columns.begin(), columns.end(), name) == columns.end()) return std::nullopt;
      out.push_back({true, name});
      i = j + 1;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && i + 1 < e.size() && std::isdigit(static_cast<unsigned char>(e[i + 1])))) {
      std::size_t j = i;
      while (j < e.size() && (std::isdigit(static_cast<unsigned char>(e[j])) || e[j] == '.')) ++j;
      out.push_back({false, e.substr(i, j - i)});
      i = j;
    } else if (ident_char(c)) {
      std::size_t j = i;
      while (j < e.size() && ident_char(e[j])) ++j;
      const std::string word = e.substr(i, j - i);
      std::size_t next = j;
      while (next < e.size() && e[next] == ' ') ++next;
      const bool call = next < e.size() && e[next] == '(';
      if (kKeywords.count(upper(word))) {  // "AND (" is not a call
        out.push_back({false, upper(word)});
      } else if (call) {
        if (!kFunctions.count(upper(word))) return std::nullopt;
        out.push_back({false, upper(word)});
      } else if (std::find(columns.begin(), columns.end(), word) != columns.end()) {
        out.push_back({true, word});
      } else {
        return std::nullopt;
      }
      i = j;
    } else {
      std::string op(1, c);
      if (i + 1 < e.size() && kOperators.count(op + e[i + 1])) op += e[i + 1];
      if (!kOperators.count(op)) return std::nullopt;
      out.push_back({false, op});
      i += op.size();
    }
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::string write_check(const std::vector<CheckDef::Token>& expression, const std::function<std::string(const std::string&)>& quote) {
  std::string out;
  const CheckDef::Token* previous = nullptr;
  for (const auto& t : expression) {
    // MySQL reads "LOWER (" as a name, not a call: no space after a function.
    const bool call = t.text == "(" && previous && !previous->column && kFunctions.count(previous->text);
    const bool tight = !out.empty() && (out.back() == '(' || t.text == ")" || t.text == "," || call);
    previous = &t;
    if (!out.empty() && !tight) out += ' ';
    out += t.column ? quote(t.text) : t.text;
  }
  return out;
}

}  // namespace sluice::sql
