#pragma once
// PostgreSQL types <-> logical types, and values in PostgreSQL's text forms (query
// results and COPY text format).
#include <string>
#include <string_view>

#include "sluice/schema.h"

namespace sluice::postgres {

// From format_type() output, e.g. "numeric(38,10)", "character varying(20)",
// "timestamp(6) with time zone". `is_enum` comes from pg_type.typtype = 'e'.
TypeInfo type_from_pg(const std::string& formatted, bool is_enum);
std::string pg_type_sql(const TypeInfo& t);

// Parses a value of `type` from PostgreSQL's text output.
void read_text(std::string_view text, const TypeInfo& type, const std::string& column, Value& out);
// Appends `v` in COPY text format (escaped; \N for NULL). Throws a data error for
// text PostgreSQL cannot hold (NUL bytes).
void append_copy_field(const Value& v, std::string& out);

}  // namespace sluice::postgres
