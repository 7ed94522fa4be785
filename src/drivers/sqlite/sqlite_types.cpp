#include "drivers/sqlite/sqlite_types.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "drivers/sql/sql_text.h"
#include "sluice/status.h"

namespace sluice::sqlite {
namespace {
std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
bool has(const std::string& s, const char* needle) { return s.find(needle) != std::string::npos; }

}  // namespace

TypeInfo type_from_declared(const std::string& declared) {
  TypeInfo t;
  t.native = declared;
  std::string d = upper(declared);
  int a, b;
  sql::type_args(d, a, b);
  if (has(d, "DECIMAL") || has(d, "NUMERIC")) {
    t.id = TypeId::decimal; t.precision = a; t.scale = b;
  } else if (has(d, "BOOL")) {
    t.id = TypeId::boolean;
  } else if (has(d, "TINYINT")) {
    t.id = TypeId::int8;
  } else if (has(d, "SMALLINT")) {
    t.id = TypeId::int16;
  } else if (has(d, "BIGINT") || d == "INTEGER") {
    t.id = TypeId::int64;
  } else if (has(d, "INT")) {
    t.id = TypeId::int32;
    if (d == "INT") t.id = TypeId::int64;  // SQLite integers are 64-bit whatever the name
    if (has(d, "MEDIUM")) t.id = TypeId::int32;
  } else if (has(d, "TIMESTAMPTZ") || has(d, "WITH TIME ZONE")) {
    t.id = TypeId::timestamptz;
  } else if (has(d, "DATETIME") || has(d, "TIMESTAMP")) {
    t.id = TypeId::timestamp;
  } else if (d == "DATE") {
    t.id = TypeId::date;
  } else if (d == "TIME") {
    t.id = TypeId::time;
  } else if (has(d, "JSON")) {
    t.id = TypeId::json;
  } else if (has(d, "UUID")) {
    t.id = TypeId::uuid;
  } else if (has(d, "VARCHAR") || has(d, "VARYING")) {
    t.id = TypeId::varchar; t.length = a;
  } else if (has(d, "CHAR")) {
    t.id = TypeId::char_; t.length = a;
  } else if (has(d, "CLOB") || has(d, "TEXT")) {
    t.id = TypeId::text;
  } else if (has(d, "BLOB") || has(d, "BINARY") || has(d, "BYTEA")) {
    t.id = TypeId::bytes;
  } else if (has(d, "REAL") || has(d, "DOUB") || has(d, "FLOA")) {
    // SQLite stores every floating point value as a double, whatever the declaration.
    t.id = TypeId::float64;
  } else {
    // No declared type (expressions, or "ANY"): values keep their storage class.
    t.id = TypeId::text;
    t.native = declared.empty() ? "" : declared;
  }
  return t;
}

std::string declared_type(const TypeInfo& t) {
  switch (t.id) {
    case TypeId::boolean: return "BOOLEAN";
    case TypeId::int8: return t.is_unsigned ? "SMALLINT" : "TINYINT";
    case TypeId::int16: return t.is_unsigned ? "INT" : "SMALLINT";
    case TypeId::int32: return t.is_unsigned ? "BIGINT" : "INT";
    case TypeId::int64: return t.is_unsigned ? "DECIMAL TEXT(20,0)" : "BIGINT";
    case TypeId::decimal:
      // Up to 15 digits a double holds every value exactly: NUMERIC affinity, so that
      // SQL compares and sums them as numbers. Wider (or unconstrained) decimals would
      // be rounded through a double: they keep TEXT affinity and their exact text.
      if (t.precision > 0 && t.precision <= kExactNumericDigits)
        return "DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
      return t.precision > 0 ? "DECIMAL TEXT(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")"
                             : "DECIMAL TEXT";
    case TypeId::float32: return "FLOAT";
    case TypeId::float64: return "DOUBLE";
    case TypeId::char_: return t.length > 0 ? "CHAR(" + std::to_string(t.length) + ")" : "TEXT";
    case TypeId::varchar: return t.length > 0 ? "VARCHAR(" + std::to_string(t.length) + ")" : "TEXT";
    case TypeId::text: return "TEXT";
    case TypeId::enum_: return "TEXT";
    case TypeId::bytes: return "BLOB";
    case TypeId::date: return "DATE";
    case TypeId::time: return "TIME";
    case TypeId::timestamp: return "DATETIME";
    case TypeId::timestamptz: return "TIMESTAMPTZ";
    case TypeId::json: return "JSON TEXT";
    case TypeId::uuid: return "UUID TEXT";
  }
  return "TEXT";
}

void read_value(sqlite3_stmt* stmt, int col, const TypeInfo& type, const std::string& column, Value& out) {
  int storage = sqlite3_column_type(stmt, col);
  if (storage == SQLITE_NULL) { out.set_null(); return; }
  auto text = [&] {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, col));
    return std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, col)));
  };
  // The value as SQLite stored it; then converted exactly to the column's type. One
  // per thread, reused, so text-stored dates and decimals do not allocate per value.
  thread_local Value natural;
  switch (storage) {
    case SQLITE_INTEGER: natural.set_int(sqlite3_column_int64(stmt, col)); break;
    case SQLITE_FLOAT: natural.set_double(sqlite3_column_double(stmt, col)); break;
    case SQLITE_BLOB: {
      auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, col));
      out.set_bytes(std::string_view(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, col))));
      if (type.id == TypeId::bytes || type.native.empty()) return;
      natural = out;
      break;
    }
    default: {
      if (type.id == TypeId::text || type.id == TypeId::varchar || type.id == TypeId::char_ ||
          type.id == TypeId::enum_) {
        out.set_text(text());
        return;
      }
      natural.set_text(text());
    }
  }
  if (type.native.empty()) { out = natural; return; }  // untyped expression column
  // A decimal of NUMERIC affinity comes back as a number: written to the column's scale
  // (exact up to kExactNumericDigits digits), then read like the text form.
  if (type.id == TypeId::decimal && type.precision > 0 && type.precision <= kExactNumericDigits &&
      (storage == SQLITE_FLOAT || storage == SQLITE_INTEGER)) {
    // to_chars rounds as printf's %.*f does (the exact binary value, correctly rounded), at a
    // fraction of its cost (printf was a tenth of a SQLite -> PostgreSQL copy's instructions).
    char buf[400];
    char* end = buf;
    if (storage == SQLITE_FLOAT) {
      end = std::to_chars(buf, buf + sizeof buf, natural.as_double(), std::chars_format::fixed, type.scale).ptr;
    } else {
      end = std::to_chars(buf, buf + sizeof buf, natural.as_int()).ptr;
      if (type.scale > 0) {
        *end++ = '.';
        end = std::fill_n(end, type.scale, '0');
      }
    }
    natural.set_text(std::string_view(buf, static_cast<std::size_t>(end - buf)));
  }
  if (type.id == TypeId::float32 || type.id == TypeId::float64) {
    if (storage == SQLITE_INTEGER) { out.set_double(static_cast<double>(natural.as_int())); return; }
  }
  try {
    convert::coerce(natural, type, out);
  } catch (const Error& e) {
    throw Error(ErrorClass::data, "column " + column + ": " + e.what());
  }
}

void bind_value(sqlite3_stmt* stmt, int idx, const Value& v, std::string& scratch) {
  using K = Value::Kind;
  switch (v.kind()) {
    case K::null: sqlite3_bind_null(stmt, idx); return;
    case K::boolean: sqlite3_bind_int(stmt, idx, v.as_bool()); return;
    case K::int64: sqlite3_bind_int64(stmt, idx, v.as_int()); return;
    case K::float64: sqlite3_bind_double(stmt, idx, v.as_double()); return;
    case K::bytes:
      sqlite3_bind_blob64(stmt, idx, v.str().data(), v.str().size(), SQLITE_STATIC);
      return;
    case K::decimal: case K::text: case K::json: case K::uuid:
      sqlite3_bind_text64(stmt, idx, v.str().data(), v.str().size(), SQLITE_STATIC, SQLITE_UTF8);
      return;
    default:
      // uint64 beyond int64 and temporal values travel as their exact text.
      scratch.clear();
      v.append_text(scratch);
      sqlite3_bind_text64(stmt, idx, scratch.data(), scratch.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      return;
  }
}

}  // namespace sluice::sqlite
