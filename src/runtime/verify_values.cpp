#include "runtime/verify_values.h"

#include <cmath>
#include <nlohmann/json.hpp>

namespace sluice::runtime {
namespace {

using K = Value::Kind;

bool numeric(K k) { return k == K::int64 || k == K::uint64 || k == K::decimal || k == K::float64 || k == K::boolean; }

// "001.500" and "1.5" are the same number: compare decimal text without redundant zeros.
std::string normalized_number(const Value& v) {
  std::string s = v.kind() == K::boolean ? (v.as_bool() ? "1" : "0") : v.to_text();
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// Orders keys the way the databases are asked to sort them (numbers numerically,
// text by bytes as in the C and _bin collations).
int compare_key_value(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() == b.is_null() ? 0 : (a.is_null() ? -1 : 1);
  if (numeric(a.kind()) && numeric(b.kind())) {
    if (a.kind() == K::int64 && b.kind() == K::int64) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int();
    long double x = std::strtold(normalized_number(a).c_str(), nullptr), y = std::strtold(normalized_number(b).c_str(), nullptr);
    return x < y ? -1 : x > y;
  }
  bool ta = a.kind() >= K::date && a.kind() <= K::timestamptz, tb = b.kind() >= K::date && b.kind() <= K::timestamptz;
  if (ta && tb) {
    auto micros = [](const Value& v) { return v.kind() == K::date ? v.as_temporal() * 86400000000LL : v.as_temporal(); };
    return micros(a) < micros(b) ? -1 : micros(a) > micros(b);
  }
  std::string x = a.to_text(), y = b.to_text();
  return x.compare(y) < 0 ? -1 : x.compare(y) > 0;
}

}  // namespace

int compare_keys(const std::vector<Value>& a, const std::vector<Value>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (int c = compare_key_value(a[i], b[i])) return c;
  return 0;
}

std::string show_key(const std::vector<std::string>& names, const std::vector<Value>& key) {
  std::string s = "(";
  for (std::size_t i = 0; i < key.size(); ++i)
    s += (i ? ", " : "") + names[i] + "=" + (key[i].is_null() ? "NULL" : key[i].to_text());
  return s + ")";
}

bool same_value(const Value& a, const Value& b, const std::optional<double>& tol) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.kind() == K::float64 || b.kind() == K::float64) {
    if (!numeric(a.kind()) || !numeric(b.kind())) return false;
    double x = std::strtod(normalized_number(a).c_str(), nullptr), y = std::strtod(normalized_number(b).c_str(), nullptr);
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
    if (tol) return std::fabs(x - y) <= *tol;
    // A float column travels as the exact double it holds; compare as floats when one
    // side is single precision text.
    return x == y || static_cast<float>(x) == static_cast<float>(y);
  }
  if (numeric(a.kind()) && numeric(b.kind())) return normalized_number(a) == normalized_number(b);
  bool ta = a.kind() >= K::date && a.kind() <= K::timestamptz, tb = b.kind() >= K::date && b.kind() <= K::timestamptz;
  if (ta || tb) {
    if (ta && tb) return compare_key_value(a, b) == 0 && (a.kind() == K::time) == (b.kind() == K::time);
    // A temporal value against text: compare the text forms parsed.
    const Value& t = ta ? a : b;
    const Value& s = ta ? b : a;
    if (s.kind() != K::text) return false;
    auto parsed = t.kind() == K::date ? convert::parse_date(s.str()) : t.kind() == K::time ? convert::parse_time(s.str())
                                                                                        : convert::parse_timestamp(s.str(), true);
    return parsed && *parsed == t.as_temporal();
  }
  if (a.kind() == K::json || b.kind() == K::json) {
    auto x = nlohmann::json::parse(a.str(), nullptr, false), y = nlohmann::json::parse(b.str(), nullptr, false);
    return !x.is_discarded() && !y.is_discarded() && x == y;
  }
  if (a.kind() == K::uuid || b.kind() == K::uuid) {
    std::string x = a.str(), y = b.str();
    for (auto& c : x) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto& c : y) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return x == y;
  }
  if (numeric(a.kind()) != numeric(b.kind())) return normalized_number(a) == normalized_number(b);
  if ((a.kind() == K::bytes) != (b.kind() == K::bytes)) {
    // Bytes stored as text (a CSV file) are in bytea's hex form: compare what it encodes.
    const Value& text = a.kind() == K::bytes ? b : a;
    const Value& bytes = a.kind() == K::bytes ? a : b;
    if (text.kind() == K::text && text.str().rfind("\\x", 0) == 0) {
      auto decoded = convert::hex_decode(std::string_view(text.str()).substr(2));
      return decoded && *decoded == bytes.str();
    }
  }
  return a.str() == b.str();  // text and bytes: exactly the same bytes
}

}  // namespace sluice::runtime
