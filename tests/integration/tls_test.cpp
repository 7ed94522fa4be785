// Issue 7, item 12: TLS modes against TLS-enabled PostgreSQL and MariaDB that this test
// starts (scripts/tls-servers.sh) with a CA it generates. The certificate names only
// 127.0.0.1; the servers are also reachable as 127.0.0.2, a name it does not carry.
//   require     encrypted, not verified (no CA needed)
//   verify-ca   encrypted and signed by the CA, any host name
//   verify-full encrypted, signed by the CA and issued to the host connected to
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "support/servers.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

class Tls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir();
    // The servers run as the postgres and mysql users, who must reach their folders.
    std::filesystem::permissions(dir_->path(), std::filesystem::perms(0755));
    std::string out;
    int code = test::run_command(std::string(SLUICE_SOURCE_DIR) + "/scripts/tls-servers.sh start " + dir_->file("servers"), &out);
    if (code != 0) {
      start_error_ = "scripts/tls-servers.sh could not start TLS servers (exit " + std::to_string(code) + "):\n" + out;
      return;
    }
    std::ifstream in(dir_->file("servers/env"));
    for (std::string line; std::getline(in, line);)
      if (auto eq = line.find('='); eq != std::string::npos) env_[line.substr(0, eq)] = line.substr(eq + 1);
  }
  static void TearDownTestSuite() {
    test::run_command(std::string(SLUICE_SOURCE_DIR) + "/scripts/tls-servers.sh stop " + dir_->file("servers"));
    delete dir_;
  }
  void SetUp() override {
    if (!start_error_.empty()) {
      // Skips only under SLUICE_TEST_ALLOW_SKIP=1 (test::skip_allowed); otherwise a failure.
      if (test::skip_allowed()) GTEST_SKIP() << start_error_ << " (SLUICE_TEST_ALLOW_SKIP=1)";
      FAIL() << start_error_;
    }
  }

  // Runs one step that reads whether its session is encrypted; returns the exit code,
  // and in `cipher` what the server said ("" when not encrypted).
  int probe(const std::string& driver, const std::string& host, const std::string& tls, std::string& cipher, std::string& out) {
    const bool my = driver == "mysql";
    const std::string port = env_[my ? "TLS_MY_PORT" : "TLS_PG_PORT"];
    const std::string query = my ? "SELECT VARIABLE_VALUE AS c FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'Ssl_cipher'"
                                 : "SELECT coalesce(cipher, '') AS c FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
    test::write_file(dir_->file("p.yaml"), "version: 1\nname: tls\nconnections:\n  db: {url: \"" + driver + "://sluice:sluice@" + host + ":" +
                                               port + "/sluice_test\", tls: " + tls + "}\n  out: {url: csv://./out}\n"
                                               "steps:\n  - {name: s, extract: {from: db, query: \"" + query +
                                               "\", order_by: [c]}, load: {to: out, table: c, mode: replace}}\n");
    int code = test::run_command(std::string(SLUICE_BINARY) + " run " + dir_->file("p.yaml") + " --fresh", &out);
    std::string csv = test::read_file(dir_->file("out/c.csv"));
    std::filesystem::remove(dir_->file("out/c.csv"));
    cipher = csv.size() > 2 ? csv.substr(2) : "";
    while (!cipher.empty() && (cipher.back() == '\n' || cipher.back() == '"')) cipher.pop_back();
    if (!cipher.empty() && cipher.front() == '"') cipher.erase(0, 1);
    return code;
  }

  // Writes two rows into the TLS MariaDB (the bulk sink's own Connector/C session);
  // returns the exit code.
  int write_probe(const std::string& host, const std::string& tls, std::string& out) {
    test::write_file(dir_->file("in/w.csv"), "id,v\n1,a\n2,b\n");
    test::write_file(dir_->file("w.yaml"), "version: 1\nname: tls-write\nconnections:\n  in: {url: csv://./in}\n"
                                           "  db: {url: \"mysql://sluice:sluice@" + host + ":" + env_["TLS_MY_PORT"] + "/sluice_test\", tls: " + tls + "}\n"
                                           "steps:\n  - {name: s, extract: {from: in, table: w}, transform: [cast: {id: int}], "
                                           "load: {to: db, table: tls_write, mode: replace, key: [id]}}\n");
    return test::run_command(std::string(SLUICE_BINARY) + " run " + dir_->file("w.yaml") + " --fresh", &out);
  }

  std::string ca() { return env_["TLS_CA"]; }
  std::string other_ca() { return env_["TLS_OTHER_CA"]; }

  static test::TempDir* dir_;
  static std::map<std::string, std::string> env_;
  static std::string start_error_;
};

test::TempDir* Tls::dir_ = nullptr;
std::map<std::string, std::string> Tls::env_;
std::string Tls::start_error_;

TEST_F(Tls, Item12_ModesMeanTheSameForBothDrivers) {
  for (const std::string driver : {"mysql", "postgres"}) {
    std::string cipher, out;
    // require: encrypted without any CA, whatever the host name.
    for (const std::string host : {"127.0.0.1", "127.0.0.2"}) {
      ASSERT_EQ(probe(driver, host, "{mode: require}", cipher, out), 0) << driver << " " << host << ":\n" << out;
      EXPECT_FALSE(cipher.empty()) << driver << ": require gave a plaintext session";
    }
    // verify-ca: the right CA passes for any host name; another CA fails closed.
    for (const std::string host : {"127.0.0.1", "127.0.0.2"}) {
      ASSERT_EQ(probe(driver, host, "{mode: verify-ca, ca: " + ca() + "}", cipher, out), 0) << driver << " " << host << ":\n" << out;
      EXPECT_FALSE(cipher.empty());
      EXPECT_EQ(probe(driver, host, "{mode: verify-ca, ca: " + other_ca() + "}", cipher, out), 1) << driver << " " << host << ":\n" << out;
      EXPECT_TRUE(out.find("certificate") != std::string::npos || out.find("SSL") != std::string::npos) << out;
    }
    // verify-full: the name must match too.
    ASSERT_EQ(probe(driver, "127.0.0.1", "{mode: verify-full, ca: " + ca() + "}", cipher, out), 0) << driver << ":\n" << out;
    EXPECT_FALSE(cipher.empty());
    EXPECT_EQ(probe(driver, "127.0.0.2", "{mode: verify-full, ca: " + ca() + "}", cipher, out), 1) << driver << ":\n" << out;
    EXPECT_EQ(probe(driver, "127.0.0.1", "{mode: verify-full, ca: " + other_ca() + "}", cipher, out), 1) << driver << ":\n" << out;
    // disable: plaintext.
    ASSERT_EQ(probe(driver, "127.0.0.1", "{mode: disable}", cipher, out), 0) << driver << ":\n" << out;
    EXPECT_TRUE(cipher.empty()) << driver << ": disable gave " << cipher;
  }
}

// The MariaDB sink writes through a Connector/C session of its own (bulk arrays): a
// pipeline writing into the TLS server connects in every mode that should, and fails
// closed in every mode that should (the sink session takes the same options and refuses
// a required-TLS session the server did not encrypt, mariadb_conn.cpp).
TEST_F(Tls, Item12_TheMariaDbBulkSinkKeepsTheModes) {
  std::string out;
  for (const std::string host : {"127.0.0.1", "127.0.0.2"}) {
    EXPECT_EQ(write_probe(host, "{mode: require}", out), 0) << host << ":\n" << out;
    EXPECT_EQ(write_probe(host, "{mode: verify-ca, ca: " + ca() + "}", out), 0) << host << ":\n" << out;
    EXPECT_EQ(write_probe(host, "{mode: verify-ca, ca: " + other_ca() + "}", out), 1) << host << ":\n" << out;
  }
  EXPECT_EQ(write_probe("127.0.0.1", "{mode: verify-full, ca: " + ca() + "}", out), 0) << out;
  EXPECT_EQ(write_probe("127.0.0.2", "{mode: verify-full, ca: " + ca() + "}", out), 1) << out;
}

}  // namespace
