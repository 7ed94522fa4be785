#include "drivers/postgres/pg_binary.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "sluice/status.h"

namespace sluice::postgres {
namespace {

// PostgreSQL's epoch for dates and timestamps: 2000-01-01.
constexpr std::int64_t kEpochDays = 10957;
constexpr std::int64_t kEpochMicros = kEpochDays * 86400LL * 1000000LL;

void put16(std::string& out, std::uint16_t v) {
  const char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 2);
}
void put32(std::string& out, std::uint32_t v) {
  const char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
  out.append(b, 4);
}
void put64(std::string& out, std::uint64_t v) {
  put32(out, static_cast<std::uint32_t>(v >> 32));
  put32(out, static_cast<std::uint32_t>(v));
}
// Writes the length of a field whose bytes were appended after position `at`.
void patch32(std::string& out, std::size_t at) {
  const auto n = static_cast<std::uint32_t>(out.size() - at - 4);
  out[at] = static_cast<char>(n >> 24);
  out[at + 1] = static_cast<char>(n >> 16);
  out[at + 2] = static_cast<char>(n >> 8);
  out[at + 3] = static_cast<char>(n);
}

[[noreturn]] void out_of_range(const Value& v, const char* type) {
  throw Error(ErrorClass::data, "value " + v.to_text() + " is out of range for type " + type, "22003");
}

std::int64_t integer(const Value& v, std::int64_t lo, std::int64_t hi, const char* type) {
  if (v.kind() == Value::Kind::uint64) {
    if (v.as_uint() > static_cast<std::uint64_t>(hi)) out_of_range(v, type);
    return static_cast<std::int64_t>(v.as_uint());
  }
  if (v.kind() == Value::Kind::boolean) return v.as_bool() ? 1 : 0;
  if (v.as_int() < lo || v.as_int() > hi) out_of_range(v, type);
  return v.as_int();
}

// numeric_recv's form: ndigits, weight (of the first base-10000 digit), sign, dscale,
// then the digits, from canonical decimal text ("-12345.678").
void append_numeric(const std::string& text, std::string& out) {
  std::string_view s = text;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  const auto dot = s.find('.');
  std::string_view int_part = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  while (int_part.size() > 1 && int_part[0] == '0') int_part.remove_prefix(1);
  if (int_part == "0") int_part = {};
  // Digits grouped by four around the decimal point.
  const std::size_t int_groups = (int_part.size() + 3) / 4;
  const std::size_t frac_groups = (frac.size() + 3) / 4;
  std::vector<std::uint16_t> groups;
  groups.reserve(int_groups + frac_groups);
  const std::size_t lead = int_part.size() - (int_groups > 0 ? (int_groups - 1) * 4 : 0);
  std::size_t pos = 0;
  for (std::size_t g = 0; g < int_groups; ++g) {
    const std::size_t len = g == 0 ? lead : 4;
    std::uint16_t d = 0;
    for (std::size_t k = 0; k < len; ++k) d = static_cast<std::uint16_t>(d * 10 + (int_part[pos + k] - '0'));
    pos += len;
    groups.push_back(d);
  }
  for (std::size_t g = 0; g < frac_groups; ++g) {
    std::uint16_t d = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const std::size_t i = g * 4 + k;
      d = static_cast<std::uint16_t>(d * 10 + (i < frac.size() ? frac[i] - '0' : 0));
    }
    groups.push_back(d);
  }
  int weight = static_cast<int>(int_groups) - 1;
  std::size_t first = 0, last = groups.size();
  while (first < last && groups[first] == 0) { ++first; --weight; }
  while (last > first && groups[last - 1] == 0) --last;
  const std::size_t n = last - first;
  if (n == 0) weight = 0;
  put16(out, static_cast<std::uint16_t>(n));
  put16(out, static_cast<std::uint16_t>(static_cast<std::int16_t>(weight)));
  put16(out, n == 0 ? 0x0000 : negative ? 0x4000 : 0x0000);
  put16(out, static_cast<std::uint16_t>(frac.size()));
  for (std::size_t i = first; i < last; ++i) put16(out, groups[i]);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_text(const std::string& s, std::string& out) {
  if (s.find('\0') != std::string::npos) throw Error(ErrorClass::data, "text contains a NUL byte, which PostgreSQL cannot store", "22021");
  out += s;
}

}  // namespace

BinaryType binary_type(const TypeInfo& t) {
  const std::string& n = t.native;
  if (t.id == TypeId::enum_) return BinaryType::text;  // enum_recv takes the label
  if (n == "boolean") return BinaryType::boolean;
  if (n == "smallint") return BinaryType::int2;
  if (n == "integer") return BinaryType::int4;
  if (n == "bigint") return BinaryType::int8;
  if (n == "real") return BinaryType::float4;
  if (n == "double precision") return BinaryType::float8;
  if (n.rfind("numeric", 0) == 0) return BinaryType::numeric;
  if (n == "text" || n.rfind("character varying", 0) == 0 || n.rfind("character(", 0) == 0 || n == "character") return BinaryType::text;
  if (n == "bytea") return BinaryType::bytea;
  if (n == "date") return BinaryType::date;
  if (n.rfind("time", 0) == 0 && n.find("without time zone") != std::string::npos && n.rfind("timestamp", 0) != 0) return BinaryType::time;
  if (n.rfind("timestamp", 0) == 0) return BinaryType::timestamp;  // with or without time zone: microseconds, UTC
  if (n == "json") return BinaryType::json;
  if (n == "jsonb") return BinaryType::jsonb;
  if (n == "uuid") return BinaryType::uuid;
  return BinaryType::none;
}

void append_binary_header(std::string& out) {
  out.append("PGCOPY\n\377\r\n\0", 11);
  put32(out, 0);  // flags: no OIDs
  put32(out, 0);  // header extension length
}

void append_binary_trailer(std::string& out) { put16(out, 0xffff); }

void append_binary_tuple_start(std::size_t fields, std::string& out) { put16(out, static_cast<std::uint16_t>(fields)); }

void append_binary_field(const Value& v, BinaryType type, std::string& out) {
  if (v.is_null()) { put32(out, 0xffffffffu); return; }
  using K = Value::Kind;
  switch (type) {
    case BinaryType::boolean: put32(out, 1); out += v.as_bool() ? '\1' : '\0'; return;
    case BinaryType::int2: put32(out, 2); put16(out, static_cast<std::uint16_t>(integer(v, -32768, 32767, "smallint"))); return;
    case BinaryType::int4:
      put32(out, 4);
      put32(out, static_cast<std::uint32_t>(integer(v, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max(), "integer")));
      return;
    case BinaryType::int8:
      put32(out, 8);
      put64(out, static_cast<std::uint64_t>(integer(v, std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max(), "bigint")));
      return;
    case BinaryType::float4: {
      const double d = v.kind() == K::float64 ? v.as_double() : v.kind() == K::uint64 ? static_cast<double>(v.as_uint()) : static_cast<double>(v.as_int());
      const float f = static_cast<float>(d);
      if (std::isinf(f) && !std::isinf(d)) out_of_range(v, "real");
      std::uint32_t bits;
      std::memcpy(&bits, &f, 4);
      put32(out, 4);
      put32(out, bits);
      return;
    }
    case BinaryType::float8: {
      const double d = v.kind() == K::float64 ? v.as_double() : v.kind() == K::uint64 ? static_cast<double>(v.as_uint()) : static_cast<double>(v.as_int());
      std::uint64_t bits;
      std::memcpy(&bits, &d, 8);
      put32(out, 8);
      put64(out, bits);
      return;
    }
    case BinaryType::numeric: {
      const std::size_t at = out.size();
      put32(out, 0);
      if (v.kind() == K::decimal || v.kind() == K::text) append_numeric(v.str(), out);
      else append_numeric(v.to_text(), out);  // integers (unsigned 64-bit into numeric(20,0))
      patch32(out, at);
      return;
    }
    case BinaryType::text: case BinaryType::json: case BinaryType::jsonb: {
      const std::size_t at = out.size();
      put32(out, 0);
      if (type == BinaryType::jsonb) out += '\1';  // jsonb's format version
      if (v.kind() == K::text || v.kind() == K::json || v.kind() == K::uuid || v.kind() == K::decimal) append_text(v.str(), out);
      else {
        std::string text;
        v.append_text(text);
        append_text(text, out);
      }
      patch32(out, at);
      return;
    }
    case BinaryType::bytea: put32(out, static_cast<std::uint32_t>(v.str().size())); out += v.str(); return;
    case BinaryType::date: {
      const std::int64_t days = v.as_temporal() - kEpochDays;
      if (days < std::numeric_limits<std::int32_t>::min() || days > std::numeric_limits<std::int32_t>::max()) out_of_range(v, "date");
      put32(out, 4);
      put32(out, static_cast<std::uint32_t>(static_cast<std::int32_t>(days)));
      return;
    }
    case BinaryType::time: put32(out, 8); put64(out, static_cast<std::uint64_t>(v.as_temporal())); return;
    case BinaryType::timestamp: put32(out, 8); put64(out, static_cast<std::uint64_t>(v.as_temporal() - kEpochMicros)); return;
    case BinaryType::uuid: {
      const std::string& s = v.str();
      put32(out, 16);
      const std::size_t start = out.size();
      int hi = -1;
      for (char c : s) {
        if (c == '-') continue;
        const int h = hex_value(c);
        if (h < 0) throw Error(ErrorClass::data, "'" + s + "' is not a UUID", "22P02");
        if (hi < 0) hi = h;
        else { out += static_cast<char>(hi << 4 | h); hi = -1; }
      }
      if (out.size() - start != 16 || hi >= 0) throw Error(ErrorClass::data, "'" + s + "' is not a UUID", "22P02");
      return;
    }
    case BinaryType::none: break;
  }
  throw Error(ErrorClass::internal, "no binary COPY encoding for this column");
}

namespace {

std::uint64_t be(const char* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = v << 8 | static_cast<unsigned char>(p[i]);
  return v;
}

// numeric_send's digits as canonical decimal text.
void read_numeric(const char* p, std::size_t n, const std::string& column, Value& out) {
  if (n < 8) throw Error(ErrorClass::internal, "column " + column + ": a numeric of " + std::to_string(n) + " bytes");
  const auto ndigits = static_cast<std::size_t>(be(p, 2));
  const auto weight = static_cast<std::int16_t>(be(p + 2, 2));
  const auto sign = static_cast<std::uint16_t>(be(p + 4, 2));
  const auto dscale = static_cast<std::size_t>(be(p + 6, 2));
  if (sign != 0 && sign != 0x4000)
    throw Error(ErrorClass::data, "column " + column + ": numeric NaN or infinity has no exact equivalent", "22003");
  if (n < 8 + 2 * ndigits) throw Error(ErrorClass::internal, "column " + column + ": a truncated numeric");
  char digits[4];
  const auto group = [&digits](unsigned d) -> const char* {
    for (int k = 3; k >= 0; --k, d /= 10) digits[k] = static_cast<char>('0' + d % 10);
    return digits;
  };
  const auto digit = [&](long i) -> unsigned { return i >= 0 && static_cast<std::size_t>(i) < ndigits ? static_cast<unsigned>(be(p + 8 + 2 * i, 2)) : 0u; };
  std::string& s = out.string_buffer(Value::Kind::decimal);
  if (sign == 0x4000) s += '-';
  if (weight < 0) {
    s += '0';
  } else {
    for (long i = 0; i <= weight; ++i) {
      const char* g = group(digit(i));
      if (i == 0) {  // the first group without its leading zeros
        std::size_t k = 0;
        while (k < 3 && g[k] == '0') ++k;
        s.append(g + k, 4 - k);
      } else {
        s.append(g, 4);
      }
    }
  }
  if (dscale > 0) {
    s += '.';
    std::size_t written = 0;
    for (long i = weight + 1; written < dscale; ++i) {
      const char* g = group(digit(i));
      for (int k = 0; k < 4 && written < dscale; ++k, ++written) s += g[k];
    }
  }
  // "-0.00" is written "0.00".
  if (s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos) s.erase(0, 1);
}

}  // namespace

void read_binary_field(const char* p, std::size_t n, BinaryType type, const TypeInfo& t, const std::string& column, Value& out) {
  const auto size = [&](std::size_t want) {
    if (n != want) throw Error(ErrorClass::internal, "column " + column + ": " + std::to_string(n) + " bytes where " + std::to_string(want) + " were expected");
  };
  switch (type) {
    case BinaryType::boolean: size(1); out.set_bool(*p != 0); return;
    case BinaryType::int2: size(2); out.set_int(static_cast<std::int16_t>(be(p, 2))); return;
    case BinaryType::int4: size(4); out.set_int(static_cast<std::int32_t>(be(p, 4))); return;
    case BinaryType::int8: size(8); out.set_int(static_cast<std::int64_t>(be(p, 8))); return;
    case BinaryType::float4: {
      size(4);
      const auto bits = static_cast<std::uint32_t>(be(p, 4));
      float f;
      std::memcpy(&f, &bits, 4);
      out.set_double(static_cast<double>(f));
      return;
    }
    case BinaryType::float8: {
      size(8);
      const std::uint64_t bits = be(p, 8);
      double d;
      std::memcpy(&d, &bits, 8);
      out.set_double(d);
      return;
    }
    case BinaryType::numeric: read_numeric(p, n, column, out); return;
    case BinaryType::text:
      if (t.id == TypeId::json) out.set_string(Value::Kind::json, std::string_view(p, n));
      else out.set_text(std::string_view(p, n));
      return;
    case BinaryType::json: out.set_string(Value::Kind::json, std::string_view(p, n)); return;
    case BinaryType::jsonb:
      if (n < 1 || *p != 1) throw Error(ErrorClass::internal, "column " + column + ": unknown jsonb format version");
      out.set_string(Value::Kind::json, std::string_view(p + 1, n - 1));
      return;
    case BinaryType::bytea: out.set_bytes(std::string_view(p, n)); return;
    case BinaryType::date: {
      size(4);
      const auto days = static_cast<std::int32_t>(be(p, 4));
      if (days == std::numeric_limits<std::int32_t>::max() || days == std::numeric_limits<std::int32_t>::min())
        throw Error(ErrorClass::data, "column " + column + ": cannot read infinity as date (infinity and BC dates are not supported)");
      out.set_date(days + kEpochDays);
      return;
    }
    case BinaryType::time: size(8); out.set_time(static_cast<std::int64_t>(be(p, 8))); return;
    case BinaryType::timestamp: {
      size(8);
      const auto us = static_cast<std::int64_t>(be(p, 8));
      if (us == std::numeric_limits<std::int64_t>::max() || us == std::numeric_limits<std::int64_t>::min())
        throw Error(ErrorClass::data, "column " + column + ": cannot read infinity as a timestamp");
      if (t.id == TypeId::timestamptz) out.set_timestamptz(us + kEpochMicros);
      else out.set_timestamp(us + kEpochMicros);
      return;
    }
    case BinaryType::uuid: {
      size(16);
      static const char* hex = "0123456789abcdef";
      std::string& s = out.string_buffer(Value::Kind::uuid);
      for (std::size_t i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
        const auto b = static_cast<unsigned char>(p[i]);
        s += hex[b >> 4];
        s += hex[b & 15];
      }
      return;
    }
    case BinaryType::none: break;
  }
  throw Error(ErrorClass::internal, "column " + column + ": no binary COPY decoding");
}

void BinaryRowReader::need(std::size_t len, std::size_t at, std::size_t n) {
  if (at + n > len) throw Error(ErrorClass::internal, "a truncated binary COPY message from PostgreSQL");
}

std::uint16_t BinaryRowReader::get16(const char* p, std::size_t len, std::size_t& at) {
  need(len, at, 2);
  const auto v = static_cast<std::uint16_t>(be(p + at, 2));
  at += 2;
  return v;
}

std::uint32_t BinaryRowReader::get32(const char* p, std::size_t len, std::size_t& at) {
  need(len, at, 4);
  const auto v = static_cast<std::uint32_t>(be(p + at, 4));
  at += 4;
  return v;
}

void BinaryRowReader::skip_header(const char* p, std::size_t len, std::size_t& at) {
  need(len, at, 19);
  if (std::memcmp(p, "PGCOPY\n\377\r\n\0", 11) != 0) throw Error(ErrorClass::internal, "PostgreSQL sent no binary COPY header");
  at = 11;
  get32(p, len, at);  // flags
  const std::uint32_t extension = get32(p, len, at);
  need(len, at, extension);
  at += extension;
}

}  // namespace sluice::postgres
