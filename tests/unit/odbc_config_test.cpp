// ODBC connections in pipeline files: DSN URLs, connection strings, credentials added
// as UID/PWD, the dialect: key, and passwords never shown (the driver's spec,
// src/drivers/odbc/odbc_spec.cpp; the connection-string rule of core/redact).
#include <gtest/gtest.h>

#include "core/redact.h"
#include "support/config_load.h"

using namespace sluice;
using test::expect_error;
using test::load_text;

namespace {

std::string pipeline_with(const std::string& connection) {
  return "version: 1\nname: d\nconnections:\n  c:\n" + connection +
         "  out:\n    url: csv://./out\nsteps:\n  - {name: s, extract: {from: c, table: t}, load: {to: out, table: t}}\n";
}

ConnectionConfig loaded(const std::string& connection, config::Environment env = {}) {
  auto r = load_text(pipeline_with(connection), env);
  if (!r.pipeline) {
    ADD_FAILURE() << (r.errors.empty() ? "no pipeline" : r.errors[0].display());
    return {};
  }
  return r.pipeline->connections.at("c");
}

}  // namespace

TEST(OdbcConfig, DsnUrlsWithCredentialsAndAttributes) {
  auto c = loaded("    url: \"odbc://app:s3cr%3Bet@warehouse?Encrypt=yes&TrustServerCertificate=no\"\n");
  EXPECT_EQ(c.driver, "odbc");
  EXPECT_EQ(c.options.at("connection_string"), "DSN=warehouse;Encrypt=yes;TrustServerCertificate=no;UID=app;PWD={s3cr;et};");
  EXPECT_EQ(c.display(), "odbc://app:***@warehouse");
  auto q = loaded("    url: \"odbc://?dsn=sales%20db\"\n    user: bob\n    password: hunter2hunter2\n");
  EXPECT_EQ(q.options.at("connection_string"), "DSN=sales db;UID=bob;PWD=hunter2hunter2;");
  EXPECT_EQ(q.display(), "odbc://bob:***@sales db");
}

TEST(OdbcConfig, ConnectionStringsNameTheDriverThemselves) {
  config::Environment env;
  env.set("MSSQL_PASSWORD", "Pa;ss}word12");
  auto c = loaded("    connection_string: \"Driver={ODBC Driver 18 for SQL Server};Server=db,1433;Database=erp\"\n"
                  "    user: etl\n    password: ${MSSQL_PASSWORD}\n    dialect: sqlserver\n", env);
  EXPECT_EQ(c.driver, "odbc");
  EXPECT_EQ(c.options.at("connection_string"), "Driver={ODBC Driver 18 for SQL Server};Server=db,1433;Database=erp;UID=etl;PWD={Pa;ss}}word12};");
  EXPECT_EQ(c.options.at("dialect"), "sqlserver");
  EXPECT_EQ(c.display().find("Pa;ss"), std::string::npos) << c.display();
  EXPECT_EQ(c.display(), "odbc:{Driver=ODBC Driver 18 for SQL Server;Server=db,1433;Database=erp;UID=etl}");
  // Interpolated into the connection string itself: remembered as a secret, masked everywhere.
  env.set("ORA_PW", "tiger;scott7");
  auto o = loaded("    connection_string: \"Driver={Oracle};DBQ=db/ORCL;UID=scott;PWD={${ORA_PW}}\"\n", env);
  EXPECT_EQ(o.options.at("connection_string"), "Driver={Oracle};DBQ=db/ORCL;UID=scott;PWD={tiger;scott7};");
  EXPECT_EQ(o.display().find("tiger"), std::string::npos) << o.display();
  EXPECT_EQ(redact::apply("login failed for tiger;scott7"), "login failed for ***");
}

TEST(OdbcConfig, MistakesAreNamedWithTheirLine) {
  expect_error(pipeline_with("    driver: odbc\n"), 5, "needs url: odbc://DSN or connection_string:");
  expect_error(pipeline_with("    url: \"odbc://a?dsn=b\"\n"), 5, "names its DSN twice");
  expect_error(pipeline_with("    url: \"odbc:warehouse\"\n"), 5, "expected odbc://DSN");
  expect_error(pipeline_with("    url: \"odbc://w\"\n    connection_string: \"DSN=w\"\n"), 6, "not both");
  expect_error(pipeline_with("    connection_string: \"DSN=w;UID=a\"\n    user: b\n"), 6, "the user is given twice");
  expect_error(pipeline_with("    connection_string: \"DSN=w\"\n    dialect: db2\n"), 6, "unknown dialect 'db2'");
  expect_error(pipeline_with("    connection_string: \"DSN=w\"\n    tls: {mode: require}\n"), 6, "tls does not apply to a odbc connection");
}

TEST(OdbcConfig, ConnectionStringPasswordsAreMaskedInAnyText) {
  EXPECT_EQ(redact::apply("failed: Driver={X};Server=h;UID=u;PWD=abc;Database=d"), "failed: Driver={X};Server=h;UID=u;PWD=***;Database=d");
  EXPECT_EQ(redact::apply("Password = {a;b}}c}; next"), "Password = ***; next");
  EXPECT_EQ(redact::apply("pwd=short"), "pwd=***");
  // Not a password attribute: left alone.
  EXPECT_EQ(redact::apply("the pwd is not shown, xpwd=1"), "the pwd is not shown, xpwd=1");
}
