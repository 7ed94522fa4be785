#include "drivers/postgres/pg_conn.h"

#include "drivers/sql/sqlstate.h"

namespace sluice::postgres {

namespace {
std::string conninfo_value(const std::string& v) {
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

const char* sslmode(TlsMode m) {
  switch (m) {
    case TlsMode::disable: return "disable";
    case TlsMode::prefer: return "prefer";
    case TlsMode::require: return "require";
    case TlsMode::verify_ca: return "verify-ca";
    case TlsMode::verify_full: return "verify-full";
  }
  return "prefer";
}

// Authentication and configuration problems do not heal by retrying; a server that
// is down or restarting does.
bool permanent_connect_failure(const std::string& msg) {
  for (const char* p : {"password authentication failed", "does not exist", "no pg_hba.conf entry", "SSL",
                        "sslmode", "certificate", "invalid connection option", "role", "permission denied",
                        "server does not support"})
    if (msg.find(p) != std::string::npos) return true;
  return false;
}
}  // namespace

Conn::Conn(const ConnectionConfig& cfg) : name_(cfg.name) {
  std::string ci = "host=" + conninfo_value(cfg.host) + " dbname=" + conninfo_value(cfg.database) +
                   " application_name='sluice' client_encoding='UTF8'";
  if (cfg.port) ci += " port=" + std::to_string(cfg.port);
  if (!cfg.user.empty()) ci += " user=" + conninfo_value(cfg.user);
  if (!cfg.password.empty()) ci += " password=" + conninfo_value(cfg.password);
  long secs = std::max<long>(1, static_cast<long>((cfg.connect_timeout.count() + 999) / 1000));
  ci += " connect_timeout=" + std::to_string(secs);
  ci += std::string(" sslmode=") + sslmode(cfg.tls.mode);
  if (!cfg.tls.ca.empty()) ci += " sslrootcert=" + conninfo_value(cfg.tls.ca);
  if (!cfg.tls.cert.empty()) ci += " sslcert=" + conninfo_value(cfg.tls.cert);
  if (!cfg.tls.key.empty()) ci += " sslkey=" + conninfo_value(cfg.tls.key);
  // Keepalives notice a dead peer; timestamps travel in UTC and ISO form.
  ci += " keepalives=1 keepalives_idle=30 keepalives_interval=10 keepalives_count=3";
  ci += " options='-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=iso_8601 -c extra_float_digits=3'";
  conn_ = PQconnectdb(ci.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    PQfinish(conn_);
    conn_ = nullptr;
    if (!cfg.password.empty())
      for (auto p = msg.find(cfg.password); p != std::string::npos; p = msg.find(cfg.password)) msg.replace(p, cfg.password.size(), "***");
    throw Error(permanent_connect_failure(msg) ? ErrorClass::connect : ErrorClass::transient,
                "connection '" + cfg.name + "' (" + cfg.display() + "): " + msg);
  }
  // Server NOTICEs ("relation already exists, skipping") are not the user's business.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
}

Conn::~Conn() {
  if (conn_) PQfinish(conn_);
}

void Conn::raise(const PGresult* r, const std::string& what) {
  std::string state = r ? (PQresultErrorField(r, PG_DIAG_SQLSTATE) ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : "") : "";
  std::string msg = r && PQresultErrorMessage(r)[0] ? PQresultErrorMessage(r) : PQerrorMessage(conn_);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  ErrorClass cls = sql::classify_sqlstate(state);
  if (PQstatus(conn_) == CONNECTION_BAD) cls = ErrorClass::transient;
  throw Error(cls, name_ + ": " + what + ": " + msg, state);
}

Result Conn::exec_one(const std::string& sql) {
  Result r(PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0));
  auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) raise(r.get(), sql.substr(0, 120));
  return r;
}

Result Conn::exec(const std::string& sql, const std::vector<const char*>& params) {
  Result r(params.empty() ? PQexec(conn_, sql.c_str())
                          : PQexecParams(conn_, sql.c_str(), static_cast<int>(params.size()), nullptr, params.data(),
                                         nullptr, nullptr, 0));
  auto st = PQresultStatus(r.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) raise(r.get(), sql.substr(0, 120));
  return r;
}

namespace {
std::vector<const char*> pointers(const std::vector<std::string>& params) {
  std::vector<const char*> out;
  out.reserve(params.size());
  for (const auto& p : params) out.push_back(p.c_str());
  return out;
}
}  // namespace

void PgSession::exec(const std::string& sql, const std::vector<std::string>& params) { conn_->exec(sql, pointers(params)); }

sql::Session::Rows PgSession::query(const std::string& sql, const std::vector<std::string>& params) {
  Result r = conn_->exec(sql, pointers(params));
  Rows rows(static_cast<std::size_t>(PQntuples(r.get())));
  const int width = PQnfields(r.get());
  for (int i = 0; i < PQntuples(r.get()); ++i)
    for (int c = 0; c < width; ++c) rows[static_cast<std::size_t>(i)].emplace_back(PQgetvalue(r.get(), i, c));
  return rows;
}

void PgSession::rollback() noexcept {
  if (PQstatus(conn_->get()) == CONNECTION_OK) PQclear(PQexec(conn_->get(), "ROLLBACK"));
}

}  // namespace sluice::postgres
