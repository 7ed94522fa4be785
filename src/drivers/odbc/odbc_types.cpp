#include "drivers/odbc/odbc_types.h"

#include <algorithm>

#include "drivers/sqlite/sqlite_types.h"

namespace sluice::odbc {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

// SQL Server's ODBC driver codes beyond the standard ones.
constexpr SQLSMALLINT kSsTime2 = -154, kSsTimestampOffset = -155;

}  // namespace

TypeInfo type_from_sqlserver(const std::string& type_name, int a, int b) {
  const std::string n = lower(type_name);
  TypeInfo t;
  if (n == "bit") t.id = TypeId::boolean;
  else if (n == "tinyint") { t.id = TypeId::int8; t.is_unsigned = true; }
  else if (n == "smallint") t.id = TypeId::int16;
  else if (n == "int") t.id = TypeId::int32;
  else if (n == "bigint") t.id = TypeId::int64;
  else if (n == "decimal" || n == "numeric") { t.id = TypeId::decimal; t.precision = a; t.scale = b; }
  else if (n == "money") { t.id = TypeId::decimal; t.precision = 19; t.scale = 4; }
  else if (n == "smallmoney") { t.id = TypeId::decimal; t.precision = 10; t.scale = 4; }
  else if (n == "real") t.id = TypeId::float32;
  else if (n == "float") t.id = TypeId::float64;
  else if (n == "nchar" || n == "char") { t.id = TypeId::char_; t.length = a; }
  else if (n == "nvarchar" || n == "varchar") { t.id = a > 0 ? TypeId::varchar : TypeId::text; t.length = a; }
  else if (n == "ntext" || n == "text" || n == "xml") t.id = TypeId::text;
  else if (n == "binary" || n == "varbinary" || n == "image" || n == "timestamp" || n == "rowversion") { t.id = TypeId::bytes; t.length = a; }
  else if (n == "date") t.id = TypeId::date;
  else if (n == "time") { t.id = TypeId::time; t.scale = std::min(b, 6); }
  else if (n == "datetime2" || n == "datetime" || n == "smalldatetime") { t.id = TypeId::timestamp; t.scale = std::min(b, 6); }
  else if (n == "datetimeoffset") { t.id = TypeId::timestamptz; t.scale = std::min(b, 6); }
  else if (n == "uniqueidentifier") t.id = TypeId::uuid;
  else t.id = TypeId::text;
  t.native = n;
  return t;
}

TypeInfo type_from_oracle(const std::string& type_name, int p, int s) {
  const std::string n = lower(type_name);
  TypeInfo t;
  if (n == "number" || n == "numeric" || n == "decimal") {
    // NUMBER(p) is an integer; which one is decided by its digits.
    if (p > 0 && s == 0 && p <= 18) t.id = p <= 2 ? TypeId::int8 : p <= 4 ? TypeId::int16 : p <= 9 ? TypeId::int32 : TypeId::int64;
    else { t.id = TypeId::decimal; t.precision = p; t.scale = s; }
  } else if (n == "binary_float") t.id = TypeId::float32;
  else if (n == "binary_double" || n == "float") t.id = TypeId::float64;
  else if (n == "char" || n == "nchar") { t.id = TypeId::char_; t.length = p; }
  else if (n == "varchar2" || n == "nvarchar2" || n == "varchar") { t.id = TypeId::varchar; t.length = p; }
  else if (n == "clob" || n == "nclob" || n == "long") t.id = TypeId::text;
  else if (n == "raw") { t.id = TypeId::bytes; t.length = p; }
  else if (n == "blob" || n == "long raw") t.id = TypeId::bytes;
  else if (n == "date") t.id = TypeId::timestamp;  // an Oracle DATE carries a time of day
  else if (has(n, "with time zone") || has(n, "with local time zone")) { t.id = TypeId::timestamptz; t.scale = 6; }
  else if (n.rfind("timestamp", 0) == 0) { t.id = TypeId::timestamp; t.scale = 6; }
  else t.id = TypeId::text;  // INTERVAL, ROWID, XMLTYPE: as their text
  t.native = n;
  return t;
}

TypeInfo logical_type(const OdbcColumnType& c, Dbms dbms) {
  const std::string name = lower(c.type_name);
  const int size = static_cast<int>(std::min<SQLULEN>(c.size, 1u << 30));
  if (dbms == Dbms::sqlserver) {
    TypeInfo t = type_from_sqlserver(name.substr(0, name.find(' ')), size, c.digits);
    // SQLColumns says "int identity"; varchar(max) is reported with size 0 or 2^30.
    if ((t.id == TypeId::varchar || t.id == TypeId::bytes) && size >= (1 << 30)) {
      t.length = 0;
      if (t.id == TypeId::varchar) t.id = TypeId::text;
    }
    return t;
  }
  if (dbms == Dbms::oracle) return type_from_oracle(name, size, c.digits);
  // SQLite's ODBC driver reports the declared type as written: read it as the native driver does.
  if (dbms == Dbms::sqlite) return sqlite::type_from_declared(c.type_name);
  TypeInfo t;
  t.native = c.type_name;
  t.is_unsigned = c.is_unsigned || has(name, "unsigned");
  switch (c.data_type) {
    case SQL_BIT: t.id = TypeId::boolean; break;
    case SQL_TINYINT: t.id = TypeId::int8; break;
    case SQL_SMALLINT: t.id = TypeId::int16; break;
    case SQL_INTEGER: t.id = TypeId::int32; break;
    case SQL_BIGINT: t.id = TypeId::int64; break;
    case SQL_DECIMAL: case SQL_NUMERIC:
      t.id = TypeId::decimal;
      t.precision = size;
      t.scale = c.digits;
      break;
    case SQL_REAL: t.id = TypeId::float32; break;
    case SQL_FLOAT: case SQL_DOUBLE: t.id = TypeId::float64; break;
    case SQL_CHAR: case SQL_WCHAR: t.id = TypeId::char_; t.length = size; break;
    case SQL_VARCHAR: case SQL_WVARCHAR: t.id = TypeId::varchar; t.length = size; break;
    case SQL_LONGVARCHAR: case SQL_WLONGVARCHAR: t.id = TypeId::text; break;
    case SQL_BINARY: case SQL_VARBINARY: t.id = TypeId::bytes; t.length = size; break;
    case SQL_LONGVARBINARY: t.id = TypeId::bytes; break;
    case SQL_TYPE_DATE: case SQL_DATE: t.id = TypeId::date; break;
    case SQL_TYPE_TIME: case SQL_TIME: case kSsTime2: t.id = TypeId::time; t.scale = std::min<int>(c.digits, 6); break;
    case SQL_TYPE_TIMESTAMP: case SQL_TIMESTAMP: t.id = TypeId::timestamp; t.scale = std::min<int>(c.digits, 6); break;
    case kSsTimestampOffset: t.id = TypeId::timestamptz; t.scale = std::min<int>(c.digits, 6); break;
    case SQL_GUID: t.id = TypeId::uuid; break;
    default: t.id = TypeId::text; break;
  }
  // What the type code cannot say, the server's type name does.
  if (name == "uuid") t = TypeInfo::of(TypeId::uuid), t.native = c.type_name;
  else if (name == "json" || name == "jsonb") t = TypeInfo::of(TypeId::json), t.native = c.type_name;
  else if (name == "bool" || name == "boolean") t = TypeInfo::of(TypeId::boolean), t.native = c.type_name;
  else if (name == "timestamptz" || has(name, "with time zone")) { t.id = TypeId::timestamptz; t.scale = 6; }
  else if (name == "text" || name == "longtext" || name == "mediumtext" || name == "tinytext") t.id = TypeId::text, t.length = 0;
  else if (name == "bytea" || name == "longblob" || name == "blob" || name == "mediumblob") t.id = TypeId::bytes, t.length = 0;
  else if (name == "numeric" && t.precision >= 1000) t.precision = t.scale = 0;  // psqlODBC's unconstrained numeric
  else if (dbms == Dbms::postgres && name == "varchar" && t.length == 0) t.id = TypeId::varchar;
  if ((t.id == TypeId::varchar || t.id == TypeId::char_) && t.length >= (1 << 30)) { t.id = TypeId::text; t.length = 0; }
  if (dbms == Dbms::mysql || dbms == Dbms::mariadb) {
    // MariaDB ODBC reports tinyint(1) as SQL_BIT only sometimes; year as a small integer.
    if (name == "year") t.id = TypeId::int16;
  }
  return t;
}

Carrier carrier_for(const TypeInfo& t) {
  switch (t.id) {
    case TypeId::boolean: return Carrier::boolean;
    case TypeId::int8: case TypeId::int16: case TypeId::int32: return Carrier::int64;
    case TypeId::int64: return t.is_unsigned ? Carrier::uint64 : Carrier::int64;
    case TypeId::float32: case TypeId::float64: return Carrier::float64;
    case TypeId::decimal: case TypeId::date: case TypeId::time: case TypeId::timestamp: case TypeId::timestamptz: return Carrier::ascii;
    case TypeId::bytes: return Carrier::binary;
    default: return Carrier::wide;
  }
}

SQLSMALLINT c_type(Carrier c) {
  switch (c) {
    case Carrier::int64: return SQL_C_SBIGINT;
    case Carrier::uint64: return SQL_C_UBIGINT;
    case Carrier::float64: return SQL_C_DOUBLE;
    case Carrier::boolean: return SQL_C_BIT;
    case Carrier::ascii: return SQL_C_CHAR;
    case Carrier::wide: return SQL_C_WCHAR;
    case Carrier::binary: return SQL_C_BINARY;
  }
  return SQL_C_CHAR;
}

SQLSMALLINT parameter_sql_type(const TypeInfo& t) {
  switch (t.id) {
    case TypeId::boolean: return SQL_BIT;
    case TypeId::int8: return SQL_SMALLINT;
    case TypeId::int16: return t.is_unsigned ? SQL_INTEGER : SQL_SMALLINT;
    case TypeId::int32: return t.is_unsigned ? SQL_BIGINT : SQL_INTEGER;
    case TypeId::int64: return t.is_unsigned ? SQL_DECIMAL : SQL_BIGINT;
    case TypeId::decimal: return SQL_DECIMAL;
    case TypeId::float32: return SQL_REAL;
    case TypeId::float64: return SQL_DOUBLE;
    case TypeId::bytes: return SQL_LONGVARBINARY;
    case TypeId::date: return SQL_TYPE_DATE;
    case TypeId::time: return SQL_VARCHAR;
    case TypeId::timestamp: case TypeId::timestamptz: return SQL_TYPE_TIMESTAMP;
    default: return SQL_WLONGVARCHAR;
  }
}

}  // namespace sluice::odbc
