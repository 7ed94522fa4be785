#pragma once
// A column default as a database reports it (PostgreSQL's column_default, MySQL's
// COLUMN_DEFAULT, SQLite's dflt_value), read into the portable ColumnDefault: a
// literal with its casts and quotes removed, NULL, or one of the shared functions
// (current timestamp, date and time, UUID generation) under any of their names.
#include <string>

#include "sluice/schema.h"

namespace sluice::sql {

ColumnDefault read_default(const std::string& text);

}  // namespace sluice::sql
