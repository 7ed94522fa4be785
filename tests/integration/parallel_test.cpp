// One table read and written as key ranges side by side (parallel: N, or --parallel N
// for a run's only table) against the real servers: exact after kill -9 at random
// moments, truncate once for all ranges, an append that continues after the largest
// key, refused rows of every range in the one reject file.
#include <gtest/gtest.h>

#include "support/copy_faults.h"
#include "support/mysql_client.h"
#include "support/pg_client.h"
#include "support/run_pipeline.h"
#include "support/servers.h"
#include "support/temp_dir.h"

using namespace sluice;
using test::mysql_checksum;
using test::pg_checksum;

namespace {

std::string split_pipeline(const std::string& name, const std::string& from_url, const std::string& from_table, const std::string& to_url,
                           const std::string& to_table, const std::string& step_extra, const std::string& load_extra = "") {
  return "version: 1\nname: " + name + "\nconnections:\n  src: {url: \"" + from_url + "\"}\n  dst: {url: \"" + to_url + "\"}\n"
         "defaults: {batch_size: 500, commit_every: 1, retry: {attempts: 20, initial_backoff: 100ms, max_backoff: 1s}}\n"
         "steps:\n  - {name: copy" + step_extra + ", extract: {from: src, table: " + from_table + "}, load: {to: dst, table: " + to_table +
         load_extra + "}}\n";
}

}  // namespace

TEST(Parallel, KeyRangesResumeExactlyAfterKillNine) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::MyClient my(my_url);
  test::PgClient pg(pg_url);
  test::make_mysql_source(my, "par_src", 200000);
  pg.exec("DROP TABLE IF EXISTS par_dst");
  pg.forget_pipeline("par-kill");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), split_pipeline("par-kill", my_url, "par_src", pg_url, "par_dst", ", parallel: 3"));

  std::string plan;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " plan " + dir.file("p.yaml"), &plan), 0) << plan;
  EXPECT_NE(plan.find("split:  3 key ranges of id"), std::string::npos) << plan;

  int kills = test::kill_repeatedly(dir.file("p.yaml"), dir.file("log"), 8);
  EXPECT_GE(kills, 8) << "the run finished before it could be killed eight times";
  EXPECT_EQ(pg_checksum(pg, "par_dst"), mysql_checksum(my, "par_src"));
  EXPECT_EQ(pg.scalar("SELECT count(*) - count(DISTINCT id) FROM par_dst"), "0");
  EXPECT_NE(test::read_file(dir.file("log")).find("3 key ranges of id"), std::string::npos);
  // One checkpoint remains, the unit's own, as a run in one stream leaves it.
  EXPECT_EQ(pg.scalar("SELECT string_agg(step || ':' || rows_committed || ':' || completed, ',') FROM sluice_state WHERE pipeline = 'par-kill' AND step NOT LIKE '%@columns'"),
            "copy:200000:true");
}

TEST(Parallel, CliParallelSplitsTheOnlyTableTruncatesOnceAndAppendsAfterTheLargestKey) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::MyClient my(my_url);
  test::PgClient pg(pg_url);
  test::make_mysql_source(my, "par_seed", 60000);
  pg.exec("DROP TABLE IF EXISTS par_pg_src");
  pg.forget_pipeline("par-seed");
  test::TempDir dir;
  test::write_file(dir.file("seed.yaml"), split_pipeline("par-seed", my_url, "par_seed", pg_url, "par_pg_src", ""));
  ASSERT_EQ(test::run_pipeline(dir.file("seed.yaml")).exit_code, 0);

  // PostgreSQL -> MySQL, truncate: run twice, the table holds the rows once.
  my.exec("DROP TABLE IF EXISTS par_my_dst");
  my.forget_pipeline("par-trunc");
  test::write_file(dir.file("t.yaml"), split_pipeline("par-trunc", pg_url, "par_pg_src", my_url, "par_my_dst", "", ", mode: truncate"));
  RunOptions two;
  two.parallel = 2;
  for (int run = 0; run < 2; ++run) {
    auto r = test::run_pipeline(dir.file("t.yaml"), two);
    ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps[0].error);
    ASSERT_EQ(r.steps.size(), 1u);
    EXPECT_EQ(r.steps[0].rows_written, 60000);
  }
  EXPECT_EQ(mysql_checksum(my, "par_my_dst"), pg_checksum(pg, "par_pg_src"));

  // append: the next run loads only the rows after the largest key loaded, in ranges again.
  my.exec("DROP TABLE IF EXISTS par_my_app");
  my.forget_pipeline("par-append");
  test::write_file(dir.file("a.yaml"), split_pipeline("par-append", pg_url, "par_pg_src", my_url, "par_my_app", ""));
  ASSERT_EQ(test::run_pipeline(dir.file("a.yaml"), two).exit_code, 0);
  pg.exec("INSERT INTO par_pg_src SELECT id + 60000, name, amount, created FROM par_pg_src WHERE id <= 5000");
  auto again = test::run_pipeline(dir.file("a.yaml"), two);
  ASSERT_EQ(again.exit_code, 0) << (again.steps.empty() ? "" : again.steps[0].error);
  EXPECT_EQ(again.steps[0].rows_written, 5000);
  EXPECT_EQ(mysql_checksum(my, "par_my_app"), pg_checksum(pg, "par_pg_src"));
  EXPECT_EQ(my.scalar("SELECT CONCAT(rows_committed, ':', completed) FROM sluice_state WHERE pipeline = 'par-append' AND step NOT LIKE '%@columns'"), "65000:1");
}

TEST(Parallel, RefusedRowsOfEveryRangeGoToTheOneRejectFile) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  pg.exec("DROP TABLE IF EXISTS par_rj_src, par_rj_dst");
  pg.exec("CREATE TABLE par_rj_src (id bigint PRIMARY KEY, qty int NOT NULL)");
  pg.exec("INSERT INTO par_rj_src SELECT g, CASE WHEN g IN (17, 30011, 59999, 89990) THEN -g ELSE g END FROM generate_series(1, 90000) g");
  pg.exec("CREATE TABLE par_rj_dst (id bigint PRIMARY KEY, qty int CHECK (qty >= 0))");
  pg.forget_pipeline("par-rejects");
  test::TempDir dir;
  std::string yaml = split_pipeline("par-rejects", pg_url, "par_rj_src", pg_url, "par_rj_dst", ", parallel: 3", ", create: never");
  yaml.replace(yaml.find("commit_every: 1"), 15, "commit_every: 1, on_error: reject, max_rejects: 10, reject_file: rejects.jsonl");
  test::write_file(dir.file("p.yaml"), yaml);
  auto r = test::run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps[0].error);
  EXPECT_EQ(r.steps[0].rows_rejected, 4);
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM par_rj_dst"), "89996");
  const std::string rejects = test::read_file(dir.file("rejects.jsonl"));
  int lines = 0;
  for (char ch : rejects) lines += ch == '\n';
  EXPECT_EQ(lines, 4) << rejects;
  for (const char* id : {"\"id\":17,", "\"id\":30011,", "\"id\":59999,", "\"id\":89990,"})
    EXPECT_NE(rejects.find(id), std::string::npos) << id << " in " << rejects;
  EXPECT_EQ(rejects.find("@r"), std::string::npos) << "rejects name the step, not its ranges: " << rejects;
}

TEST(Parallel, ASplitStepDrawsOneProgressLineForAllItsRanges) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  pg.exec("DROP TABLE IF EXISTS par_prog_src; DROP TABLE IF EXISTS par_prog_dst");
  pg.exec("CREATE TABLE par_prog_src AS SELECT g AS id, 'row ' || g AS v FROM generate_series(1, 60000) g; "
          "ALTER TABLE par_prog_src ADD PRIMARY KEY (id); ANALYZE par_prog_src");
  pg.forget_pipeline("par-prog");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), split_pipeline("par-prog", pg_url, "par_prog_src", pg_url, "par_prog_dst", ", parallel: 3"));
  std::string out;
  // script(1) gives the run a pseudo-terminal; its output is what the terminal received.
  ASSERT_EQ(test::run_command("TERM=xterm script -qec '" + std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + "' /dev/null", &out), 0)
      << out;
  // One line named after the step (not its ranges), against the table's estimate.
  EXPECT_NE(out.find("copy: "), std::string::npos) << out;
  EXPECT_NE(out.find(" / ~60000 rows"), std::string::npos) << out;
  EXPECT_EQ(out.find("\033[Kcopy@r"), std::string::npos) << "a line per range: " << out;
  const auto summary = out.find("copy  ok      60000");
  ASSERT_NE(summary, std::string::npos) << out;
  EXPECT_GT(summary, out.rfind("rows/s, ")) << "the summary comes after the progress line";
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM par_prog_dst"), "60000");
}
