#pragma once
// A column default as a database reports it (PostgreSQL's column_default, MySQL's
// COLUMN_DEFAULT, SQLite's dflt_value), read into the portable ColumnDefault: a
// literal with its casts and quotes removed, NULL, or one of the shared functions
// (current timestamp, date and time, UUID generation) under any of their names.
#include <string>

#include "sluice/schema.h"

namespace sluice::sql {

// `backslash_escapes`: the source writes string literals with backslash escapes
// (MySQL/MariaDB: 'a\\b' is a\b); PostgreSQL and SQLite take backslashes as they are.
ColumnDefault read_default(const std::string& text, bool backslash_escapes = false);

}  // namespace sluice::sql
