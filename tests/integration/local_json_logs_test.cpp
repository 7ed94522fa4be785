// --log-format json: every line sluice prints, on stdout and stderr, of a run, a failed
// run and a bad pipeline file, is one JSON object with time, level and msg, and the
// fields of what it is about (run_id, step, table, the event's numbers).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/process.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

// Runs sluice with stdout and stderr kept apart; returns the exit code.
int run_split(const std::string& args, const test::TempDir& dir, std::string& out, std::string& err) {
  // A group of its own: run_command appends 2>&1 to the whole command.
  const int code = test::run_command("{ " + std::string(SLUICE_BINARY) + " " + args + " >" + dir.file("out.txt") + " 2>" + dir.file("err.txt") + "; }");
  out = test::read_file(dir.file("out.txt"));
  err = test::read_file(dir.file("err.txt"));
  return code;
}

std::vector<nlohmann::json> json_lines(const std::string& text, const std::string& stream) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << stream << " line is not JSON: " << line;
    if (j.is_discarded()) continue;
    for (const char* field : {"time", "level", "msg"}) EXPECT_TRUE(j.contains(field)) << stream << " line without " << field << ": " << line;
    lines.push_back(j);
  }
  return lines;
}

}  // namespace

TEST(LocalJsonLogs, RunFailedRunAndBadFileAreAllJsonLines) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a'), (2, 'b')");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: logs\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
                                       "steps:\n  - {name: copy, extract: {from: src, table: t}, load: {to: dst, table: t_copy}}\n");
  std::string out, err;
  ASSERT_EQ(run_split("run --log-format json " + dir.file("p.yaml"), dir, out, err), 0) << out << err;
  auto logs = json_lines(err, "stderr");
  bool step_done = false;
  for (const auto& j : logs) {
    EXPECT_TRUE(j.contains("run_id")) << j.dump();
    if (j.value("msg", "").find("2 rows read") != std::string::npos) {
      step_done = true;
      EXPECT_EQ(j.value("step", ""), "copy") << j.dump();
      EXPECT_EQ(j.value("table", ""), "t_copy") << j.dump();
      EXPECT_EQ(j.value("rows_written", -1), 2) << j.dump();
      EXPECT_TRUE(j.contains("seconds")) << j.dump();
    }
  }
  EXPECT_TRUE(step_done) << err;
  auto summary = json_lines(out, "stdout");
  ASSERT_EQ(summary.size(), 1u) << out;
  EXPECT_EQ(summary[0].value("msg", ""), "summary");
  EXPECT_EQ(summary[0]["steps"][0].value("rows_written", -1), 2) << out;
  EXPECT_EQ(summary[0].value("exit_code", -1), 0);

  // A failed run: the target table is missing and may not be created.
  test::write_file(dir.file("f.yaml"), "version: 1\nname: logs-f\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
                                       "steps:\n  - {name: copy, extract: {from: src, table: t}, load: {to: dst, table: missing, create: never}}\n");
  EXPECT_EQ(run_split("run --log-format json " + dir.file("f.yaml"), dir, out, err), 1) << out << err;
  bool error_line = false;
  for (const auto& j : json_lines(err, "stderr")) error_line = error_line || (j.value("level", "") == "error" && j.value("step", "") == "copy");
  EXPECT_TRUE(error_line) << err;
  ASSERT_EQ(json_lines(out, "stdout").size(), 1u) << out;

  // A bad pipeline file: each problem a JSON line naming file and line.
  test::write_file(dir.file("bad.yaml"), "version: 1\nname: bad\nconnections:\n  src: {url: sqlite:src.db}\nsteps:\n"
                                         "  - {name: copy, extrac: {from: src, table: t}, load: {to: src, table: x}}\n");
  EXPECT_EQ(run_split("run --log-format json " + dir.file("bad.yaml"), dir, out, err), 2) << out << err;
  auto problems = json_lines(err, "stderr");
  ASSERT_FALSE(problems.empty()) << err;
  EXPECT_EQ(problems[0].value("line", -1), 6) << err;
  EXPECT_TRUE(out.empty()) << out;

  // An option error, and validate's answer.
  EXPECT_EQ(run_split("run --log-format json --parallel 0 " + dir.file("p.yaml"), dir, out, err), 2);
  EXPECT_EQ(json_lines(err, "stderr").size(), 1u) << err;
  EXPECT_EQ(run_split("validate --log-format json " + dir.file("p.yaml"), dir, out, err), 0);
  EXPECT_EQ(json_lines(out, "stdout").size(), 1u) << out;
}

TEST(LocalJsonLogs, PlanVerifyAndStateReportOneJsonLinePerStepAndTheTotals) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n REAL); INSERT INTO t VALUES (1, 'a', 1.5), (2, 'b', 2.5)");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: reports\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
                                       "steps:\n  - {name: copy, extract: {from: src, table: t}, load: {to: dst, table: t_copy}}\n");
  std::string out, err;
  ASSERT_EQ(run_split("plan --log-format json " + dir.file("p.yaml"), dir, out, err), 0) << out << err;
  auto plan = json_lines(out, "stdout");
  ASSERT_EQ(plan.size(), 2u) << out;
  EXPECT_EQ(plan[0].value("step", ""), "copy") << out;
  EXPECT_EQ(plan[0]["target"].value("table", ""), "t_copy") << out;
  EXPECT_EQ(plan[0].value("rows_estimate", -1), 2) << out;
  EXPECT_EQ(plan[0]["ddl"].value("action", ""), "create") << out;
  EXPECT_NE(plan[0]["ddl"]["statements"][0].get<std::string>().find("CREATE TABLE"), std::string::npos) << out;
  ASSERT_EQ(plan[0]["columns"].size(), 3u) << out;
  EXPECT_EQ(plan[0]["columns"][0].value("name", ""), "id") << out;
  EXPECT_TRUE(plan[0]["columns"][0]["lossy"].is_null()) << out;
  EXPECT_EQ(plan[1].value("lossy_conversions", -1), 0) << out;
  EXPECT_EQ(plan[1].value("exit_code", -1), 0) << out;
  for (const auto& line : json_lines(err, "stderr")) EXPECT_TRUE(line.contains("run_id") || line.contains("msg")) << err;

  ASSERT_EQ(run_split("run --log-format json " + dir.file("p.yaml"), dir, out, err), 0) << out << err;
  ASSERT_EQ(run_split("state --log-format json " + dir.file("p.yaml"), dir, out, err), 0) << out << err;
  auto state = json_lines(out, "stdout");
  ASSERT_EQ(state.size(), 2u) << out;
  EXPECT_EQ(state[0].value("step", ""), "copy") << out;
  EXPECT_EQ(state[0].value("rows", -1), 2) << out;
  EXPECT_TRUE(state[0].value("completed", false)) << out;

  ASSERT_EQ(run_split("verify --log-format json " + dir.file("p.yaml"), dir, out, err), 0) << out << err;
  auto equal = json_lines(out, "stdout");
  ASSERT_EQ(equal.size(), 2u) << out;
  EXPECT_EQ(equal[0].value("status", ""), "equal") << out;
  EXPECT_EQ(equal[0].value("source_rows", -1), 2) << out;
  EXPECT_EQ(equal[1].value("differing_steps", -1), 0) << out;

  test::sqlite_exec(dir.file("dst.db"), "UPDATE t_copy SET v = 'changed' WHERE id = 2");
  ASSERT_EQ(run_split("verify --log-format json " + dir.file("p.yaml"), dir, out, err), 1) << out << err;
  auto differ = json_lines(out, "stdout");
  ASSERT_EQ(differ.size(), 2u) << out;
  EXPECT_EQ(differ[0].value("status", ""), "differ") << out;
  EXPECT_EQ(differ[0].value("level", ""), "warn") << out;
  EXPECT_EQ(differ[0].value("differences", -1), 1) << out;
  ASSERT_EQ(differ[0]["shown"].size(), 1u) << out;
  EXPECT_NE(differ[0]["shown"][0].get<std::string>().find("2"), std::string::npos) << out;
  EXPECT_EQ(differ[1].value("exit_code", -1), 1) << out;

  ASSERT_EQ(run_split("state --log-format json --reset copy " + dir.file("p.yaml"), dir, out, err), 0) << out << err;
  auto cleared = json_lines(out, "stdout");
  ASSERT_EQ(cleared.size(), 1u) << out;
  EXPECT_EQ(cleared[0]["cleared"][0].value("step", ""), "copy") << out;

  // A plan that fails (the source table is gone): one error line, exit code as in text.
  test::sqlite_exec(dir.file("src.db"), "DROP TABLE t");
  EXPECT_NE(run_split("plan --log-format json " + dir.file("p.yaml"), dir, out, err), 0) << out << err;
  auto failed = json_lines(out, "stdout");
  ASSERT_EQ(failed.size(), 1u) << out;
  EXPECT_EQ(failed[0].value("level", ""), "error") << out;
  EXPECT_TRUE(failed[0].contains("error")) << out;
}
