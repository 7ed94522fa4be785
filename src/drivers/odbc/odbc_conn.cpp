#include "drivers/odbc/odbc_conn.h"

#include <algorithm>

#include "drivers/odbc/odbc_dialects.h"
#include "sluice/status.h"

namespace sluice::odbc {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Connecting fails for reasons a retry cannot fix (credentials, a DSN or driver that is
// not configured) and for ones it can (the server is not up yet).
ErrorClass connect_failure_class(const std::vector<Diagnostic>& diags) {
  for (const auto& d : diags) {
    const std::string m = lower(d.message);
    if (d.sqlstate.rfind("IM", 0) == 0) return ErrorClass::config;
    if (d.sqlstate.rfind("28", 0) == 0 || m.find("password authentication failed") != std::string::npos ||
        m.find("access denied") != std::string::npos || m.find("does not exist") != std::string::npos ||
        m.find("unknown database") != std::string::npos || m.find("login failed") != std::string::npos)
      return ErrorClass::connect;
  }
  return ErrorClass::transient;
}

}  // namespace

Dbms dbms_from(const std::string& key, const std::string& dbms_name) {
  const std::string k = lower(key.empty() ? dbms_name : key);
  if (k.find("postgres") != std::string::npos) return Dbms::postgres;
  if (k.find("mariadb") != std::string::npos) return Dbms::mariadb;
  if (k.find("mysql") != std::string::npos) return Dbms::mysql;
  if (k.find("sqlite") != std::string::npos) return Dbms::sqlite;
  if (k.find("sql server") != std::string::npos || k == "sqlserver" || k == "mssql") return Dbms::sqlserver;
  if (k.find("oracle") != std::string::npos) return Dbms::oracle;
  return Dbms::other;
}

Conn::Conn(const ConnectionConfig& cfg, const std::string& extra) : name_(cfg.name), env_(SQL_HANDLE_ENV, SQL_NULL_HANDLE) {
  SQLSetEnvAttr(env_.get(), SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
  dbc_ = Handle(SQL_HANDLE_DBC, env_.get());
  const auto timeout = static_cast<SQLULEN>(std::max<long long>(1, (cfg.connect_timeout.count() + 999) / 1000));
  SQLSetConnectAttrW(dbc_.get(), SQL_ATTR_LOGIN_TIMEOUT, reinterpret_cast<SQLPOINTER>(timeout), 0);
  const std::string where = "connection '" + cfg.name + "' (" + cfg.display() + ")";
  auto it = cfg.options.find("connection_string");
  if (it == cfg.options.end()) throw Error(ErrorClass::internal, where + ": no connection string");
  WString in = widen(it->second + extra);
  SQLWCHAR out[1024];
  SQLSMALLINT out_len = 0;
  SQLRETURN rc = SQLDriverConnectW(dbc_.get(), nullptr, in.data(), static_cast<SQLSMALLINT>(in.size()), out,
                                   static_cast<SQLSMALLINT>(sizeof out / sizeof out[0]), &out_len, SQL_DRIVER_NOPROMPT);
  if (!succeeded(rc)) {
    auto diags = diagnostics(SQL_HANDLE_DBC, dbc_.get());
    std::string msg = diags.empty() ? std::string("the ODBC driver gave no diagnostic") : "[" + diags[0].sqlstate + "] " + diags[0].message;
    if (!cfg.password.empty())
      for (auto p = msg.find(cfg.password); p != std::string::npos; p = msg.find(cfg.password)) msg.replace(p, cfg.password.size(), "***");
    throw Error(connect_failure_class(diags), where + ": " + msg, diags.empty() ? std::string() : diags[0].sqlstate);
  }
  connected_ = true;
  SQLWCHAR dbms[256] = {0};
  SQLSMALLINT len = 0;
  if (succeeded(SQLGetInfoW(dbc_.get(), SQL_DBMS_NAME, dbms, sizeof dbms, &len)))
    dbms_name_ = narrow(dbms, std::min<std::size_t>(static_cast<std::size_t>(len) / sizeof(SQLWCHAR), 255));
  auto d = cfg.options.find("dialect");
  dbms_ = dbms_from(d == cfg.options.end() ? std::string() : d->second, dbms_name_);
  for (const auto& statement : session_setup(dbms_)) exec(statement);
}

Conn::~Conn() {
  if (!connected_) return;
  if (in_tx_) SQLEndTran(SQL_HANDLE_DBC, dbc_.get(), SQL_ROLLBACK);
  SQLDisconnect(dbc_.get());
}

void Conn::raise(const Handle& h, const std::string& what) const {
  try {
    odbc::raise(h.type(), h.get(), what);
  } catch (const Error& e) {
    throw Error(e.error_class(), name_ + ": " + e.what(), e.sqlstate());
  }
}

void Conn::exec(const std::string& sql) {
  Handle st = statement();
  WString w = widen(sql);
  SQLRETURN rc = SQLExecDirectW(st.get(), w.data(), static_cast<SQLINTEGER>(w.size()));
  if (rc != SQL_NO_DATA && !succeeded(rc)) raise(st, "running " + sql.substr(0, 200));
}

void Conn::begin() {
  if (in_tx_) return;
  SQLRETURN rc = SQLSetConnectAttrW(dbc_.get(), SQL_ATTR_AUTOCOMMIT, reinterpret_cast<SQLPOINTER>(SQL_AUTOCOMMIT_OFF), 0);
  if (!succeeded(rc)) raise(dbc_, "starting a transaction");
  in_tx_ = true;
}

void Conn::end(bool commit) {
  if (!in_tx_) return;
  in_tx_ = false;
  SQLRETURN rc = SQLEndTran(SQL_HANDLE_DBC, dbc_.get(), commit ? SQL_COMMIT : SQL_ROLLBACK);
  if (!succeeded(rc)) {
    try {
      raise(dbc_, commit ? "committing" : "rolling back");
    } catch (...) {
      SQLEndTran(SQL_HANDLE_DBC, dbc_.get(), SQL_ROLLBACK);
      SQLSetConnectAttrW(dbc_.get(), SQL_ATTR_AUTOCOMMIT, reinterpret_cast<SQLPOINTER>(SQL_AUTOCOMMIT_ON), 0);
      throw;
    }
  }
  rc = SQLSetConnectAttrW(dbc_.get(), SQL_ATTR_AUTOCOMMIT, reinterpret_cast<SQLPOINTER>(SQL_AUTOCOMMIT_ON), 0);
  if (!succeeded(rc)) raise(dbc_, "returning to autocommit");
}

SQLUINTEGER Conn::info_bits(SQLUSMALLINT what) {
  SQLUINTEGER v = 0;
  if (!succeeded(SQLGetInfoW(dbc_.get(), what, &v, sizeof v, nullptr))) return 0;
  return v;
}

std::vector<Cells> fetch_all(Conn& conn, Handle& stmt, const std::string& what) {
  std::vector<Cells> rows;
  SQLSMALLINT ncols = 0;
  if (!succeeded(SQLNumResultCols(stmt.get(), &ncols))) conn.raise(stmt, what);
  if (ncols <= 0) return rows;
  SQLWCHAR buf[1024];
  WString cell;
  for (;;) {
    SQLRETURN rc = SQLFetch(stmt.get());
    if (rc == SQL_NO_DATA) break;
    if (!succeeded(rc)) conn.raise(stmt, what);
    Cells row(static_cast<std::size_t>(ncols));
    for (SQLUSMALLINT c = 1; c <= static_cast<SQLUSMALLINT>(ncols); ++c) {
      cell.clear();
      bool null = false;
      for (;;) {
        SQLLEN ind = 0;
        rc = SQLGetData(stmt.get(), c, SQL_C_WCHAR, buf, sizeof buf, &ind);
        if (rc == SQL_NO_DATA) break;
        if (!succeeded(rc)) conn.raise(stmt, what);
        if (ind == SQL_NULL_DATA) { null = true; break; }
        const std::size_t room = sizeof buf / sizeof buf[0] - 1;
        const bool more = ind == SQL_NO_TOTAL || static_cast<std::size_t>(ind) / sizeof(SQLWCHAR) > room;
        cell.append(buf, more ? room : static_cast<std::size_t>(ind) / sizeof(SQLWCHAR));
        if (!more) break;
      }
      if (!null) row[c - 1] = narrow(cell);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

void bind_text(Conn& conn, Handle& stmt, const std::vector<std::string>& params, TextParams& keep) {
  keep.values.resize(params.size());
  keep.lengths.resize(params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    widen_into(params[i], keep.values[i]);
    keep.values[i].push_back(0);
    const std::size_t chars = keep.values[i].size() - 1;
    keep.lengths[i] = static_cast<SQLLEN>(chars * sizeof(SQLWCHAR));
    SQLRETURN rc = SQLBindParameter(stmt.get(), static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, SQL_C_WCHAR,
                                    chars > 4000 ? SQL_WLONGVARCHAR : SQL_WVARCHAR, std::max<std::size_t>(chars, 1), 0,
                                    keep.values[i].data(), static_cast<SQLLEN>(keep.values[i].size() * sizeof(SQLWCHAR)),
                                    &keep.lengths[i]);
    if (!succeeded(rc)) conn.raise(stmt, "binding parameter " + std::to_string(i + 1));
  }
}

namespace {

Handle run(Conn& conn, const std::string& sql, const std::vector<std::string>& params, TextParams& keep) {
  Handle st = conn.statement();
  WString w = widen(sql);
  if (!succeeded(SQLPrepareW(st.get(), w.data(), static_cast<SQLINTEGER>(w.size())))) conn.raise(st, "preparing " + sql.substr(0, 200));
  bind_text(conn, st, params, keep);
  SQLRETURN rc = SQLExecute(st.get());
  if (rc != SQL_NO_DATA && !succeeded(rc)) conn.raise(st, "running " + sql.substr(0, 200));
  return st;
}

}  // namespace

void OdbcSession::exec(const std::string& sql, const std::vector<std::string>& params) {
  TextParams keep;
  run(*conn_, sql, params, keep);
}

std::vector<Cells> OdbcSession::cells(const std::string& sql, const std::vector<std::string>& params) {
  TextParams keep;
  Handle st = run(*conn_, sql, params, keep);
  return fetch_all(*conn_, st, "reading " + sql.substr(0, 200));
}

sql::Session::Rows OdbcSession::query(const std::string& sql, const std::vector<std::string>& params) {
  Rows out;
  for (auto& row : cells(sql, params)) {
    std::vector<std::string> r;
    r.reserve(row.size());
    for (auto& c : row) r.push_back(c ? std::move(*c) : std::string());
    out.push_back(std::move(r));
  }
  return out;
}

void OdbcSession::rollback() noexcept {
  try {
    conn_->end(false);
  } catch (...) {
  }
}

}  // namespace sluice::odbc
