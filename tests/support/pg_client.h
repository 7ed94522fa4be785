#pragma once
// A small PostgreSQL client for tests (libpq), independent of sluice's driver.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <string>

namespace sluice::test {

class PgClient {
 public:
  explicit PgClient(const std::string& url) {
    conn_ = PQconnectdb(url.c_str());
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
    PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  }
  ~PgClient() { PQfinish(conn_); }
  PgClient(const PgClient&) = delete;
  PgClient& operator=(const PgClient&) = delete;

  void exec(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    auto st = PQresultStatus(r);
    EXPECT_TRUE(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) << PQerrorMessage(conn_) << " in " << sql;
    PQclear(r);
  }
  std::string scalar(const std::string& sql) {
    PGresult* r = PQexec(conn_, sql.c_str());
    auto st = PQresultStatus(r);
    EXPECT_TRUE(st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) << PQerrorMessage(conn_) << " in " << sql;
    std::string out = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) && !PQgetisnull(r, 0, 0) ? PQgetvalue(r, 0, 0) : "";
    PQclear(r);
    return out;
  }
  // Sends without waiting (for statements expected to block); finish() collects.
  void send(const std::string& sql) { EXPECT_EQ(PQsendQuery(conn_, sql.c_str()), 1) << PQerrorMessage(conn_); }
  std::string finish() {
    std::string err;
    while (PGresult* r = PQgetResult(conn_)) {
      if (PQresultStatus(r) == PGRES_FATAL_ERROR) err = PQresultErrorMessage(r);
      PQclear(r);
    }
    return err;
  }
  // Drops sluice's saved checkpoints of a pipeline (the state table may not exist yet).
  void forget_pipeline(const std::string& pipeline) {
    exec("DO $$ BEGIN IF to_regclass('sluice_state') IS NOT NULL THEN DELETE FROM sluice_state WHERE pipeline LIKE '" +
         pipeline + "'; END IF; END $$");
  }
  PGconn* get() { return conn_; }

 private:
  PGconn* conn_;
};

inline std::string pg_scalar(const std::string& url, const std::string& sql) { return PgClient(url).scalar(sql); }

}  // namespace sluice::test
