#include "drivers/mysql/mysql_types.h"

#include <cctype>
#include <cstdlib>

#include "drivers/sql/sql_text.h"
#include "sluice/status.h"

namespace sluice::mysql {
namespace {

std::vector<std::string> enum_values(const std::string& column_type) {
  std::vector<std::string> out;
  auto open = column_type.find('(');
  if (open == std::string::npos) return out;
  std::string cur;
  bool in = false;
  for (std::size_t i = open + 1; i < column_type.size(); ++i) {
    char c = column_type[i];
    if (!in) {
      if (c == '\'') { in = true; cur.clear(); }
      continue;
    }
    if (c == '\'') {
      if (i + 1 < column_type.size() && column_type[i + 1] == '\'') { cur += '\''; ++i; continue; }
      in = false;
      out.push_back(cur);
      continue;
    }
    if (c == '\\' && i + 1 < column_type.size()) { cur += column_type[++i]; continue; }
    cur += c;
  }
  return out;
}
}  // namespace

TypeInfo type_from_mysql(const std::string& dt, const std::string& ct, bool json_check) {
  TypeInfo t;
  t.native = ct;
  t.is_unsigned = ct.find("unsigned") != std::string::npos;
  int a, b;
  sql::type_args(ct, a, b);
  if (dt == "tinyint" && ct.rfind("tinyint(1)", 0) == 0 && !t.is_unsigned) { t.id = TypeId::boolean; }
  else if (dt == "tinyint") t.id = TypeId::int8;
  else if (dt == "smallint" || dt == "year") t.id = TypeId::int16;
  else if (dt == "mediumint" || dt == "int" || dt == "integer") t.id = TypeId::int32;
  else if (dt == "bigint") t.id = TypeId::int64;
  else if (dt == "decimal" || dt == "numeric") { t.id = TypeId::decimal; t.precision = a; t.scale = b; }
  else if (dt == "float") t.id = TypeId::float32;
  else if (dt == "double" || dt == "real") t.id = TypeId::float64;
  else if (dt == "bit") { t.id = a == 1 ? TypeId::boolean : TypeId::bytes; t.length = a == 1 ? 0 : (a + 7) / 8; }
  else if (dt == "char") { t.id = TypeId::char_; t.length = a; }
  else if (dt == "varchar") { t.id = TypeId::varchar; t.length = a; }
  else if (dt == "tinytext" || dt == "text" || dt == "mediumtext" || dt == "longtext") t.id = json_check ? TypeId::json : TypeId::text;
  else if (dt == "binary" || dt == "varbinary") { t.id = TypeId::bytes; t.length = a; }
  else if (dt.find("blob") != std::string::npos) t.id = TypeId::bytes;
  else if (dt == "date") t.id = TypeId::date;
  else if (dt == "time") { t.id = TypeId::time; t.scale = a; }
  else if (dt == "datetime") { t.id = TypeId::timestamp; t.scale = a; }
  else if (dt == "timestamp") { t.id = TypeId::timestamptz; t.scale = a; }
  else if (dt == "json") t.id = TypeId::json;
  else if (dt == "uuid") t.id = TypeId::uuid;
  else if (dt == "enum") { t.id = TypeId::enum_; t.enum_values = enum_values(ct); }
  else t.id = TypeId::text;  // set, inet4/6, geometry...: their text form
  // "unsigned" only widens integers; on decimals and floats it just forbids negatives.
  if (t.id != TypeId::int8 && t.id != TypeId::int16 && t.id != TypeId::int32 && t.id != TypeId::int64) t.is_unsigned = false;
  return t;
}

bool is_spatial(const std::string& column_type) {
  static const char* kinds[] = {"geometry", "point", "linestring", "polygon", "multipoint", "multilinestring",
                                "multipolygon", "geometrycollection", "geomcollection"};
  std::string t = column_type.substr(0, column_type.find_first_of(" ("));
  for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* k : kinds)
    if (t == k) return true;
  return false;
}

std::string mysql_type_sql(const TypeInfo& t, bool mariadb) {
  const std::string u = t.is_unsigned ? " unsigned" : "";
  switch (t.id) {
    case TypeId::boolean: return "tinyint(1)";
    case TypeId::int8: return "tinyint" + u;
    case TypeId::int16: return "smallint" + u;
    case TypeId::int32: return "int" + u;
    case TypeId::int64: return "bigint" + u;
    case TypeId::decimal:
      // MySQL's limits are 65 digits, 30 after the point; larger or unconstrained
      // decimals get the widest type and values that still do not fit are errors.
      if (t.precision <= 0 || t.precision > 65 || t.scale > 30) return "decimal(65,30)";
      return "decimal(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case TypeId::float32: return "float";
    case TypeId::float64: return "double";
    case TypeId::char_: case TypeId::varchar:
      if (t.length > 0 && t.length <= 4000) return "varchar(" + std::to_string(t.length) + ")";
      return "longtext";
    case TypeId::text: case TypeId::enum_: return "longtext";
    case TypeId::bytes:
      if (t.length > 0 && t.length <= 8000) return "varbinary(" + std::to_string(t.length) + ")";
      return "longblob";
    case TypeId::date: return "date";
    case TypeId::time: return "time(6)";
    case TypeId::timestamp: return "datetime(6)";
    // MySQL's TIMESTAMP stops at 2038: instants are stored as UTC in datetime(6).
    case TypeId::timestamptz: return "datetime(6)";
    case TypeId::json: return "json";
    case TypeId::uuid: return mariadb ? "uuid" : "char(36)";
  }
  return "longtext";
}

bool read_text(std::string_view s, const TypeInfo& type, const std::string& column, Value& out) {
  auto bad = [&](const char* what) {
    throw Error(ErrorClass::data, "column " + column + ": cannot read '" + std::string(s.substr(0, 64)) + "' as " + what);
  };
  switch (type.id) {
    case TypeId::boolean:
      if (s == "0") out.set_bool(false);
      else if (s == "1") out.set_bool(true);
      else bad("boolean (tinyint(1) holding something other than 0 or 1)");
      return true;
    case TypeId::int8: case TypeId::int16: case TypeId::int32: case TypeId::int64:
      if (auto v = convert::parse_int(s)) out.set_int(*v);
      else if (auto u = convert::parse_uint(s)) out.set_uint(*u);
      else bad("integer");
      return true;
    case TypeId::decimal: {
      auto c = convert::canonical_decimal(s);
      if (!c) bad("decimal");
      out.set_decimal(*c);
      return true;
    }
    case TypeId::float32: case TypeId::float64: {
      auto d = convert::parse_double(s);
      if (!d) bad("double");
      // A float column prints its shortest text ("0.1"); the value it holds is the
      // nearest float, which is what travels on (widened exactly to a double).
      if (type.id == TypeId::float32) *d = static_cast<double>(static_cast<float>(*d));
      out.set_double(*d);
      return true;
    }
    case TypeId::bytes:
      if (type.native.rfind("bit", 0) == 0) {
        // BIT(n) arrives as its unsigned number (see the source's select): its bytes,
        // big-endian, as MySQL stores them (BIT(5) b'10101' is the one byte 0x15).
        auto v = convert::parse_uint(s);
        if (!v) bad("BIT value");
        const std::size_t n = static_cast<std::size_t>(type.length > 0 ? type.length : 8);
        std::string bytes(n, '\0');
        for (std::size_t i = 0; i < n; ++i) bytes[n - 1 - i] = static_cast<char>((*v >> (8 * i)) & 0xff);
        out.set_bytes(bytes);
        return true;
      }
      out.set_bytes(s);
      return true;
    case TypeId::date: {
      if (s.rfind("0000-00-00", 0) == 0) return false;
      auto d = convert::parse_date(s);
      if (!d) bad("date");
      out.set_date(*d);
      return true;
    }
    case TypeId::time: {
      auto t = convert::parse_time(s);
      if (!t) bad("time of day (MySQL TIME values outside 00:00:00-23:59:59 have no equivalent)");
      out.set_time(*t);
      return true;
    }
    case TypeId::timestamp: case TypeId::timestamptz: {
      if (s.rfind("0000-00-00", 0) == 0) return false;
      auto t = convert::parse_timestamp(s, false);
      if (!t) bad("datetime");
      if (type.id == TypeId::timestamp) out.set_timestamp(*t);
      else out.set_timestamptz(*t);  // the session's time_zone is UTC
      return true;
    }
    case TypeId::json: out.set_string(Value::Kind::json, s); return true;
    case TypeId::uuid: out.set_string(Value::Kind::uuid, s); return true;
    default: out.set_text(s); return true;
  }
}

}  // namespace sluice::mysql
