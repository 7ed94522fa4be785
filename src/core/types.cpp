#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <limits>

#include <nlohmann/json.hpp>

#include "sluice/schema.h"
#include "sluice/status.h"
#include "sluice/value.h"

namespace sluice {

const char* type_name(TypeId id) {
  switch (id) {
    case TypeId::boolean: return "boolean";
    case TypeId::int8: return "int8";
    case TypeId::int16: return "int16";
    case TypeId::int32: return "int32";
    case TypeId::int64: return "int64";
    case TypeId::decimal: return "decimal";
    case TypeId::float32: return "float32";
    case TypeId::float64: return "float64";
    case TypeId::char_: return "char";
    case TypeId::varchar: return "varchar";
    case TypeId::text: return "text";
    case TypeId::bytes: return "bytes";
    case TypeId::date: return "date";
    case TypeId::time: return "time";
    case TypeId::timestamp: return "timestamp";
    case TypeId::timestamptz: return "timestamptz";
    case TypeId::json: return "json";
    case TypeId::uuid: return "uuid";
    case TypeId::enum_: return "enum";
  }
  return "?";
}

std::string describe(const TypeInfo& t) {
  std::string s = type_name(t.id);
  if (t.id == TypeId::decimal && t.precision > 0)
    s += "(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
  else if ((t.id == TypeId::char_ || t.id == TypeId::varchar || t.id == TypeId::bytes) && t.length > 0)
    s += "(" + std::to_string(t.length) + ")";
  if (t.is_unsigned) s += " unsigned";
  return s;
}

std::optional<TypeInfo> parse_type_name(std::string_view raw) {
  std::string name;
  for (char c : raw) if (!std::isspace(static_cast<unsigned char>(c))) name += static_cast<char>(std::tolower(c));
  std::vector<int> args;
  std::string base = name;
  if (auto p = name.find('('); p != std::string::npos) {
    if (name.back() != ')') return std::nullopt;
    base = name.substr(0, p);
    std::string inner = name.substr(p + 1, name.size() - p - 2);
    std::size_t start = 0;
    while (start <= inner.size()) {
      auto comma = inner.find(',', start);
      auto part = inner.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      auto v = convert::parse_int(part);
      if (!v || *v < 0 || *v > 65535) return std::nullopt;
      args.push_back(static_cast<int>(*v));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  TypeInfo t;
  auto no_args = [&] { return args.empty(); };
  if (base == "bool" || base == "boolean") t.id = TypeId::boolean;
  else if (base == "tinyint") t.id = TypeId::int8;
  else if (base == "smallint" || base == "int2" || base == "int16") t.id = TypeId::int16;
  else if (base == "int" || base == "integer" || base == "int4" || base == "int32") t.id = TypeId::int32;
  else if (base == "bigint" || base == "int8" || base == "int64") t.id = TypeId::int64;
  else if (base == "decimal" || base == "numeric") {
    t.id = TypeId::decimal;
    if (args.size() > 2) return std::nullopt;
    if (!args.empty()) { t.precision = args[0]; t.scale = args.size() > 1 ? args[1] : 0; }
    if (t.precision > 0 && (t.scale > t.precision || t.precision > 1000)) return std::nullopt;
    args.clear();
  } else if (base == "real" || base == "float" || base == "float4" || base == "float32") t.id = TypeId::float32;
  else if (base == "double" || base == "float8" || base == "float64" || base == "double precision") t.id = TypeId::float64;
  else if (base == "char" || base == "character") {
    t.id = TypeId::char_;
    if (args.size() > 1) return std::nullopt;
    t.length = args.empty() ? 1 : args[0];
    args.clear();
  } else if (base == "varchar" || base == "charactervarying") {
    t.id = TypeId::varchar;
    if (args.size() > 1) return std::nullopt;
    t.length = args.empty() ? 0 : args[0];
    args.clear();
  } else if (base == "text" || base == "string") t.id = TypeId::text;
  else if (base == "bytes" || base == "bytea" || base == "blob" || base == "binary") t.id = TypeId::bytes;
  else if (base == "date") t.id = TypeId::date;
  else if (base == "time") t.id = TypeId::time;
  else if (base == "timestamp" || base == "datetime") t.id = TypeId::timestamp;
  else if (base == "timestamptz") t.id = TypeId::timestamptz;
  else if (base == "json" || base == "jsonb") t.id = TypeId::json;
  else if (base == "uuid") t.id = TypeId::uuid;
  else return std::nullopt;
  if (!no_args()) return std::nullopt;
  return t;
}

namespace convert {
namespace {

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

[[noreturn]] void no_fit(const Value& in, const TypeInfo& target, const char* why = nullptr) {
  std::string shown = in.kind() == Value::Kind::bytes ? "0x" + hex_encode(in.str().substr(0, 32)) : in.to_text();
  if (shown.size() > 64) shown = shown.substr(0, 61) + "...";
  std::string msg = "value '" + shown + "' (" + kind_name(in.kind()) + ") cannot be stored as " + describe(target);
  if (why) msg += std::string(": ") + why;
  throw Error(ErrorClass::data, msg, "22003");
}

// Integral decimal text such as "123.000".
void from_text_int(const std::string& c, std::size_t dot, bool& neg, std::uint64_t& mag, const Value& in,
                   const TypeInfo& t) {
  std::string_view ip(c.data(), dot);
  if (!ip.empty() && ip[0] == '-') { neg = true; ip.remove_prefix(1); }
  auto u = parse_uint(ip);
  if (!u) no_fit(in, t, "out of range");
  mag = *u;
  if (mag == 0) neg = false;
}

void integer_range(const TypeInfo& t, long double& lo, long double& hi) {
  int bits = t.id == TypeId::int8 ? 8 : t.id == TypeId::int16 ? 16 : t.id == TypeId::int32 ? 32 : 64;
  if (t.is_unsigned) { lo = 0; hi = std::ldexp(1.0L, bits) - 1; }
  else { lo = -std::ldexp(1.0L, bits - 1); hi = std::ldexp(1.0L, bits - 1) - 1; }
}

void to_integer(const Value& in, const TypeInfo& t, Value& out) {
  bool neg = false;
  std::uint64_t mag = 0;
  auto from_text = [&](std::string_view s) {
    if (auto v = parse_int(s)) { neg = *v < 0; mag = neg ? 0 - static_cast<std::uint64_t>(*v) : *v; return; }
    if (auto u = parse_uint(s)) { mag = *u; return; }
    // "12.000" is an integer; "12.5" is not.
    if (auto c = canonical_decimal(s)) {
      auto dot = c->find('.');
      if (dot != std::string::npos && c->find_first_not_of('0', dot + 1) == std::string::npos)
        return from_text_int(*c, dot, neg, mag, in, t);
    }
    no_fit(in, t);
  };
  switch (in.kind()) {
    case Value::Kind::boolean: mag = in.as_bool(); break;
    case Value::Kind::int64: neg = in.as_int() < 0; mag = neg ? 0 - static_cast<std::uint64_t>(in.as_int()) : in.as_int(); break;
    case Value::Kind::uint64: mag = in.as_uint(); break;
    case Value::Kind::float64: {
      double d = in.as_double();
      if (d != std::floor(d) || std::fabs(d) >= 18446744073709551616.0) no_fit(in, t, "not an integer");
      neg = d < 0;
      mag = static_cast<std::uint64_t>(std::fabs(d));
      break;
    }
    case Value::Kind::decimal: case Value::Kind::text: from_text(in.str()); break;
    default: no_fit(in, t);
  }
  long double lo, hi;
  integer_range(t, lo, hi);
  long double v = neg ? -static_cast<long double>(mag) : static_cast<long double>(mag);
  if (v < lo || v > hi) no_fit(in, t, "out of range");
  if (neg) out.set_int(static_cast<std::int64_t>(0 - mag));
  else if (mag > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) out.set_uint(mag);
  else out.set_int(static_cast<std::int64_t>(mag));
}

}  // namespace

void coerce(const Value& in, const TypeInfo& t, Value& out) {
  if (&in == &out) {  // string kinds build the result in out's buffer: never alias
    Value copy = in;
    coerce(copy, t, out);
    return;
  }
  if (in.is_null()) { out.set_null(); return; }
  using K = Value::Kind;
  switch (t.id) {
    case TypeId::boolean:
      if (in.kind() == K::boolean) { out.set_bool(in.as_bool()); return; }
      if (in.kind() == K::int64 && (in.as_int() == 0 || in.as_int() == 1)) { out.set_bool(in.as_int()); return; }
      if (in.kind() == K::text || in.kind() == K::decimal) {
        if (auto b = parse_bool(in.str())) { out.set_bool(*b); return; }
      }
      no_fit(in, t);
    case TypeId::int8: case TypeId::int16: case TypeId::int32: case TypeId::int64:
      to_integer(in, t, out);
      return;
    case TypeId::decimal: {
      if ((in.kind() == K::decimal || in.kind() == K::text) && is_canonical_decimal(in.str())) {
        if (!decimal_fits(in.str(), t.precision, t.scale)) no_fit(in, t, "too many digits");
        out.set_decimal(in.str());
        return;
      }
      std::string text;
      if (in.kind() == K::float64) {
        // Shortest round-trip digits, but never an exponent ("3e+05" is no decimal).
        if (!std::isfinite(in.as_double())) no_fit(in, t, "not a finite number");
        char buf[400];
        auto r = std::to_chars(buf, buf + sizeof buf, in.as_double(), std::chars_format::fixed);
        text.assign(buf, r.ptr);
      } else if (in.kind() == K::int64 || in.kind() == K::uint64) text = in.to_text();
      else if (in.kind() == K::decimal || in.kind() == K::text) text = in.str();
      else if (in.kind() == K::boolean) text = in.as_bool() ? "1" : "0";
      else no_fit(in, t);
      auto c = canonical_decimal(text);
      if (!c) no_fit(in, t, "not a decimal number");
      if (!decimal_fits(*c, t.precision, t.scale)) no_fit(in, t, "too many digits");
      out.set_decimal(*c);
      return;
    }
    case TypeId::float32: case TypeId::float64: {
      switch (in.kind()) {
        case K::float64: out.set_double(in.as_double()); return;
        case K::int64: out.set_double(static_cast<double>(in.as_int())); return;
        case K::uint64: out.set_double(static_cast<double>(in.as_uint())); return;
        case K::decimal: case K::text:
          if (auto d = parse_double(in.str())) { out.set_double(*d); return; }
          no_fit(in, t, "not a number");
        default: no_fit(in, t);
      }
    }
    case TypeId::char_: case TypeId::varchar: case TypeId::text: case TypeId::enum_: {
      if (in.kind() == K::bytes && !valid_utf8(in.str())) no_fit(in, t, "bytes are not valid UTF-8");
      std::string& buf = out.string_buffer(K::text);
      in.append_text(buf);
      if (t.length > 0 && t.id != TypeId::enum_ && utf8_length(buf) > static_cast<std::size_t>(t.length))
        no_fit(in, t, "longer than the column");
      if (t.id == TypeId::enum_ && !t.enum_values.empty() &&
          std::find(t.enum_values.begin(), t.enum_values.end(), buf) == t.enum_values.end())
        no_fit(in, t, "not one of the enum's values");
      return;
    }
    case TypeId::bytes:
      if (in.kind() == K::bytes || in.kind() == K::text) {
        if (t.length > 0 && in.str().size() > static_cast<std::size_t>(t.length)) no_fit(in, t, "longer than the column");
        out.set_bytes(in.str());
        return;
      }
      no_fit(in, t);
    case TypeId::date:
      if (in.kind() == K::date) { out.set_date(in.as_temporal()); return; }
      if (in.kind() == K::timestamp && in.as_temporal() % 86400000000LL == 0) {
        out.set_date(in.as_temporal() / 86400000000LL);
        return;
      }
      if (in.kind() == K::text) if (auto d = parse_date(in.str())) { out.set_date(*d); return; }
      no_fit(in, t);
    case TypeId::time:
      if (in.kind() == K::time) { out.set_time(in.as_temporal()); return; }
      if (in.kind() == K::text) if (auto v = parse_time(in.str())) { out.set_time(*v); return; }
      no_fit(in, t);
    case TypeId::timestamp:
      if (in.kind() == K::timestamp || in.kind() == K::timestamptz) { out.set_timestamp(in.as_temporal()); return; }
      if (in.kind() == K::date) { out.set_timestamp(in.as_temporal() * 86400000000LL); return; }
      if (in.kind() == K::text) if (auto v = parse_timestamp(in.str(), false)) { out.set_timestamp(*v); return; }
      no_fit(in, t);
    case TypeId::timestamptz:
      if (in.kind() == K::timestamp || in.kind() == K::timestamptz) { out.set_timestamptz(in.as_temporal()); return; }
      if (in.kind() == K::date) { out.set_timestamptz(in.as_temporal() * 86400000000LL); return; }
      if (in.kind() == K::text) if (auto v = parse_timestamp(in.str(), true)) { out.set_timestamptz(*v); return; }
      no_fit(in, t);
    case TypeId::json:
      if (in.kind() == K::json) { out.set_string(K::json, in.str()); return; }
      if (in.kind() == K::text) {
        if (!nlohmann::json::accept(in.str())) no_fit(in, t, "not valid JSON");
        out.set_string(K::json, in.str());
        return;
      }
      no_fit(in, t);
    case TypeId::uuid:
      if (in.kind() == K::uuid || in.kind() == K::text) {
        std::string s = in.str();
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        bool ok = s.size() == 36;
        for (std::size_t i = 0; ok && i < s.size(); ++i)
          ok = (i == 8 || i == 13 || i == 18 || i == 23) ? s[i] == '-' : std::isxdigit(static_cast<unsigned char>(s[i]));
        if (!ok) no_fit(in, t, "not a UUID");
        out.set_string(K::uuid, s);
        return;
      }
      no_fit(in, t);
  }
  no_fit(in, t);
}

const Value& for_target(const Value& v, const TypeInfo& t, const std::string& column, Value& scratch) {
  if (!needs_coercion(v, t)) return v;
  try {
    coerce(v, t, scratch);
  } catch (const Error& e) {
    throw Error(ErrorClass::data, "column " + column + ": " + e.what(), e.sqlstate());
  }
  return scratch;
}

bool natural_kind(Value::Kind k, TypeId t) {
  using K = Value::Kind;
  switch (t) {
    case TypeId::boolean: return k == K::boolean;
    case TypeId::int8: case TypeId::int16: case TypeId::int32: case TypeId::int64: return k == K::int64 || k == K::uint64;
    case TypeId::decimal: return k == K::decimal;
    case TypeId::float32: case TypeId::float64: return k == K::float64;
    case TypeId::char_: case TypeId::varchar: case TypeId::text: case TypeId::enum_: return k == K::text;
    case TypeId::bytes: return k == K::bytes;
    case TypeId::date: return k == K::date;
    case TypeId::time: return k == K::time;
    case TypeId::timestamp: return k == K::timestamp;
    case TypeId::timestamptz: return k == K::timestamptz;
    case TypeId::json: return k == K::json;
    case TypeId::uuid: return k == K::uuid;
  }
  return false;
}

}  // namespace convert
}  // namespace sluice
