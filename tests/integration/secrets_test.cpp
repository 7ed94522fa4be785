// Issue 7: a distinctive password, given in a URL, a password field, a password_file or
// an interpolated variable, never appears in anything sluice prints or writes: stdout,
// stderr, --report, reject files, plan, verify and state, on success and on every
// config, connect and TLS error path.
#include <gtest/gtest.h>

#include "support/mysql_client.h"
#include "support/pg_client.h"
#include "support/servers.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

const std::string kSecret = "Zebra-Quartz-7719";
const std::string kNeedle = "Quartz";  // any part of it is a leak

struct Server {
  std::string driver, host, port, database;
};

Server parse(const std::string& url) {
  Server s;
  s.driver = url.substr(0, url.find(':'));
  auto at = url.find('@');
  auto colon = url.find(':', at);
  auto slash = url.find('/', at);
  s.host = url.substr(at + 1, colon - at - 1);
  s.port = url.substr(colon + 1, slash - colon - 1);
  s.database = url.substr(slash + 1);
  return s;
}

// The connection block for one way of giving the password.
std::string connection(const Server& s, const std::string& user, const std::string& password, int form,
                       const std::string& extra = "") {
  switch (form) {
    case 0:
      return "{url: \"" + s.driver + "://" + user + ":" + password + "@" + s.host + ":" + s.port + "/" + s.database + "\"" + extra + "}";
    case 1:
      return "{driver: " + s.driver + ", host: " + s.host + ", port: " + s.port + ", database: " + s.database + ", user: " + user +
             ", password: \"" + password + "\"" + extra + "}";
    case 2:
      return "{driver: " + s.driver + ", host: " + s.host + ", port: " + s.port + ", database: " + s.database + ", user: " + user +
             ", password_file: pw" + extra + "}";
    default:
      return "{driver: " + s.driver + ", host: " + s.host + ", port: " + s.port + ", database: " + s.database + ", user: " + user +
             ", password: \"${H7_PASSWORD}\"" + extra + "}";
  }
}

class Secrets : public ::testing::Test {
 protected:
  // Runs a command with the secret in the environment and in ./pw, and checks that no
  // output or written file of the folder holds any part of it.
  void expect_clean(const std::string& what, const std::string& args, const std::string& password) {
    test::write_file(dir_.file("pw"), password + "\n");
    std::string out;
    int code = test::run_command("cd " + dir_.path() + " && H7_PASSWORD='" + password + "' " + SLUICE_BINARY + " " + args, &out);
    EXPECT_EQ(out.find(kNeedle), std::string::npos) << what << " (exit " << code << ") printed the password:\n" << out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path())) {
      if (!e.is_regular_file() || e.path().filename() == "pw") continue;
      std::string content = test::read_file(e.path().string());
      if (e.path().extension() == ".yaml") continue;  // the user's own file
      EXPECT_EQ(content.find(kNeedle), std::string::npos) << what << " wrote the password into " << e.path();
    }
    outputs_ += out;
  }
  test::TempDir dir_;
  std::string outputs_;
};

TEST_F(Secrets, NoOutputOfAnyCommandHoldsThePassword) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::PgClient pg(pg_url);
  pg.exec("DROP TABLE IF EXISTS h7_rows");
  pg.exec("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sluice_h7') THEN "
          "CREATE ROLE sluice_h7 LOGIN SUPERUSER PASSWORD '" + kSecret + "'; END IF; END $$");
  pg.exec("CREATE TABLE h7_rows (id int PRIMARY KEY, qty int CHECK (qty >= 0))");
  pg.exec("ALTER TABLE h7_rows OWNER TO sluice_h7");
  test::MyClient my(my_url);
  my.exec("CREATE USER IF NOT EXISTS 'sluice_h7'@'%' IDENTIFIED BY '" + kSecret + "'");
  my.exec("CREATE USER IF NOT EXISTS 'sluice_h7'@'localhost' IDENTIFIED BY '" + kSecret + "'");
  my.exec("GRANT ALL ON *.* TO 'sluice_h7'@'%'");
  my.exec("GRANT ALL ON *.* TO 'sluice_h7'@'localhost'");
  my.exec("DROP TABLE IF EXISTS h7_src");
  my.exec("CREATE TABLE h7_src (id int PRIMARY KEY, qty int)");
  my.exec("INSERT INTO h7_src VALUES (1, 1), (2, -2), (3, 3)");
  const Server pgs = parse(pg_url), mys = parse(my_url);
  const std::string wrong = kSecret + "-wrong";
  int case_no = 0;
  for (int form = 0; form < 4; ++form) {
    auto pipeline = [&](const std::string& my_conn, const std::string& pg_conn) {
      pg.forget_pipeline("h7");
      test::write_file(dir_.file("p.yaml"), "version: 1\nname: h7\nconnections:\n  my: " + my_conn + "\n  pg: " + pg_conn +
                                                "\ndefaults: {on_error: reject, max_rejects: 5, retry: {attempts: 1}}\n"
                                                "steps:\n  - {name: s, extract: {from: my, table: h7_src}, load: {to: pg, table: h7_rows, mode: upsert}}\n");
    };
    const std::string f = " (password form " + std::to_string(form) + ")";
    // Success, with a rejected row: summary, logs, report, reject file, then plan,
    // verify and state.
    pipeline(connection(mys, "sluice_h7", kSecret, form), connection(pgs, "sluice_h7", kSecret, form));
    expect_clean("run" + f, "run p.yaml --report report.json --log-level debug", kSecret);
    EXPECT_NE(test::read_file(dir_.file("rejects/h7/s.jsonl")).find("h7_rows_qty_check"), std::string::npos) << f;
    expect_clean("run --log-format json" + f, "run p.yaml --fresh --log-format json --report report.json", kSecret);
    expect_clean("plan" + f, "plan p.yaml", kSecret);
    expect_clean("verify" + f, "verify p.yaml", kSecret);
    expect_clean("state" + f, "state p.yaml", kSecret);
    expect_clean("validate" + f, "validate p.yaml", kSecret);
    // Wrong passwords, for both servers.
    for (const auto* cmd : {"run p.yaml --report report.json", "plan p.yaml", "verify p.yaml", "state p.yaml"}) {
      pipeline(connection(mys, "sluice_h7", kSecret, form), connection(pgs, "sluice_h7", wrong, form));
      expect_clean(std::string(cmd) + ", wrong PostgreSQL password" + f, cmd, wrong);
      pipeline(connection(mys, "sluice_h7", wrong, form), connection(pgs, "sluice_h7", kSecret, form));
      expect_clean(std::string(cmd) + ", wrong MySQL password" + f, cmd, wrong);
    }
    // TLS required from servers that do not encrypt.
    pipeline(connection(mys, "sluice_h7", kSecret, form, ", tls: {mode: require}"), connection(pgs, "sluice_h7", kSecret, form));
    expect_clean("run, MySQL TLS required" + f, "run p.yaml --report report.json", kSecret);
    pipeline(connection(mys, "sluice_h7", kSecret, form), connection(pgs, "sluice_h7", kSecret, form, ", tls: {mode: require}"));
    expect_clean("run, PostgreSQL TLS required" + f, "run p.yaml --report report.json", kSecret);
    pipeline(connection(mys, "sluice_h7", kSecret, form), connection(pgs, "sluice_h7", kSecret, form, ", tls: {mode: verify-full, ca: nope.pem}"));
    expect_clean("plan, PostgreSQL CA missing" + f, "plan p.yaml", kSecret);
    // Nothing listening on the port.
    Server closed = pgs;
    closed.port = "1";
    pipeline(connection(mys, "sluice_h7", kSecret, form), connection(closed, "sluice_h7", kSecret, form));
    expect_clean("run, refused" + f, "run p.yaml --report report.json", kSecret);
    // Pipeline-file errors around the password.
    for (const std::string extra : {", hots: x", ", port: notaport", ", connect_timeout: forever", ", tls: {mode: sometimes}"}) {
      pipeline(connection(mys, "sluice_h7", kSecret, form), connection(pgs, "sluice_h7", kSecret, form, extra));
      expect_clean("validate with '" + extra + "'" + f, "validate p.yaml", kSecret);
      expect_clean("run --log-format json with '" + extra + "'" + f, "run p.yaml --log-format json", kSecret);
      ++case_no;
    }
  }
  // A URL password holding unescaped delimiters or "${": it once ended up quoted as a
  // "port" or in an interpolation error.
  for (const std::string odd : {"Zebra/Quartz-7719", "Zebra?Quartz#7719", "Zebra-${Quartz-7719", "Zebra:Quartz@7719/"}) {
    test::write_file(dir_.file("p.yaml"), "version: 1\nname: h7\nconnections:\n  pg: {url: \"postgres://sluice_h7:" + odd + "@" + pgs.host +
                                              ":" + pgs.port + "/" + pgs.database + "\"}\n  out: {url: csv://./out}\n"
                                              "steps:\n  - {name: s, extract: {from: pg, table: h7_rows}, load: {to: out}}\n");
    expect_clean("validate with '" + odd + "'", "validate p.yaml", odd);
    expect_clean("run with '" + odd + "'", "run p.yaml --report report.json --log-format json", odd);
    expect_clean("plan with '" + odd + "'", "plan p.yaml", odd);
  }
  // The checks saw the failures they were meant to provoke.
  EXPECT_NE(outputs_.find("password authentication failed"), std::string::npos);
  EXPECT_NE(outputs_.find("Access denied"), std::string::npos);
  EXPECT_NE(outputs_.find("TLS is required"), std::string::npos);
  EXPECT_NE(outputs_.find("unknown key 'hots'"), std::string::npos);
  EXPECT_NE(outputs_.find("***"), std::string::npos);
  EXPECT_EQ(case_no, 16);
}

}  // namespace
