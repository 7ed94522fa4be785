#pragma once
// MySQL/MariaDB types <-> logical types, and values in the text protocol's forms.
#include <string>
#include <string_view>

#include "sluice/schema.h"

namespace sluice::mysql {

// From information_schema.COLUMNS: DATA_TYPE and COLUMN_TYPE ("int(10) unsigned",
// "tinyint(1)", "decimal(38,10)", "enum('a','b')", "datetime(6)"). `json_check` is true
// when MariaDB's JSON alias (longtext + json_valid check) is detected.
TypeInfo type_from_mysql(const std::string& data_type, const std::string& column_type, bool json_check);
std::string mysql_type_sql(const TypeInfo& t, bool mariadb);
// geometry, point, polygon, ...: read as their WKT text (the SRID is not kept).
bool is_spatial(const std::string& column_type);

// Parses text-protocol output. Returns false for MySQL zero dates ('0000-00-00...'),
// which the caller turns into NULL and counts.
bool read_text(std::string_view text, const TypeInfo& type, const std::string& column, Value& out);

}  // namespace sluice::mysql
