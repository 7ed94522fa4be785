#include "drivers/odbc/merge.h"

#include <algorithm>

namespace sluice::odbc {

std::string merge_upsert(const sql::Dialect& d, const TableRef& table, const std::vector<std::string>& columns,
                         const std::vector<std::string>& key, const std::vector<std::string>& values, const MergeSpelling& sp) {
  std::string select, on, sets, cols, vals;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const std::string c = d.quote(columns[i]);
    select += (i ? ", " : "") + values[i] + " AS " + c;
    cols += (i ? ", " : "") + c;
    vals += (i ? ", " : "") + std::string("sluice_s.") + c;
    if (std::find(key.begin(), key.end(), columns[i]) == key.end())
      sets += (sets.empty() ? "" : ", ") + std::string("sluice_t.") + c + " = sluice_s." + c;
  }
  for (const auto& k : key) on += (on.empty() ? "" : " AND ") + std::string("sluice_t.") + d.quote(k) + " = sluice_s." + d.quote(k);
  return "MERGE INTO " + d.quote_table(table) + sp.target + " USING (SELECT " + select + sp.from + ")" + sp.source + " ON (" + on + ")" +
         (sets.empty() ? "" : " WHEN MATCHED THEN UPDATE SET " + sets) + " WHEN NOT MATCHED THEN INSERT (" + cols + ") VALUES (" + vals + ")" + sp.end;
}

}  // namespace sluice::odbc
