// Service mode's --listen: /healthz answers with the last pass's health (200, 503 after a
// failed pass, 200 again after the next good one), /metrics with running totals in
// Prometheus' text format; a port that is taken stops the run before any pass.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "support/process.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;
using namespace std::chrono_literals;

namespace {

// The port the service logged, waiting for the line up to 30 s.
int logged_port(const std::string& log_path) {
  const std::regex line(R"(serving /healthz and /metrics on http://127\.0\.0\.1:(\d+))");
  for (int i = 0; i < 600; ++i) {
    std::smatch m;
    const std::string log = test::read_file(log_path);
    if (std::regex_search(log, m, line)) return std::stoi(m[1]);
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "no listening line in the log:\n" << test::read_file(log_path);
  return 0;
}

// The value of one sample line of /metrics ("name{labels}"), -1 when absent.
double sample(const std::string& metrics, const std::string& series) {
  const auto at = metrics.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(metrics.substr(at + series.size() + 2));
}

// Polls /metrics (up to 60 s) until `ok` holds for it; returns the last text seen.
std::string wait_for_metrics(httplib::Client& http, const std::function<bool(const std::string&)>& ok) {
  std::string last;
  for (int i = 0; i < 1200; ++i) {
    if (auto res = http.Get("/metrics"); res && res->status == 200) {
      last = res->body;
      if (ok(last)) return last;
    }
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "the metrics never got there; last seen:\n" << last;
  return last;
}

}  // namespace

TEST(LocalService, ListenServesHealthAndMetricsAndATakenPortStopsTheRun) {
  test::TempDir dir;
  const std::string rows = "id,name\n1,ann\n2,bob\n3,cy\n";
  test::write_file(dir.file("in.csv"), rows);
  test::write_file(dir.file("p.yaml"), "version: 1\nname: svc\nconnections:\n  src: {url: 'csv:.'}\n  dst: {url: sqlite:dst.db}\n"
                                       "steps:\n  - name: people\n    extract: {from: src, table: in}\n"
                                       "    load: {to: dst, table: people, mode: truncate}\n");
  test::Child service({SLUICE_BINARY, "run", dir.file("p.yaml"), "--every", "1s", "--listen", "127.0.0.1:0"}, dir.file("log"));
  const int port = logged_port(dir.file("log"));
  ASSERT_GT(port, 0);
  httplib::Client http("127.0.0.1", port);
  http.set_read_timeout(5, 0);

  auto text = wait_for_metrics(http, [](const std::string& m) { return sample(m, "sluice_passes_total{result=\"ok\"}") >= 2; });
  const double ok_passes = sample(text, "sluice_passes_total{result=\"ok\"}");
  EXPECT_EQ(sample(text, "sluice_rows_written_total{step=\"people\"}"), 3 * ok_passes) << text;
  EXPECT_EQ(sample(text, "sluice_rows_read_total{step=\"people\"}"), 3 * ok_passes) << text;
  EXPECT_EQ(sample(text, "sluice_passes_total{result=\"failed\"}"), 0) << text;
  EXPECT_GT(sample(text, "sluice_last_success_timestamp_seconds"), 1.7e9) << text;
  EXPECT_GE(sample(text, "sluice_last_pass_duration_seconds"), 0) << text;
  EXPECT_EQ(sample(text, "sluice_last_pass_exit_code"), 0) << text;
  EXPECT_NE(text.find("# TYPE sluice_rows_written_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("sluice_info{pipeline=\"svc\",version=\""), std::string::npos) << text;
  auto healthy = http.Get("/healthz");
  ASSERT_TRUE(healthy);
  EXPECT_EQ(healthy->status, 200);
  EXPECT_EQ(nlohmann::json::parse(healthy->body).value("status", ""), "ok") << healthy->body;
  EXPECT_EQ(http.Get("/nothing")->status, 404);

  // A second service on the same port: refused before any pass, the address named.
  std::string out;
  const std::string taken = "127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + " --every 1s --listen " + taken, &out), 2);
  EXPECT_NE(out.find("cannot listen on " + taken), std::string::npos) << out;
  EXPECT_EQ(out.find("pass 1"), std::string::npos) << out;

  // The source disappears: the next pass fails and /healthz says so with 503.
  std::remove(dir.file("in.csv").c_str());
  text = wait_for_metrics(http, [](const std::string& m) { return sample(m, "sluice_passes_total{result=\"failed\"}") >= 1; });
  EXPECT_NE(sample(text, "sluice_last_pass_exit_code"), 0) << text;
  auto failed = http.Get("/healthz");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 503);
  auto failed_health = nlohmann::json::parse(failed->body);
  EXPECT_EQ(failed_health.value("status", ""), "failed") << failed->body;
  EXPECT_FALSE(failed_health["last_success"].is_null()) << failed->body;
  EXPECT_NE(failed_health.value("error", "").find("source table in does not exist"), std::string::npos) << failed->body;

  // It comes back: healthy again after the next pass.
  test::write_file(dir.file("in.csv"), rows);
  const double failures = sample(text, "sluice_passes_total{result=\"failed\"}");
  const double before = sample(text, "sluice_passes_total{result=\"ok\"}");
  wait_for_metrics(http, [&](const std::string& m) {
    return sample(m, "sluice_passes_total{result=\"ok\"}") > before && sample(m, "sluice_last_pass_exit_code") == 0;
  });
  EXPECT_EQ(http.Get("/healthz")->status, 200);

  service.signal(SIGTERM);
  EXPECT_EQ(service.wait(), 0) << test::read_file(dir.file("log"));
  EXPECT_GE(failures, 1);
  EXPECT_EQ(test::sqlite_scalar(dir.file("dst.db"), "SELECT count(*) FROM people"), "3");
}

TEST(LocalService, ListenNeedsEveryAndAnAddress) {
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), "version: 1\nname: svc\nconnections:\n  src: {url: 'csv:.'}\n  dst: {url: sqlite:dst.db}\n"
                                       "steps:\n  - {name: people, extract: {from: src, table: in}, load: {to: dst, table: people}}\n");
  std::string out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + " --listen 127.0.0.1:9187", &out), 2);
  EXPECT_NE(out.find("--listen goes with --every"), std::string::npos) << out;
  for (const char* bad : {"9187", "localhost", "127.0.0.1:99999", "::1:9187", "[::1:9187"}) {
    EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + " --every 1m --listen '" + bad + "'", &out), 2) << bad;
    EXPECT_NE(out.find("--listen must be HOST:PORT"), std::string::npos) << bad << ": " << out;
  }
}

// A long pass shows its progress while it runs: the gauge of committed rows grows with
// each commit, the counters take the pass's rows once, when it ends.
TEST(LocalService, MetricsShowTheRunningPassesCommittedRows) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE slow (id INTEGER PRIMARY KEY); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                                        "WHERE i < 1000) INSERT INTO slow SELECT i FROM n");
  // 2 ms of CPU a row: a pass of about two seconds whatever the machine, a commit every 10 rows.
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: svc-slow\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
                   "steps:\n  - name: slow\n    extract: {from: src, table: slow}\n"
                   "    transform: [{filter: \"(function() local t = os.clock() while os.clock() - t < 0.002 do end return true end)()\"}]\n"
                   "    load: {to: dst, table: slow, mode: truncate, batch_size: 10, commit_every: 1}\n");
  test::Child service({SLUICE_BINARY, "run", dir.file("p.yaml"), "--every", "1h", "--listen", "127.0.0.1:0"}, dir.file("log"));
  const int port = logged_port(dir.file("log"));
  ASSERT_GT(port, 0);
  httplib::Client http("127.0.0.1", port);
  http.set_read_timeout(5, 0);
  const std::string gauge = "sluice_pass_rows_committed{unit=\"slow\"}";
  auto during = wait_for_metrics(http, [&](const std::string& m) { return sample(m, gauge) >= 20; });
  EXPECT_EQ(sample(during, "sluice_pass_running"), 1) << during;
  EXPECT_LT(sample(during, gauge), 1000) << during;
  EXPECT_EQ(sample(during, "sluice_passes_total{result=\"ok\"}"), 0) << during;
  EXPECT_EQ(sample(during, "sluice_rows_written_total{step=\"slow\"}"), -1) << during;  // no pass ended yet

  auto after = wait_for_metrics(http, [](const std::string& m) { return sample(m, "sluice_passes_total{result=\"ok\"}") >= 1; });
  EXPECT_EQ(sample(after, gauge), 1000) << after;
  EXPECT_EQ(sample(after, "sluice_rows_written_total{step=\"slow\"}"), 1000) << after;
  EXPECT_EQ(sample(after, "sluice_pass_running"), 0) << after;
  service.signal(SIGTERM);
  EXPECT_EQ(service.wait(), 0) << test::read_file(dir.file("log"));
}
