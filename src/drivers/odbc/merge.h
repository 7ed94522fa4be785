#pragma once
// The upsert of the dialects without an INSERT ... ON CONFLICT clause (SQL Server,
// Oracle): MERGE INTO t USING (SELECT v AS c, ...) s ON (keys) WHEN MATCHED THEN UPDATE
// the other columns WHEN NOT MATCHED THEN INSERT. Written once; the dialects differ only
// in the spelling around it.
#include <string>
#include <vector>

#include "drivers/sql/dialect.h"

namespace sluice::odbc {

struct MergeSpelling {
  std::string target;  // after the table: " WITH (HOLDLOCK) AS sluice_t" / " sluice_t"
  std::string source;  // after the subquery: " AS sluice_s" / " sluice_s"
  std::string from;    // the SELECT's FROM: "" / " FROM dual"
  std::string end;     // SQL Server ends a MERGE with ';'
};

std::string merge_upsert(const sql::Dialect& d, const TableRef& table, const std::vector<std::string>& columns,
                         const std::vector<std::string>& key, const std::vector<std::string>& values, const MergeSpelling& spelling);

}  // namespace sluice::odbc
