#include "runtime/row_digest.h"

#include <cctype>

#include "transforms/hash.h"

namespace sluice::runtime {

using K = Value::Kind;

namespace {

void append_number_text(const Value& v, std::string& out) {
  const std::size_t start = out.size();
  v.append_text(out);
  if (out.find('.', start) == std::string::npos) return;
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Times always with six fractional digits (format_time leaves out a zero fraction).
void append_six_digit_fraction(std::size_t start, std::string& out) {
  if (out.find('.', start) == std::string::npos) out += ".000000";
}

}  // namespace

void append_canonical(const Value& v, const TypeInfo& t, std::string& out) {
  if (digest_text_is_text(t)) {
    if (v.is_null()) { out += 'N'; return; }
    std::string_view s;
    std::string printed;
    if (v.kind() == K::text || v.kind() == K::bytes || v.kind() == K::json || v.kind() == K::decimal) s = v.str();
    else s = printed = v.to_text();
    if (t.id == TypeId::uuid) s = printed = lowercase(s);
    out += std::to_string(s.size());
    out += ':';
    out += s;
    return;
  }
  if (v.is_null()) { out += "N,"; return; }
  const std::size_t start = out.size();
  switch (v.kind()) {
    case K::boolean: out += v.as_bool() ? '1' : '0'; break;
    case K::decimal: append_number_text(v, out); break;
    case K::bytes: out += convert::hex_encode(v.str()); break;
    case K::time:
      convert::format_time(v.as_temporal(), out);
      append_six_digit_fraction(start, out);
      break;
    case K::timestamp:
    case K::timestamptz:
      convert::format_timestamp(v.as_temporal(), out);
      append_six_digit_fraction(start + 11, out);
      break;
    case K::text: out += v.str(); break;
    default: v.append_text(out); break;  // integers, dates
  }
  out += ',';
}

void add_row(std::string_view canonical_row, RangeDigest& digest) {
  const std::string hex = transforms::md5_hex(canonical_row);
  std::int64_t h = 0;
  for (std::size_t i = 0; i < 15; ++i) {
    const char c = hex[i];
    h = h * 16 + (c <= '9' ? c - '0' : c - 'a' + 10);
  }
  ++digest.rows;
  digest.sum += h;
}

std::int64_t range_of(const Value& key, std::int64_t base, std::int64_t width) {
  // A key that is not an integer where the column is one (a SQLite text): the range
  // that is always read row by row.
  if (key.kind() != K::int64 && key.kind() != K::uint64) return kNullRange;
  const __int128 k = key.kind() == K::uint64 ? static_cast<__int128>(key.as_uint()) : key.as_int();
  const __int128 d = k - base;
  __int128 r = d / width;
  if (d % width != 0 && d < 0) --r;
  return static_cast<std::int64_t>(r);
}

}  // namespace sluice::runtime
