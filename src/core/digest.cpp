#include "sluice/digest.h"

namespace sluice {

bool has_digest_text(const TypeInfo& t) {
  return t.id != TypeId::float32 && t.id != TypeId::float64 && t.id != TypeId::json;
}

bool digest_text_is_text(const TypeInfo& t) {
  return t.id == TypeId::char_ || t.id == TypeId::varchar || t.id == TypeId::text || t.id == TypeId::enum_ ||
         t.id == TypeId::uuid;  // a uuid is a char(36) on databases without the type
}

std::optional<__int128> parse_digest_sum(std::string_view text) {
  if (text.empty()) return __int128{0};  // SUM of no rows
  bool negative = text[0] == '-';
  if (negative) text.remove_prefix(1);
  // MySQL prints a DECIMAL sum with the scale it kept (none for integers).
  if (auto dot = text.find('.'); dot != std::string_view::npos) {
    for (char c : text.substr(dot + 1))
      if (c != '0') return std::nullopt;
    text = text.substr(0, dot);
  }
  if (text.empty() || text.size() > 36) return std::nullopt;
  __int128 v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
}

}  // namespace sluice
