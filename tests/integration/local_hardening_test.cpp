// Issue 7, end to end, without servers: inputs that used to destroy data, escape a folder, write to a
// source, crash or exit with the wrong code. One test per item (ItemN_ in the name).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "support/servers.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

using test::sqlite_exec;
using test::sqlite_scalar;

int sluice_cmd(const std::string& args, std::string* out = nullptr) {
  return test::run_command(std::string(SLUICE_BINARY) + " " + args, out);
}

// Item 3: two steps writing one table, or one writing what another reads, are refused
// before anything runs; --step runs them apart.
TEST(Hardening, Item3_OneWriterPerTablePerRun) {
  test::TempDir dir;
  test::write_file(dir.file("in/a.csv"), "id\n1\n");
  test::write_file(dir.file("in/b.csv"), "id\n2\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: h3\nconnections:\n  in: {url: csv://./in}\n  one: {url: sqlite:out/one.db}\n"
                                           "  same: {url: sqlite:./out/../out/one.db}\nsteps:\n"
                                           "  - {name: a, extract: {from: in, table: a}, load: {to: one, table: t}}\n"
                                           "  - {name: b, extract: {from: in, table: b}, load: {to: same, table: T}}\n"
                                           "  - {name: c, extract: {from: one, table: t}, load: {to: one, table: u}}\n");
  std::string out;
  EXPECT_EQ(sluice_cmd("validate " + dir.file("p.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("p.yaml:9:"), std::string::npos) << out;
  EXPECT_NE(out.find("step b and step a both write"), std::string::npos) << out;
  EXPECT_NE(out.find("step a writes t"), std::string::npos) << out;
  EXPECT_EQ(sluice_cmd("run " + dir.file("p.yaml"), &out), 2) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out"))) << "nothing was written";
  EXPECT_EQ(sluice_cmd("run " + dir.file("p.yaml") + " --step a", &out), 0) << out;
  EXPECT_EQ(sluice_cmd("run " + dir.file("p.yaml") + " --step c", &out), 0) << out;
  EXPECT_EQ(sqlite_scalar(dir.file("out/one.db"), "SELECT group_concat(id) FROM u"), "1");
}

// Item 4: table names from a source never lead a CSV target out of its folder, and
// read back as the same names.
TEST(Hardening, Item4_CsvTargetsStayInsideTheirFolder) {
  test::TempDir dir;
  const std::vector<std::string> names = {"../escaped", "/abs/path", "..", ".hidden", "back\\slash", "50%"};
  for (const auto& n : names) {
    std::string q = "\"" + n + "\"";
    sqlite_exec(dir.file("src.db"), "CREATE TABLE " + q + " (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO " + q + " VALUES (1, 'x')");
  }
  test::write_file(dir.file("p.yaml"), "version: 1\nname: h4\nconnections:\n  src: {url: sqlite:src.db}\n  out: {url: csv://./box/out}\n"
                                           "  back: {url: sqlite:back.db}\nsteps:\n"
                                           "  - {name: all, extract: {from: src, tables: {include: [\"*\"]}}, load: {to: out, mode: replace}}\n"
                                           "  - {name: home, extract: {from: out, tables: {include: [\"*\"]}}, load: {to: back}}\n");
  std::string out;
  ASSERT_EQ(sluice_cmd("run " + dir.file("p.yaml") + " --step all", &out), 0) << out;
  std::size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path())) {
    std::string rel = std::filesystem::relative(e.path(), dir.path()).string();
    if (e.is_regular_file() && rel.find(".csv") != std::string::npos) {
      EXPECT_EQ(rel.rfind("box/out/", 0), 0u) << rel << " is outside the CSV folder";
      EXPECT_EQ(e.path().parent_path(), std::filesystem::path(dir.file("box/out"))) << rel;
      ++files;
    }
  }
  EXPECT_EQ(files, names.size());
  EXPECT_FALSE(std::filesystem::exists("/abs/path.csv"));
  ASSERT_EQ(sluice_cmd("run " + dir.file("p.yaml") + " --step home", &out), 0) << out;
  for (const auto& n : names) EXPECT_EQ(sqlite_scalar(dir.file("back.db"), "SELECT v FROM \"" + n + "\""), "x") << n;
}

// Item 9: the right exit code, and exit 2 only when nothing was written.
TEST(Hardening, Item9_ExitCodesMatchWhatHappened) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("in/t.csv"));  // a folder named like the file
  test::write_file(dir.file("in/empty.csv"), "");
  auto pipeline = [&](const std::string& table, const std::string& from = "in") {
    test::write_file(dir.file("p.yaml"), "version: 1\nname: h9\nconnections:\n  in: {url: csv://./in}\n  lite: {url: sqlite:lite.db}\n"
                                             "  out: {url: sqlite:out/out.db}\nsteps:\n  - {name: s, extract: {from: " + from +
                                             ", table: " + table + "}, load: {to: out, table: x}}\n");
  };
  std::string out;
  pipeline("t");
  EXPECT_EQ(sluice_cmd("run " + dir.file("p.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("is a folder, not a file"), std::string::npos) << out;
  pipeline("empty");
  EXPECT_EQ(sluice_cmd("run " + dir.file("p.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("is empty"), std::string::npos) << out;
  pipeline("missing");
  EXPECT_EQ(sluice_cmd("run " + dir.file("p.yaml"), &out), 2) << out;
  pipeline("missing", "lite");
  EXPECT_EQ(sluice_cmd("run " + dir.file("p.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("SQLite database " + dir.file("lite.db") + " (connection 'lite') does not exist"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("lite.db"))) << "a source file is never created";
  EXPECT_FALSE(std::filesystem::exists(dir.file("out"))) << "exit 2 wrote nothing: no database, no lock file";

  // A %00 in a password is a pipeline error, not a temporary failure.
  test::write_file(dir.file("nul.yaml"), "version: 1\nname: h9\nconnections:\n  pg: {url: \"postgres://u:p%00w@127.0.0.1:1/db\"}\n"
                                             "  out: {url: sqlite:out/out.db}\nsteps:\n  - {name: s, extract: {from: pg, table: t}, load: {to: out}}\n");
  EXPECT_EQ(sluice_cmd("run " + dir.file("nul.yaml"), &out), 2) << out;

  // A report that cannot be written fails the run before it starts.
  test::write_file(dir.file("in/ok.csv"), "id\n1\n");
  pipeline("ok");
  std::filesystem::create_directories(dir.file("reports/a-folder"));
  EXPECT_EQ(sluice_cmd("run " + dir.file("p.yaml") + " --report " + dir.file("reports/a-folder"), &out), 2) << out;
  EXPECT_EQ(sluice_cmd("run " + dir.file("p.yaml") + " --report " + dir.file("no/such/folder/r.json"), &out), 2) << out;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out")));
  EXPECT_EQ(sluice_cmd("run " + dir.file("p.yaml") + " --report " + dir.file("reports/r.json"), &out), 0) << out;
  EXPECT_NE(test::read_file(dir.file("reports/r.json")).find("\"exit_code\": 0"), std::string::npos);
}

// Item 11: messages that name the cause.
TEST(Hardening, Item11_MessagesNameTheCause) {
  test::TempDir dir;
  test::write_file(dir.file("notadb.db"), "this is not a database, it is text\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: h11\nconnections:\n  src: {url: sqlite:notadb.db}\n  out: {url: csv://./out}\n"
                                           "steps:\n  - {name: s, extract: {from: src, table: t}, load: {to: out}}\n");
  std::string out;
  EXPECT_NE(sluice_cmd("run " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("SQLite database " + dir.file("notadb.db")), std::string::npos) << out;
  EXPECT_NE(out.find("not a database"), std::string::npos) << out;

  // Pipeline-file errors are JSON lines under --log-format json.
  test::write_file(dir.file("bad.yaml"), "version: 1\nname: h11\nconnections:\n  src: {url: sqlite:a.db, hots: x}\nsteps: []\n");
  EXPECT_EQ(sluice_cmd("validate " + dir.file("bad.yaml") + " --log-format json", &out), 2) << out;
  std::istringstream lines(out);
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
    EXPECT_EQ(j["level"], "error");
    EXPECT_EQ(j["file"], dir.file("bad.yaml"));
    EXPECT_GT(j["line"].get<int>(), 0);
    ++n;
  }
  EXPECT_EQ(n, 2) << out;

  // Exactly one byte order mark is dropped; a header field starting with U+FEFF keeps it,
  // and a CSV target written from it reads back the same.
  const std::string bom = "\xEF\xBB\xBF";
  test::write_file(dir.file("in/b.csv"), bom + bom + "id,v\n1,x\n");
  test::write_file(dir.file("bom.yaml"), "version: 1\nname: h11b\nconnections:\n  in: {url: csv://./in}\n  out: {url: csv://./out2}\n"
                                             "  lite: {url: sqlite:bom.db}\nsteps:\n  - {name: s, extract: {from: in, table: b}, load: {to: out, table: b}}\n"
                                             "  - {name: l, extract: {from: in, table: b}, load: {to: lite, table: b}}\n");
  ASSERT_EQ(sluice_cmd("run " + dir.file("bom.yaml"), &out), 0) << out;
  EXPECT_EQ(sqlite_scalar(dir.file("bom.db"), "SELECT name FROM pragma_table_info('b') ORDER BY cid LIMIT 1"), bom + "id");
  test::write_file(dir.file("back.yaml"), "version: 1\nname: h11c\nconnections:\n  in: {url: csv://./out2}\n  lite: {url: sqlite:back.db}\n"
                                              "steps:\n  - {name: s, extract: {from: in, table: b}, load: {to: lite, table: b}}\n");
  ASSERT_EQ(sluice_cmd("run " + dir.file("back.yaml"), &out), 0) << out;
  EXPECT_EQ(sqlite_scalar(dir.file("back.db"), "SELECT name FROM pragma_table_info('b') ORDER BY cid LIMIT 1"), bom + "id");

  // A CSV header with an empty or repeated name names the column.
  test::write_file(dir.file("in/dup.csv"), "id,v,id\n1,2,3\n");
  test::write_file(dir.file("in/blank.csv"), "id,,v\n1,2,3\n");
  for (const auto& [table, needle] : std::vector<std::pair<std::string, std::string>>{
           {"dup", "column 3 of the header of " + dir.file("in/dup.csv") + " repeats the name 'id' of column 1"},
           {"blank", "column 2 of the header of " + dir.file("in/blank.csv") + " has no name"}}) {
    test::write_file(dir.file("h.yaml"), "version: 1\nname: h11d\nconnections:\n  in: {url: csv://./in}\n  lite: {url: sqlite:h.db}\n"
                                             "steps:\n  - {name: s, extract: {from: in, table: " + table + "}, load: {to: lite}}\n");
    EXPECT_EQ(sluice_cmd("run " + dir.file("h.yaml"), &out), 2) << out;
    EXPECT_NE(out.find(needle), std::string::npos) << out;
  }
}

// Item 11: a CSV target in a folder that cannot be written says so (root ignores
// permissions: the folder is then made unwritable by being a file's child).
TEST(Hardening, Item11_UnwritableCsvFolderSaysWhy) {
  test::TempDir dir;
  test::write_file(dir.file("in/a.csv"), "id\n1\n");
  std::string target = "ro/out";
  std::string expect = "Permission denied";
  if (::geteuid() == 0) {
    test::write_file(dir.file("ro"), "a file where a folder should be\n");
    expect = "Not a directory";
  } else {
    std::filesystem::create_directories(dir.file("ro"));
    ::chmod(dir.file("ro").c_str(), 0555);
  }
  test::write_file(dir.file("p.yaml"), "version: 1\nname: h11e\nconnections:\n  in: {url: csv://./in}\n  out: {url: csv://./" + target +
                                           "}\nsteps:\n  - {name: s, extract: {from: in, table: a}, load: {to: out}}\n");
  std::string out;
  EXPECT_NE(sluice_cmd("run " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find(expect), std::string::npos) << out;
  EXPECT_EQ(out.find("No such file or directory"), std::string::npos) << out;
  ::chmod(dir.file("ro").c_str(), 0755);
}

}  // namespace
