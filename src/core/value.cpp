#include "sluice/value.h"

#include <charconv>
#include <cstring>
#include <limits>

#include "sluice/status.h"

namespace sluice {

const char* kind_name(Value::Kind k) {
  switch (k) {
    case Value::Kind::null: return "null";
    case Value::Kind::boolean: return "boolean";
    case Value::Kind::int64: return "integer";
    case Value::Kind::uint64: return "unsigned integer";
    case Value::Kind::float64: return "double";
    case Value::Kind::decimal: return "decimal";
    case Value::Kind::text: return "text";
    case Value::Kind::bytes: return "bytes";
    case Value::Kind::date: return "date";
    case Value::Kind::time: return "time";
    case Value::Kind::timestamp: return "timestamp";
    case Value::Kind::timestamptz: return "timestamptz";
    case Value::Kind::json: return "json";
    case Value::Kind::uuid: return "uuid";
  }
  return "?";
}

void Value::append_text(std::string& out) const {
  switch (kind_) {
    case Kind::null: return;
    case Kind::boolean: out += i_ ? "true" : "false"; return;
    case Kind::int64: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, i_);
      out.append(buf, r.ptr);
      return;
    }
    case Kind::uint64: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, u_);
      out.append(buf, r.ptr);
      return;
    }
    case Kind::float64: convert::format_double(d_, out); return;
    case Kind::date: convert::format_date(i_, out); return;
    case Kind::time: convert::format_time(i_, out); return;
    case Kind::timestamp: convert::format_timestamp(i_, out); return;
    case Kind::timestamptz: convert::format_timestamp(i_, out); out += "+00"; return;
    case Kind::decimal:
    case Kind::text:
    case Kind::bytes:
    case Kind::json:
    case Kind::uuid: out += s_; return;
  }
}

std::string Value::to_text() const {
  std::string s;
  append_text(s);
  return s;
}

bool Value::operator==(const Value& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::null: return true;
    case Kind::uint64: return u_ == o.u_;
    case Kind::float64: return d_ == o.d_ || (d_ != d_ && o.d_ != o.d_);
    case Kind::decimal: case Kind::text: case Kind::bytes: case Kind::json: case Kind::uuid:
      return s_ == o.s_;
    default: return i_ == o.i_;
  }
}

namespace convert {

// Howard Hinnant's civil calendar algorithms.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

namespace {
constexpr std::int64_t kMicrosPerDay = 86400LL * 1000000LL;

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
unsigned days_in_month(std::int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Parses "HH:MM:SS[.ffffff]" at pos; sets micros and the end position.
bool parse_clock(std::string_view s, std::size_t pos, std::int64_t& micros, std::size_t& end) {
  int hh, mm, ss;
  if (!digits(s, pos, 2, hh) || pos + 2 >= s.size() || s[pos + 2] != ':' ||
      !digits(s, pos + 3, 2, mm) || pos + 5 >= s.size() || s[pos + 5] != ':' ||
      !digits(s, pos + 6, 2, ss))
    return false;
  if (hh > 24 || mm > 59 || ss > 59) return false;
  std::size_t i = pos + 8;
  std::int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (n < 6) { frac = frac * 10 + (s[i] - '0'); ++n; }
      else if (s[i] != '0') return false;  // more than microsecond precision: not exact
      ++i;
    }
    if (n == 0) return false;
    for (; n < 6; ++n) frac *= 10;
  }
  micros = ((hh * 60LL + mm) * 60LL + ss) * 1000000LL + frac;
  if (hh == 24 && micros != 24LL * 3600 * 1000000) return false;
  end = i;
  return true;
}

bool parse_civil_date(std::string_view s, std::int64_t& days, std::size_t& end) {
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && s[i] == '-') { neg = true; ++i; }
  std::size_t ystart = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i - ystart < 4 || i - ystart > 6) return false;
  std::int64_t y = 0;
  for (std::size_t k = ystart; k < i; ++k) y = y * 10 + (s[k] - '0');
  if (neg) y = -y;
  int m, d;
  if (i >= s.size() || s[i] != '-' || !digits(s, i + 1, 2, m) || i + 3 >= s.size() ||
      s[i + 3] != '-' || !digits(s, i + 4, 2, d))
    return false;
  if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, m)) return false;
  days = days_from_civil(y, m, d);
  end = i + 6;
  return true;
}
}  // namespace

std::optional<std::int64_t> parse_date(std::string_view s) {
  std::int64_t days;
  std::size_t end;
  if (!parse_civil_date(s, days, end) || end != s.size()) return std::nullopt;
  return days;
}

std::optional<std::int64_t> parse_time(std::string_view s) {
  std::int64_t micros;
  std::size_t end;
  if (!parse_clock(s, 0, micros, end) || end != s.size()) return std::nullopt;
  return micros;
}

std::optional<std::int64_t> parse_timestamp(std::string_view s, bool with_tz) {
  std::int64_t days;
  std::size_t i;
  if (!parse_civil_date(s, days, i)) return std::nullopt;
  std::int64_t micros = 0;
  if (i < s.size()) {
    if (s[i] != ' ' && s[i] != 'T') return std::nullopt;
    if (!parse_clock(s, i + 1, micros, i)) return std::nullopt;
  }
  std::int64_t total = days * kMicrosPerDay + micros;
  if (i < s.size()) {
    if (!with_tz) return std::nullopt;
    if (s[i] == 'Z' && i + 1 == s.size()) return total;
    if (s[i] != '+' && s[i] != '-') return std::nullopt;
    int sign = s[i] == '-' ? -1 : 1;
    int hh = 0, mm = 0, ss = 0;
    if (!digits(s, i + 1, 2, hh)) return std::nullopt;
    i += 3;
    if (i < s.size()) {
      if (s[i] == ':') ++i;
      if (!digits(s, i, 2, mm)) return std::nullopt;
      i += 2;
      if (i < s.size()) {
        if (s[i] == ':') ++i;
        if (!digits(s, i, 2, ss)) return std::nullopt;
        i += 2;
      }
    }
    if (i != s.size()) return std::nullopt;
    total -= sign * ((hh * 60LL + mm) * 60LL + ss) * 1000000LL;
  }
  return total;
}

namespace {
// Fixed-width zero-padded digits written backwards into a small buffer, appended once:
// formatting is on the hot path of every temporal value (snprintf was a tenth of a
// SQLite copy's instructions; appending a character at a time still 4% of a PostgreSQL
// -> SQLite copy's).
char* put_digits(char* p, std::uint64_t v, int width) {
  char* end = p + width;
  for (char* q = end; q > p;) {
    *--q = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  if (v) {  // wider than `width` (a year past 9999): the digits in front
    char more[24];
    int n = 0;
    while (v) { more[n++] = static_cast<char>('0' + v % 10); v /= 10; }
    std::memmove(p + n, p, static_cast<std::size_t>(width));
    for (int i = 0; i < n; ++i) p[i] = more[n - 1 - i];
    end += n;
  }
  return end;
}

char* put_date(char* p, std::int64_t days) {
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  if (y < 0) { *p++ = '-'; y = -y; }
  p = put_digits(p, static_cast<std::uint64_t>(y), 4);
  *p++ = '-';
  p = put_digits(p, m, 2);
  *p++ = '-';
  return put_digits(p, d, 2);
}

char* put_time(char* p, std::int64_t micros) {
  std::int64_t secs = micros / 1000000, frac = micros % 1000000;
  p = put_digits(p, static_cast<std::uint64_t>(secs / 3600), 2);
  *p++ = ':';
  p = put_digits(p, static_cast<std::uint64_t>(secs / 60 % 60), 2);
  *p++ = ':';
  p = put_digits(p, static_cast<std::uint64_t>(secs % 60), 2);
  if (frac) {
    // Always six digits, as Python's isoformat and MySQL's DATETIME(6) write them.
    *p++ = '.';
    p = put_digits(p, static_cast<std::uint64_t>(frac), 6);
  }
  return p;
}
}  // namespace

void format_date(std::int64_t days, std::string& out) {
  char buf[48];
  out.append(buf, static_cast<std::size_t>(put_date(buf, days) - buf));
}

void format_time(std::int64_t micros, std::string& out) {
  char buf[48];
  out.append(buf, static_cast<std::size_t>(put_time(buf, micros) - buf));
}

void format_timestamp(std::int64_t micros, std::string& out) {
  std::int64_t days = micros / kMicrosPerDay, rem = micros % kMicrosPerDay;
  if (rem < 0) { rem += kMicrosPerDay; --days; }
  char buf[80];
  char* p = put_date(buf, days);
  *p++ = ' ';
  out.append(buf, static_cast<std::size_t>(put_time(p, rem) - buf));
}

bool is_canonical_decimal(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  std::size_t start = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  std::size_t int_digits = i - start;
  if (int_digits == 0 || (int_digits > 1 && s[start] == '0')) return false;
  bool all_zero = int_digits == 1 && s[start] == '0';
  if (i < s.size()) {
    if (s[i] != '.' || i + 1 == s.size()) return false;
    for (++i; i < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      all_zero = all_zero && s[i] == '0';
    }
  }
  return !(s[0] == '-' && all_zero);  // "-0" is written "0"
}

std::optional<std::string> canonical_decimal(std::string_view s) {
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) { neg = s[i] == '-'; ++i; }
  std::string intpart, frac;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') intpart += s[i++];
  bool point = false;
  if (i < s.size() && s[i] == '.') {
    point = true;
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') frac += s[i++];
  }
  if (i != s.size() || (intpart.empty() && frac.empty())) return std::nullopt;
  (void)point;
  std::size_t nz = intpart.find_first_not_of('0');
  intpart = nz == std::string::npos ? "0" : intpart.substr(nz);
  // Keep trailing fraction zeros: they carry the scale (1.50 stays 1.50).
  bool zero = intpart == "0" && frac.find_first_not_of('0') == std::string::npos;
  std::string out;
  if (neg && !zero) out += '-';
  out += intpart;
  if (!frac.empty()) { out += '.'; out += frac; }
  return out;
}

bool decimal_fits(std::string_view c, int precision, int scale) {
  if (precision <= 0) return true;
  if (!c.empty() && c[0] == '-') c.remove_prefix(1);
  auto dot = c.find('.');
  std::string_view ip = c.substr(0, dot);
  std::string_view fp = dot == std::string_view::npos ? std::string_view{} : c.substr(dot + 1);
  while (!fp.empty() && fp.back() == '0') fp.remove_suffix(1);
  if (static_cast<int>(fp.size()) > scale) return false;
  int int_digits = ip == "0" ? 0 : static_cast<int>(ip.size());
  return int_digits <= precision - scale;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  std::int64_t v;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> parse_uint(std::string_view s) {
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  std::uint64_t v;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<double> parse_double(std::string_view s) {
  if (s == "NaN" || s == "nan") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity" || s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity" || s == "-inf") return -std::numeric_limits<double>::infinity();
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  double v;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(std::string_view s) {
  if (s == "1" || s == "t" || s == "true" || s == "TRUE" || s == "True" || s == "y" || s == "yes")
    return true;
  if (s == "0" || s == "f" || s == "false" || s == "FALSE" || s == "False" || s == "n" || s == "no")
    return false;
  return std::nullopt;
}

void format_double(double v, std::string& out) {
  if (v != v) { out += "NaN"; return; }
  if (v == std::numeric_limits<double>::infinity()) { out += "Infinity"; return; }
  if (v == -std::numeric_limits<double>::infinity()) { out += "-Infinity"; return; }
  char buf[40];
  auto r = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip form
  out.append(buf, r.ptr);
}

bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size(), i = 0;
  while (i < n) {
    // ASCII runs eight bytes at a time: most text is ASCII, and this check was 8% of a
    // PostgreSQL -> SQLite copy's instructions byte by byte.
    while (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, p + i, 8);
      if (word & 0x8080808080808080ULL) break;
      i += 8;
    }
    if (i >= n) break;
    unsigned char c = p[i];
    if (c < 0x80) { ++i; continue; }
    int len;
    std::uint32_t cp;
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > n) return false;
    for (int k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

std::string repair_text(std::string_view s, bool replace) {
  static const char kReplacement[] = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (c != 0 && len > 0 && i + len <= s.size() && valid_utf8(s.substr(i, len))) {
      out.append(s.data() + i, len);
      i += len;
    } else {
      if (replace) out += kReplacement;
      ++i;
    }
  }
  return out;
}

void to_utf8(std::string_view in, const std::string& encoding, std::string& out) {
  // Windows-1252's 0x80-0x9F block (0 where undefined: kept as the C1 control).
  static const char16_t kCp1252[32] = {0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
                                       0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
                                       0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};
  out.clear();
  if (encoding == "utf8") { out.assign(in.data(), in.size()); return; }
  for (unsigned char c : in) {
    unsigned cp = c;
    if (encoding == "cp1252" && c >= 0x80 && c < 0xA0 && kCp1252[c - 0x80]) cp = kCp1252[c - 0x80];
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
    else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
}

std::string hex_encode(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) { out += kHex[c >> 4]; out += kHex[c & 15]; }
  return out;
}

std::optional<std::string> hex_decode(std::string_view hex) {
  if (hex.size() % 2) return std::nullopt;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int a = nib(hex[i]), b = nib(hex[i + 1]);
    if (a < 0 || b < 0) return std::nullopt;
    out += static_cast<char>(a * 16 + b);
  }
  return out;
}

}  // namespace convert
}  // namespace sluice
