// Service mode (run --every) against the real servers: passes on a short interval pick
// up new source rows, a PostgreSQL restart between passes and one during a pass are
// survived, the health file says how each pass went, and SIGTERM ends it with exit 0
// and no transaction left open on the server.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "support/copy_faults.h"
#include "support/servers.h"

using namespace sluice;
using namespace std::chrono_literals;

namespace {

nlohmann::json health(const std::string& path) {
  auto j = nlohmann::json::parse(test::read_file(path), nullptr, false);
  return j.is_discarded() ? nlohmann::json::object() : j;
}

// Waits (up to a minute) until the health file shows a pass after `after` that satisfies `ok`.
nlohmann::json wait_for_pass(const std::string& path, int after, const std::function<bool(const nlohmann::json&)>& ok) {
  for (int i = 0; i < 1200; ++i) {
    auto j = health(path);
    if (j.value("pass", 0) > after && ok(j)) return j;
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "no such pass after pass " << after << "; health file: " << test::read_file(path);
  return health(path);
}

}  // namespace

TEST(Service, PassesSurviveRestartsPickUpNewRowsAndStopCleanly) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  const std::string bin = test::server_url("SLUICE_TEST_PG_BIN"), data = test::server_url("SLUICE_TEST_PG_DATA"),
                    user = test::server_url("SLUICE_TEST_PG_USER");
  ASSERT_FALSE(bin.empty() || data.empty()) << "scripts/test.sh exports SLUICE_TEST_PG_BIN and SLUICE_TEST_PG_DATA";
  const std::string restart = (::geteuid() == 0 && !user.empty() ? "runuser -u " + user + " -- " : std::string()) + bin + "/pg_ctl -D " + data +
                              " -m fast -w restart >/dev/null";
  test::MyClient my(my_url);
  test::make_mysql_source(my, "svc_src", 20000);
  {
    test::PgClient pg(pg_url);
    pg.exec("DROP TABLE IF EXISTS svc_dst");
    pg.forget_pipeline("svc");
  }
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), test::copy_pipeline("svc", my_url, "svc_src", pg_url, "svc_dst"));
  const std::string health_file = dir.file("health.json");
  test::Child service({SLUICE_BINARY, "run", dir.file("p.yaml"), "--every", "1s", "--health-file", health_file}, dir.file("log"));

  auto first = wait_for_pass(health_file, 0, [](const nlohmann::json& j) { return j.value("status", "") == "ok"; });
  EXPECT_EQ(first.value("rows_written", -1), 20000) << first.dump();
  EXPECT_FALSE(first["last_success"].is_null());

  // Between passes: the server restarts; new rows arrive.
  ASSERT_EQ(test::run_command(restart), 0);
  my.exec("INSERT INTO svc_src SELECT seq, CONCAT('new ', seq), seq / 3, '2021-01-01' FROM seq_20001_to_21000");
  auto second = wait_for_pass(health_file, first.value("pass", 0), [](const nlohmann::json& j) {
    return j.value("status", "") == "ok" && j.value("rows_written", 0) == 1000;
  });

  // During a pass: enough new rows that the pass is still running when the server restarts.
  my.exec("INSERT INTO svc_src SELECT seq, CONCAT('late ', seq), seq / 3, '2021-01-02' FROM seq_21001_to_121000");
  {
    test::PgClient pg(pg_url);
    for (int i = 0; i < 600; ++i) {
      if (std::stoll(pg.scalar("SELECT count(*) FROM svc_dst")) > 21000) break;
      std::this_thread::sleep_for(20ms);
    }
  }
  ASSERT_EQ(test::run_command(restart), 0);
  auto third = wait_for_pass(health_file, second.value("pass", 0), [&](const nlohmann::json& j) {
    return j.value("status", "") == "ok" && test::PgClient(pg_url).scalar("SELECT count(*) FROM svc_dst") == "121000";
  });
  const std::string log = test::read_file(dir.file("log"));
  EXPECT_NE(log.find("transient; retry"), std::string::npos) << "the restart during a pass went unnoticed:\n" << log;

  service.signal(SIGTERM);
  EXPECT_EQ(service.wait(), 0) << test::read_file(dir.file("log"));
  test::PgClient pg(pg_url);
  EXPECT_EQ(test::pg_checksum(pg, "svc_dst"), test::mysql_checksum(my, "svc_src"));
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'"), "0");
  EXPECT_EQ(health(health_file).value("status", ""), "ok");
}
