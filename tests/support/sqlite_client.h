#pragma once
// Small SQLite helpers for tests, independent of sluice's driver.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

namespace sluice::test {

inline void sqlite_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << " in " << sql;
  sqlite3_free(err);
  sqlite3_close(db);
}

// The first column of the first row ("" for none or NULL); `attach`, when given, is
// attached as "other" first.
inline std::string sqlite_scalar(const std::string& path, const std::string& sql, const std::string& attach = "") {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, attach.empty() ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE, nullptr);
  if (!attach.empty()) sqlite3_exec(db, ("ATTACH '" + attach + "' AS other").c_str(), nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  std::string out;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db) << " in " << sql;
  if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

}  // namespace sluice::test
