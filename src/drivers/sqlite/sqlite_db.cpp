#include "drivers/sqlite/sqlite_db.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace sluice::sqlite {

void raise(sqlite3* db, int rc, const std::string& what) {
  int ext = db ? sqlite3_extended_errcode(db) : rc;
  std::string msg = what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  std::string code = "SQLITE_" + std::to_string(ext);
  // Problems of the file itself ("file is not a database", read-only, I/O) name it.
  const int primary = rc & 0xff;
  if (db && (primary == SQLITE_NOTADB || primary == SQLITE_CANTOPEN || primary == SQLITE_CORRUPT || primary == SQLITE_READONLY ||
             primary == SQLITE_IOERR || primary == SQLITE_PERM || primary == SQLITE_FULL)) {
    const char* file = sqlite3_db_filename(db, "main");
    msg = "SQLite database " + std::string(file && *file ? file : ":memory:") + ": " + msg;
  }
  switch (primary) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw Error(ErrorClass::transient, msg, code);
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
      throw Error(ErrorClass::data, msg, code);
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_AUTH:
    case SQLITE_PERM:
      throw Error(ErrorClass::connect, msg, code);
    default:
      throw Error(ErrorClass::internal, msg, code);
  }
}

Db::Db(const std::string& path, bool read_only) : path_(path) {
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    // SQLite says only "unable to open database file": say why when the folder is.
    const auto folder = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!folder.empty() && !std::filesystem::is_directory(folder, ec)) msg += " (folder " + folder.string() + " does not exist)";
    else if (!folder.empty() && ::access(folder.c_str(), read_only ? R_OK : W_OK) != 0)
      msg += " (folder " + folder.string() + ": " + std::strerror(errno) + ")";
    throw Error(ErrorClass::connect, "cannot open SQLite database " + path + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  sqlite3_extended_result_codes(db_, 1);
}

Db::~Db() { sqlite3_close_v2(db_); }

void Db::exec(const std::string& sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);
  if (rc != SQLITE_OK) raise(db_, rc, sql.substr(0, 200));
}

Stmt::Stmt(Db& db, const std::string& sql) : db_(db), sql_(sql) {
  int rc = sqlite3_prepare_v2(db.get(), sql.c_str(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc == SQLITE_ERROR)
    // A statement that does not compile names a table or column that is not there, or
    // is a query: with a syntax error: the pipeline is wrong, as PostgreSQL's 42xxx.
    throw Error(ErrorClass::config, "preparing " + sql.substr(0, 200) + ": " + sqlite3_errmsg(db.get()),
                "SQLITE_" + std::to_string(sqlite3_extended_errcode(db.get())));
  if (rc != SQLITE_OK) raise(db.get(), rc, "preparing " + sql.substr(0, 200));
}

bool Stmt::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  raise(db_.get(), rc, sql_.substr(0, 200));
}

namespace {
void bind_all(Stmt& st, const std::vector<std::string>& params) {
  for (std::size_t i = 0; i < params.size(); ++i)
    sqlite3_bind_text64(st.get(), static_cast<int>(i + 1), params[i].data(), params[i].size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
}  // namespace

void DbSession::exec(const std::string& sql, const std::vector<std::string>& params) {
  Stmt st(db_, sql);
  bind_all(st, params);
  while (st.step()) {}
}

sql::Session::Rows DbSession::query(const std::string& sql, const std::vector<std::string>& params) {
  Stmt st(db_, sql);
  bind_all(st, params);
  Rows rows;
  const int width = sqlite3_column_count(st.get());
  while (st.step()) {
    std::vector<std::string> row;
    for (int c = 0; c < width; ++c) row.push_back(st.text(c));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace sluice::sqlite
