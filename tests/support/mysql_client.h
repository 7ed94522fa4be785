#pragma once
// A small MySQL client for tests (mysql-connector-c++), independent of sluice's driver.
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <mysql_driver.h>

#include <memory>
#include <string>

#include "sluice/config.h"

namespace sluice::test {

class MyClient {
 public:
  explicit MyClient(const std::string& url) {
    ConnectionConfig c;
    config::apply_url(url, "/", c);
    database = c.database;
    sql::ConnectOptionsMap o;
    o["hostName"] = sql::SQLString(c.host);
    o["port"] = c.port;
    o["userName"] = sql::SQLString(c.user);
    o["password"] = sql::SQLString(c.password);
    o["schema"] = sql::SQLString(c.database);
    o["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    conn.reset(sql::mysql::get_mysql_driver_instance()->connect(o));
    exec("SET time_zone = '+00:00'");
    exec("SET SESSION group_concat_max_len = 1073741824");
  }
  void exec(const std::string& s) {
    try {
      std::unique_ptr<sql::Statement> st(conn->createStatement());
      st->execute(s);
    } catch (const sql::SQLException& e) {
      ADD_FAILURE() << e.what() << " in " << s;
    }
  }
  std::string scalar(const std::string& s) {
    try {
      std::unique_ptr<sql::Statement> st(conn->createStatement());
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery(s));
      if (!rs->next() || rs->isNull(1)) return "";
      return rs->getString(1);
    } catch (const sql::SQLException& e) {
      ADD_FAILURE() << e.what() << " in " << s;
      return "";
    }
  }
  // Drops sluice's saved checkpoints of a pipeline (the state table may not exist yet).
  void forget_pipeline(const std::string& pipeline) {
    if (scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'sluice_state'") == "1")
      exec("DELETE FROM sluice_state WHERE pipeline LIKE '" + pipeline + "'");
  }
  std::unique_ptr<sql::Connection> conn;
  std::string database;
};

}  // namespace sluice::test
