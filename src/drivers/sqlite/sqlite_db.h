#pragma once
// RAII around sqlite3 handles, and the one place SQLite result codes become
// sluice::Error classes.
#include <sqlite3.h>

#include <string>
#include <vector>

#include "drivers/sql/session.h"

#include "sluice/status.h"

namespace sluice::sqlite {

// Throws the sluice::Error for rc: BUSY/LOCKED are transient, constraint and
// type errors are data, the rest internal. `what` says what was being done.
[[noreturn]] void raise(sqlite3* db, int rc, const std::string& what);

class Db {
 public:
  Db(const std::string& path, bool read_only);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* get() const { return db_; }
  void exec(const std::string& sql);
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Stmt {
 public:
  Stmt(Db& db, const std::string& sql);
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  sqlite3_stmt* get() const { return stmt_; }
  // Steps once: true while a row is available, false when done.
  bool step();
  void reset() { sqlite3_reset(stmt_); sqlite3_clear_bindings(stmt_); }
  std::string text(int col) const {
    auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }

 private:
  Db& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

// A Db as the sql::Session that the shared SQL code runs its statements through (the
// Db stays the connection's: a SQLite file has one writer handle).
class DbSession final : public sql::Session {
 public:
  explicit DbSession(Db& db) : db_(db) {}
  void exec(const std::string& sql) override { db_.exec(sql); }
  void exec(const std::string& sql, const std::vector<std::string>& params) override;
  Rows query(const std::string& sql, const std::vector<std::string>& params) override;
  void rollback() noexcept override { sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr); }

 private:
  Db& db_;
};

}  // namespace sluice::sqlite
