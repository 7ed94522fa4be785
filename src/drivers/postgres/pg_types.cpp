#include "drivers/postgres/pg_types.h"

#include <cstdlib>

#include "drivers/sql/sql_text.h"
#include "sluice/status.h"

namespace sluice::postgres {
namespace {
bool starts(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }
}  // namespace

TypeInfo type_from_pg(const std::string& f, bool is_enum) {
  TypeInfo t;
  t.native = f;
  int a, b;
  sql::type_args(f, a, b);
  if (is_enum) t.id = TypeId::enum_;
  else if (f == "boolean") t.id = TypeId::boolean;
  else if (f == "smallint") t.id = TypeId::int16;
  else if (f == "integer") t.id = TypeId::int32;
  else if (f == "bigint") t.id = TypeId::int64;
  else if (starts(f, "numeric")) { t.id = TypeId::decimal; t.precision = a; t.scale = b; }
  else if (f == "real") t.id = TypeId::float32;
  else if (f == "double precision") t.id = TypeId::float64;
  else if (starts(f, "character varying")) { t.id = TypeId::varchar; t.length = a; }
  else if (starts(f, "character")) { t.id = TypeId::char_; t.length = a ? a : 1; }
  else if (f == "text" || f == "citext" || f == "name") t.id = TypeId::text;
  else if (f == "bytea") t.id = TypeId::bytes;
  else if (f == "date") t.id = TypeId::date;
  else if (starts(f, "time") && f.find("without time zone") != std::string::npos && starts(f, "timestamp")) t.id = TypeId::timestamp;
  else if (starts(f, "timestamp") && f.find("with time zone") != std::string::npos) t.id = TypeId::timestamptz;
  else if (starts(f, "time") && f.find("with time zone") == std::string::npos) t.id = TypeId::time;
  else if (f == "json" || f == "jsonb") t.id = TypeId::json;
  else if (f == "uuid") t.id = TypeId::uuid;
  else t.id = TypeId::text;  // other types travel as their text form
  return t;
}

std::string pg_type_sql(const TypeInfo& t) {
  switch (t.id) {
    case TypeId::boolean: return "boolean";
    case TypeId::int8: return "smallint";
    case TypeId::int16: return t.is_unsigned ? "integer" : "smallint";
    case TypeId::int32: return t.is_unsigned ? "bigint" : "integer";
    case TypeId::int64: return t.is_unsigned ? "numeric(20,0)" : "bigint";
    case TypeId::decimal:
      if (t.precision <= 0 || t.precision > 1000) return "numeric";
      return "numeric(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case TypeId::float32: return "real";
    case TypeId::float64: return "double precision";
    // char(n) becomes varchar(n): blank-padding rules differ between dialects, and
    // the value must come back exactly as it went in.
    case TypeId::char_: case TypeId::varchar:
      return t.length > 0 ? "varchar(" + std::to_string(t.length) + ")" : "text";
    case TypeId::text: case TypeId::enum_: return "text";
    case TypeId::bytes: return "bytea";
    case TypeId::date: return "date";
    case TypeId::time: return "time(6) without time zone";
    case TypeId::timestamp: return "timestamp(6) without time zone";
    case TypeId::timestamptz: return "timestamp(6) with time zone";
    case TypeId::json: return "jsonb";
    case TypeId::uuid: return "uuid";
  }
  return "text";
}

void read_text(std::string_view s, const TypeInfo& type, const std::string& column, Value& out) {
  auto bad = [&](const char* what) -> void {
    throw Error(ErrorClass::data, "column " + column + ": cannot read '" + std::string(s.substr(0, 64)) + "' as " + what);
  };
  switch (type.id) {
    case TypeId::boolean: out.set_bool(s == "t"); return;
    case TypeId::int8: case TypeId::int16: case TypeId::int32: case TypeId::int64: {
      if (auto v = convert::parse_int(s)) { out.set_int(*v); return; }
      if (auto u = convert::parse_uint(s)) { out.set_uint(*u); return; }
      bad("integer");
      return;
    }
    case TypeId::decimal: {
      auto c = convert::canonical_decimal(s);
      if (!c) bad("decimal (NaN and infinity have no exact equivalent)");
      out.set_decimal(*c);
      return;
    }
    case TypeId::float32: case TypeId::float64: {
      auto d = convert::parse_double(s);
      if (!d) bad("double");
      // A float column prints its shortest text ("0.1"); the value it holds is the
      // nearest float, which is what travels on (widened exactly to a double).
      if (type.id == TypeId::float32) *d = static_cast<double>(static_cast<float>(*d));
      out.set_double(*d);
      return;
    }
    case TypeId::bytes: {
      if (s.size() < 2 || s[0] != '\\' || s[1] != 'x') bad("bytea hex");
      auto b = convert::hex_decode(s.substr(2));
      if (!b) bad("bytea hex");
      out.set_bytes(*b);
      return;
    }
    case TypeId::date: {
      auto d = convert::parse_date(s);
      if (!d) bad("date (infinity and BC dates are not supported)");
      out.set_date(*d);
      return;
    }
    case TypeId::time: {
      auto t = convert::parse_time(s);
      if (!t) bad("time");
      out.set_time(*t);
      return;
    }
    case TypeId::timestamp: {
      auto t = convert::parse_timestamp(s, false);
      if (!t) bad("timestamp");
      out.set_timestamp(*t);
      return;
    }
    case TypeId::timestamptz: {
      auto t = convert::parse_timestamp(s, true);
      if (!t) bad("timestamptz");
      out.set_timestamptz(*t);
      return;
    }
    case TypeId::json: out.set_string(Value::Kind::json, s); return;
    case TypeId::uuid: out.set_string(Value::Kind::uuid, s); return;
    default: out.set_text(s); return;
  }
}

void append_copy_field(const Value& v, std::string& out) {
  using K = Value::Kind;
  switch (v.kind()) {
    case K::null: out += "\\N"; return;
    case K::boolean: out += v.as_bool() ? 't' : 'f'; return;
    case K::bytes: {
      // \\x in COPY text is a literal backslash followed by x: bytea's hex input.
      static const char* hex = "0123456789abcdef";
      out += "\\\\x";
      for (unsigned char c : v.str()) { out += hex[c >> 4]; out += hex[c & 15]; }
      return;
    }
    case K::text: case K::json: {
      for (char c : v.str()) {
        switch (c) {
          case '\\': out += "\\\\"; break;
          case '\t': out += "\\t"; break;
          case '\n': out += "\\n"; break;
          case '\r': out += "\\r"; break;
          case '\0': throw Error(ErrorClass::data, "text contains a NUL byte, which PostgreSQL cannot store", "22021");
          default: out += c;
        }
      }
      return;
    }
    default: v.append_text(out); return;  // numbers, decimals, uuids, temporal values: no escapes needed
  }
}

}  // namespace sluice::postgres
