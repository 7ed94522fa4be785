// The live progress lines (SPEC §7): under a pseudo-terminal two parallel steps each get
// their line, redrawn in place, and the run ends with the summary; without a TTY there
// are none; on TERM=dumb they are plain lines without cursor control.
#include <gtest/gtest.h>

#include "support/process.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {
void two_steps(const test::TempDir& dir) {
  std::string rows;
  for (int i = 1; i <= 20000; ++i) rows += std::string(rows.empty() ? "" : ",") + "(" + std::to_string(i) + ", 'v" + std::to_string(i) + "')";
  test::sqlite_exec(dir.file("a.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES " + rows);
  test::sqlite_exec(dir.file("b.db"), "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES " + rows);
  test::write_file(dir.file("p.yaml"), "version: 1\nname: prog\nconnections:\n  a: {url: sqlite:a.db}\n  b: {url: sqlite:b.db}\n"
                                       "  x: {url: sqlite:x.db}\n  y: {url: sqlite:y.db}\ndefaults: {batch_size: 500}\n"
                                       "steps:\n  - {name: first, extract: {from: a, table: t}, load: {to: x, table: t, mode: truncate}}\n"
                                       "  - {name: second, extract: {from: b, table: t}, load: {to: y, table: t, mode: truncate}}\n");
}
}  // namespace

TEST(LocalProgress, ParallelStepsDrawTheirLinesUnderAPtyAndNoneWithoutOne) {
  test::TempDir dir;
  two_steps(dir);
  std::string out;
  // script(1) gives the run a pseudo-terminal; its output is what the terminal received.
  ASSERT_EQ(test::run_command("TERM=xterm script -qec '" + std::string(SLUICE_BINARY) + " run --parallel 2 " + dir.file("p.yaml") +
                              "' /dev/null", &out), 0) << out;
  EXPECT_NE(out.find("first: "), std::string::npos) << out;
  EXPECT_NE(out.find("second: "), std::string::npos) << out;
  EXPECT_NE(out.find("rows/s"), std::string::npos) << out;
  EXPECT_NE(out.find("\033["), std::string::npos) << "redrawn in place" << out;
  const auto summary = out.find("step    status");
  ASSERT_NE(summary, std::string::npos) << out;
  EXPECT_GT(summary, out.rfind("first: ")) << "the summary comes after the progress lines";

  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run --fresh --parallel 2 " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_EQ(out.find("rows/s,"), std::string::npos) << "no progress on a non-TTY: " << out;
  EXPECT_EQ(out.find("\033["), std::string::npos) << out;

  ASSERT_EQ(test::run_command("TERM=dumb " + std::string(SLUICE_BINARY) + " run --fresh --parallel 2 --progress always " + dir.file("p.yaml"), &out), 0)
      << out;
  EXPECT_NE(out.find("first: "), std::string::npos) << out;
  EXPECT_EQ(out.find("\033["), std::string::npos) << "no cursor control on TERM=dumb: " << out;
}
