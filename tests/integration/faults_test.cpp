// SPEC §5 proven with real faults: kill -9 at random moments, a server restart, a
// connection cut by a proxy, a provoked deadlock, refused rows, concurrent runs,
// signals, a wrong password. Real processes, real servers.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <thread>

#include "sluice/config.h"
#include "support/mysql_client.h"
#include "support/copy_faults.h"
#include "support/pg_client.h"
#include "support/process.h"
#include "support/run_pipeline.h"
#include "support/servers.h"
#include "support/tcp_proxy.h"
#include "support/temp_dir.h"

using namespace sluice;
using namespace std::chrono_literals;

using test::copy_pipeline;
using test::kill_repeatedly;
using test::make_mysql_source;
using test::mysql_checksum;
using test::pg_checksum;

namespace {

bool is_root() { return ::geteuid() == 0; }

}  // namespace

TEST(Faults, KillNineAtRandomMomentsMySqlToPostgres) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::MyClient my(my_url);
  test::PgClient pg(pg_url);
  make_mysql_source(my, "kill_src", 200000);
  pg.exec("DROP TABLE IF EXISTS kill_dst");
  pg.forget_pipeline("kill-my-pg");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), copy_pipeline("kill-my-pg", my_url, "kill_src", pg_url, "kill_dst"));
  int kills = kill_repeatedly(dir.file("p.yaml"), dir.file("log"), 10);
  EXPECT_GE(kills, 10) << "the run finished before it could be killed ten times";
  EXPECT_EQ(pg_checksum(pg, "kill_dst"), mysql_checksum(my, "kill_src"));
  EXPECT_EQ(pg.scalar("SELECT count(*) - count(DISTINCT id) FROM kill_dst"), "0");
}

TEST(Faults, KillNineAtRandomMomentsPostgresToMySql) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::MyClient my(my_url);
  test::PgClient pg(pg_url);
  make_mysql_source(my, "kill_seed", 200000);
  pg.exec("DROP TABLE IF EXISTS kill_pg_src");
  test::TempDir dir;
  // Seed PostgreSQL from MySQL in one clean run, then copy back under fire.
  test::write_file(dir.file("seed.yaml"), copy_pipeline("kill-seed", my_url, "kill_seed", pg_url, "kill_pg_src").replace(
      std::string(copy_pipeline("kill-seed", my_url, "kill_seed", pg_url, "kill_pg_src")).find("batch_size: 200, commit_every: 1"),
      std::string("batch_size: 200, commit_every: 1").size(), "batch_size: 5000, commit_every: 4"));
  ASSERT_EQ(test::run_pipeline(dir.file("seed.yaml")).exit_code, 0);
  my.exec("DROP TABLE IF EXISTS kill_my_dst");
  my.forget_pipeline("kill-pg-my");
  test::write_file(dir.file("p.yaml"), copy_pipeline("kill-pg-my", pg_url, "kill_pg_src", my_url, "kill_my_dst"));
  int kills = kill_repeatedly(dir.file("p.yaml"), dir.file("log"), 10);
  EXPECT_GE(kills, 10) << "the run finished before it could be killed ten times";
  EXPECT_EQ(mysql_checksum(my, "kill_my_dst"), pg_checksum(pg, "kill_pg_src"));
  EXPECT_EQ(my.scalar("SELECT COUNT(*) - COUNT(DISTINCT id) FROM kill_my_dst"), "0");
}

TEST(Faults, TargetPostgresRestartIsRetried) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  std::string bin = test::server_url("SLUICE_TEST_PG_BIN"), data = test::server_url("SLUICE_TEST_PG_DATA"),
              user = test::server_url("SLUICE_TEST_PG_USER");
  ASSERT_FALSE(bin.empty() || data.empty()) << "scripts/test.sh exports SLUICE_TEST_PG_BIN and SLUICE_TEST_PG_DATA";
  test::MyClient my(my_url);
  make_mysql_source(my, "restart_src", 200000);
  {
    test::PgClient pg(pg_url);
    pg.exec("DROP TABLE IF EXISTS restart_dst");
    pg.forget_pipeline("restart");
  }
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), copy_pipeline("restart", my_url, "restart_src", pg_url, "restart_dst"));
  test::Child run({SLUICE_BINARY, "run", dir.file("p.yaml")}, dir.file("log"));
  std::this_thread::sleep_for(700ms);
  std::string restart = (is_root() && !user.empty() ? "runuser -u " + user + " -- " : std::string()) + bin +
                        "/pg_ctl -D " + data + " -m fast -w restart >/dev/null";
  ASSERT_EQ(test::run_command(restart), 0);
  EXPECT_EQ(run.wait(), 0) << test::read_file(dir.file("log"));
  std::string log = test::read_file(dir.file("log"));
  EXPECT_NE(log.find("transient; retry"), std::string::npos) << "the restart went unnoticed:\n" << log;
  test::PgClient pg(pg_url);
  EXPECT_EQ(pg_checksum(pg, "restart_dst"), mysql_checksum(my, "restart_src"));
}

TEST(Faults, SourceConnectionCutMidStreamIsResumed) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::MyClient my(my_url);
  test::PgClient pg(pg_url);
  make_mysql_source(my, "cut_src", 200000);
  pg.exec("DROP TABLE IF EXISTS cut_dst");
  pg.forget_pipeline("cut");
  ConnectionConfig c;
  config::apply_url(my_url, "/", c);
  test::TcpProxy proxy(c.host, c.port);
  std::string via_proxy = "mysql://" + c.user + ":" + c.password + "@127.0.0.1:" + std::to_string(proxy.port()) + "/" + c.database;
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), copy_pipeline("cut", via_proxy, "cut_src", pg_url, "cut_dst"));
  test::Child run({SLUICE_BINARY, "run", dir.file("p.yaml")}, dir.file("log"));
  // Cut once rows are flowing, and once more later.
  for (int cut = 0; cut < 2; ++cut) {
    std::uint64_t start = proxy.bytes_down();
    for (int i = 0; i < 500 && proxy.bytes_down() < start + 2'000'000; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_GT(proxy.cut_all(), 0);
  }
  EXPECT_EQ(run.wait(), 0) << test::read_file(dir.file("log"));
  EXPECT_NE(test::read_file(dir.file("log")).find("transient; retry"), std::string::npos);
  EXPECT_EQ(pg_checksum(pg, "cut_dst"), mysql_checksum(my, "cut_src"));
}

TEST(Faults, DeadlockOnTargetIsRetried) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient setup(pg_url);
  setup.exec("DROP TABLE IF EXISTS dl");
  setup.exec("CREATE TABLE dl (id int PRIMARY KEY, v text)");
  setup.exec("INSERT INTO dl SELECT g, 'old' FROM generate_series(1, 10) g");
  setup.forget_pipeline("deadlock");
  test::TempDir dir;
  std::string csv = "id,v\n";
  for (int i = 1; i <= 10; ++i) csv += std::to_string(i) + ",new\n";
  test::write_file(dir.file("in/dl.csv"), csv);
  test::write_file(dir.file("p.yaml"), "version: 1\nname: deadlock\nconnections:\n  in: {url: csv://./in}\n  pg: {url: \"" + pg_url + "\"}\n"
                                       "defaults: {batch_size: 10, retry: {attempts: 5, initial_backoff: 200ms}}\n"
                                       "steps:\n  - {name: up, extract: {from: in, table: dl}, transform: [cast: {id: int}], "
                                       "load: {to: pg, table: dl, mode: upsert, key: [id]}}\n");
  // The other session holds row 10; sluice's merge locks rows 1..9, then waits for 10.
  test::PgClient other(pg_url);
  other.exec("SET deadlock_timeout = '60s'");  // so that sluice is the one to detect it
  other.exec("BEGIN");
  other.exec("UPDATE dl SET v = 'other' WHERE id = 10");
  test::Child run({SLUICE_BINARY, "run", dir.file("p.yaml")}, dir.file("log"));
  bool waiting = false;
  for (int i = 0; i < 500 && !waiting; ++i) {
    waiting = setup.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sluice' AND wait_event_type = 'Lock'") != "0";
    if (!waiting) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(waiting) << test::read_file(dir.file("log"));
  other.send("UPDATE dl SET v = 'other' WHERE id = 1");  // now each waits for the other
  EXPECT_EQ(other.finish(), "");                         // sluice's transaction was the victim
  other.exec("COMMIT");
  EXPECT_EQ(run.wait(), 0) << test::read_file(dir.file("log"));
  std::string log = test::read_file(dir.file("log"));
  EXPECT_NE(log.find("deadlock"), std::string::npos) << log;
  EXPECT_NE(log.find("transient; retry"), std::string::npos) << log;
  EXPECT_EQ(setup.scalar("SELECT count(*) FROM dl WHERE v = 'new'"), "10");
}

TEST(Faults, RejectsHoldExactlyTheRefusedRows) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  pg.exec("DROP TABLE IF EXISTS rj");
  pg.exec("CREATE TABLE rj (id int PRIMARY KEY, qty int CHECK (qty >= 0), name text NOT NULL, code text UNIQUE)");
  pg.forget_pipeline("rejects%");
  test::TempDir dir;
  std::string csv = "id,qty,name,code\n";
  for (int i = 1; i <= 50; ++i) {
    std::string qty = i == 7 ? "-1" : i == 44 ? "-5" : std::to_string(i);
    std::string name = i == 23 ? "" : "\"n" + std::to_string(i) + "\"";
    std::string code = i == 31 ? "c30" : "c" + std::to_string(i);
    csv += std::to_string(i) + "," + qty + "," + name + "," + code + "\n";
  }
  test::write_file(dir.file("in/rj.csv"), csv);
  auto pipeline = [&](const std::string& name, int max) {
    return "version: 1\nname: " + name + "\nconnections:\n  in: {url: csv://./in}\n  pg: {url: \"" + pg_url + "\"}\n"
           "defaults: {batch_size: 8, commit_every: 2, on_error: reject, max_rejects: " + std::to_string(max) +
           ", reject_file: \"rejects/{pipeline}-{step}.jsonl\"}\n"
           "steps:\n  - {name: load, extract: {from: in, table: rj}, transform: [cast: {id: int, qty: int}, filter: \"id ~= 5 and id ~= 48\"], "
           "load: {to: pg, table: rj, create: never}}\n";
  };
  test::write_file(dir.file("p.yaml"), pipeline("rejects", 10));
  auto r = test::run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps[0].error);
  EXPECT_EQ(r.steps[0].rows_rejected, 4);
  EXPECT_EQ(r.steps[0].rows_read, 50);
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM rj"), "44");
  // 5 and 48 were filtered out; the rest missing are exactly the refused rows.
  EXPECT_EQ(pg.scalar("SELECT string_agg(id::text, ',' ORDER BY id) FROM generate_series(1, 50) id WHERE id NOT IN (SELECT id FROM rj)"),
            "5,7,23,31,44,48");
  std::string rejects = test::read_file(dir.file("rejects/rejects-load.jsonl"));
  int lines = 0;
  for (char ch : rejects) lines += ch == '\n';
  EXPECT_EQ(lines, 4) << rejects;
  for (const char* expect : {"\"id\":7,", "\"sqlstate\":\"23514\"", "\"id\":23,", "\"sqlstate\":\"23502\"", "\"id\":31,",
                             "\"sqlstate\":\"23505\"", "\"id\":44,", "\"step\":\"load\""})
    EXPECT_NE(rejects.find(expect), std::string::npos) << expect << " in " << rejects;

  // Over max_rejects: exit 1, and what was committed before stays checkpointed.
  pg.exec("TRUNCATE rj");
  test::write_file(dir.file("p2.yaml"), pipeline("rejects-max", 2));
  std::string out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p2.yaml"), &out), 1) << out;
  EXPECT_NE(out.find("max_rejects"), std::string::npos) << out;
  EXPECT_EQ(pg.scalar("SELECT rows_committed::text || ':' || completed::text FROM sluice_state WHERE pipeline = 'rejects-max' AND step NOT LIKE '%@columns'"), "30:false");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM rj"), "27");  // rows 1..30 but 5 (filtered), 7 and 23
}

TEST(Faults, AbortNamesTheRefusedRowsKey) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  pg.exec("DROP TABLE IF EXISTS ab");
  pg.exec("CREATE TABLE ab (id int PRIMARY KEY, qty int CHECK (qty >= 0))");
  test::TempDir dir;
  test::write_file(dir.file("in/ab.csv"), "id,qty\n1,1\n2,2\n3,-3\n4,4\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: abort\nconnections:\n  in: {url: csv://./in}\n  lite: {url: sqlite:ab.db}\n"
                                       "  pg: {url: \"" + pg_url + "\"}\n"
                                       "steps:\n  - {name: stage, extract: {from: in, table: ab}, transform: [cast: {id: int, qty: int}], "
                                       "load: {to: lite, table: ab, key: [id]}}\n"
                                       "  - {name: load, extract: {from: lite, table: ab}, load: {to: pg, table: ab, create: never}}\n");
  std::string out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + " --step stage", &out), 0) << out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + " --step load", &out), 1) << out;
  EXPECT_NE(out.find("row with key (id=3) was refused"), std::string::npos) << out;
  EXPECT_NE(out.find("ab_qty_check"), std::string::npos) << out;
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM ab"), "0") << "the open transaction was rolled back";
}

TEST(Faults, SecondConcurrentRunExitsTempFailNamingTheHolder) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::MyClient my(my_url);
  make_mysql_source(my, "lock_src", 100000);
  test::PgClient pg(pg_url);
  pg.exec("DROP TABLE IF EXISTS lock_dst");
  pg.forget_pipeline("locked");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), copy_pipeline("locked", my_url, "lock_src", pg_url, "lock_dst"));
  test::Child first({SLUICE_BINARY, "run", dir.file("p.yaml")}, dir.file("log"));
  bool started = false;
  for (int i = 0; i < 500 && !started; ++i) {
    started = test::read_file(dir.file("log")).find("step copy:") != std::string::npos;
    if (!started) std::this_thread::sleep_for(10ms);
  }
  ASSERT_TRUE(started);
  std::string out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml"), &out), 75) << out;
  EXPECT_NE(out.find("already running"), std::string::npos) << out;
  EXPECT_NE(out.find("pid " + std::to_string(first.pid())), std::string::npos) << out;
  EXPECT_EQ(first.wait(), 0) << test::read_file(dir.file("log"));
  EXPECT_EQ(pg_checksum(pg, "lock_dst"), mysql_checksum(my, "lock_src"));
}

TEST(Faults, SigtermStopsCleanlyAndTheRerunResumes) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::MyClient my(my_url);
  make_mysql_source(my, "term_src", 250000);
  test::PgClient pg(pg_url);
  pg.exec("DROP TABLE IF EXISTS term_dst");
  pg.forget_pipeline("term");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), copy_pipeline("term", my_url, "term_src", pg_url, "term_dst"));
  {
    test::Child run({SLUICE_BINARY, "run", dir.file("p.yaml")}, dir.file("log"));
    // Mid-copy, whatever this machine's speed: as soon as the first batch is committed
    // (a fixed delay lost the race once the copy became fast enough to finish first).
    bool committed = false;
    for (int i = 0; i < 2000 && !committed; ++i) {
      if (pg.scalar("SELECT to_regclass('sluice_state') IS NOT NULL") == "t") {
        auto n = pg.scalar("SELECT COALESCE(max(rows_committed), 0) FROM sluice_state WHERE pipeline = 'term'");
        committed = !n.empty() && n != "0";
      }
      if (!committed) std::this_thread::sleep_for(5ms);
    }
    ASSERT_TRUE(committed) << test::read_file(dir.file("log"));
    run.signal(SIGTERM);
    EXPECT_EQ(run.wait(), 128 + SIGTERM) << test::read_file(dir.file("log"));
  }
  EXPECT_NE(test::read_file(dir.file("log")).find("stopped by SIGTERM"), std::string::npos) << test::read_file(dir.file("log"));
  std::string committed = pg.scalar("SELECT rows_committed FROM sluice_state WHERE pipeline = 'term' AND step NOT LIKE '%@columns'");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM term_dst"), committed) << "only committed rows are in the target";
  test::Child rerun({SLUICE_BINARY, "run", dir.file("p.yaml")}, dir.file("log2"));  // the lock was released
  EXPECT_EQ(rerun.wait(), 0) << test::read_file(dir.file("log2"));
  EXPECT_NE(test::read_file(dir.file("log2")).find("resuming after"), std::string::npos);
  EXPECT_EQ(pg_checksum(pg, "term_dst"), mysql_checksum(my, "term_src"));
}

TEST(Faults, WrongMySqlPasswordFailsAtOnce) {
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  ConnectionConfig c;
  config::apply_url(my_url, "/", c);
  std::string bad = "mysql://" + c.user + ":N0tThePassw0rd@" + c.host + ":" + std::to_string(c.port) + "/" + c.database;
  test::TempDir dir;
  test::write_file(dir.file("in/t.csv"), "id\n1\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: pw\nconnections:\n  in: {url: csv://./in}\n  my: {url: \"" + bad + "\"}\n"
                                       "steps:\n  - {name: s, extract: {from: in, table: t}, load: {to: my, table: t}}\n");
  std::string out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml"), &out), 1) << out;
  EXPECT_EQ(out.find("N0tThePassw0rd"), std::string::npos) << out;
  EXPECT_NE(out.find("connection 'my'"), std::string::npos) << out;
  EXPECT_EQ(out.find("retry"), std::string::npos) << out;
}
