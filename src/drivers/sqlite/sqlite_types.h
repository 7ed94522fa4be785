#pragma once
// SQLite declared types <-> logical types, and values in and out of statements.
//
// SQLite has five storage classes, so types it lacks are declared with names that
// keep both the logical type (for introspection) and a safe affinity: exact decimals
// are "DECIMAL TEXT(p,s)" (TEXT affinity: NUMERIC affinity would round them through a
// double), JSON is "JSON TEXT", UUID "UUID TEXT". Dates and times are ISO-8601 text.
#include <sqlite3.h>

#include <string>

#include "sluice/schema.h"

namespace sluice::sqlite {

// Decimal digits every double holds exactly: decimals up to this precision are stored
// with NUMERIC affinity.
constexpr int kExactNumericDigits = 15;

TypeInfo type_from_declared(const std::string& declared);
std::string declared_type(const TypeInfo& t);

// Reads column `col` of the current row as a value of `type`. Throws a data error
// naming `column` if the stored value cannot be read as that type.
void read_value(sqlite3_stmt* stmt, int col, const TypeInfo& type, const std::string& column, Value& out);
// Binds `v` (already in the target's representation) to parameter `idx` (1-based).
void bind_value(sqlite3_stmt* stmt, int idx, const Value& v, std::string& scratch);

}  // namespace sluice::sqlite
