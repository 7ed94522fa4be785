// Issue 7, end to end: inputs that used to destroy data, escape a folder, write to a
// source, crash or exit with the wrong code. One test per item (ItemN_ in the name).
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "support/mysql_client.h"
#include "support/pg_client.h"
#include "support/servers.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

int sluice_cmd(const std::string& args, std::string* out = nullptr) {
  return test::run_command(std::string(SLUICE_BINARY) + " " + args, out);
}

void sqlite_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << " in " << sql;
  sqlite3_free(err);
  sqlite3_close(db);
}

std::string sqlite_scalar(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
    out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

std::string pg_tables(test::PgClient& pg, const std::string& like) {
  return pg.scalar("SELECT coalesce(string_agg(n.nspname || '.' || c.relname, ',' ORDER BY 1), '') FROM pg_class c "
                   "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r','p') AND c.relname LIKE '" + like + "'");
}

// Item 1: a 63-byte name replaced in PostgreSQL keeps the live table; names over the
// limit (or two that PostgreSQL would cut to one) are refused before anything is written.
TEST(Hardening, Item1_LongIdentifiersNeverTruncateIntoAnotherTable) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::PgClient pg(pg_url);
  const std::string t63 = "h1_" + std::string(60, 'r');
  pg.exec("DROP TABLE IF EXISTS " + t63);
  pg.exec("CREATE TABLE " + t63 + " (id int PRIMARY KEY, v text)");
  pg.exec("INSERT INTO " + t63 + " VALUES (1, 'old')");
  pg.forget_pipeline("h1%");
  test::TempDir dir;
  test::write_file(dir.file("in/src.csv"), "id,v\n1,new\n2,new too\n");
  test::write_file(dir.file("replace.yaml"), "version: 1\nname: h1-replace\nconnections:\n  in: {url: csv://./in}\n  pg: {url: \"" + pg_url +
                                                 "\"}\nsteps:\n  - {name: s, extract: {from: in, table: src}, transform: [cast: {id: int}], "
                                                 "load: {to: pg, table: " + t63 + ", mode: replace, key: [id]}}\n");
  std::string out;
  for (int run = 0; run < 2; ++run) {
    ASSERT_EQ(sluice_cmd("run " + dir.file("replace.yaml") + " --fresh", &out), 0) << out;
    EXPECT_EQ(pg.scalar("SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM " + t63), "1=new,2=new too");
  }
  EXPECT_EQ(pg_tables(pg, "h1\\_%"), "public." + t63) << "no staging table is left behind";

  // Two MySQL tables of 64 characters sharing 63: PostgreSQL would load both into one.
  test::MyClient my(my_url);
  my.exec("DROP DATABASE IF EXISTS h1_src");
  my.exec("CREATE DATABASE h1_src");
  const std::string a = std::string(63, 'm') + "a", b = std::string(63, 'm') + "b";
  my.exec("CREATE TABLE h1_src." + a + " (id int PRIMARY KEY)");
  my.exec("CREATE TABLE h1_src." + b + " (id int PRIMARY KEY)");
  my.exec("INSERT INTO h1_src." + a + " VALUES (1)");
  my.exec("INSERT INTO h1_src." + b + " VALUES (2)");
  pg.exec("DROP SCHEMA IF EXISTS h1_copy CASCADE");
  std::string my_src = my_url.substr(0, my_url.rfind('/')) + "/h1_src";
  test::write_file(dir.file("whole.yaml"), "version: 1\nname: h1-whole\nconnections:\n  my: {url: \"" + my_src + "\"}\n  pg: {url: \"" + pg_url +
                                               "\"}\nsteps:\n  - {name: all, extract: {from: my, tables: {include: [\"*\"]}}, "
                                               "load: {to: pg, schema: h1_copy}}\n");
  EXPECT_EQ(sluice_cmd("run " + dir.file("whole.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("over PostgreSQL's limit of 63"), std::string::npos) << out;
  EXPECT_NE(out.find(a), std::string::npos) << out;
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM pg_namespace WHERE nspname = 'h1_copy'"), "0") << "nothing was written";
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM sluice_state WHERE pipeline = 'h1-whole'"), "0");
  EXPECT_EQ(sluice_cmd("plan " + dir.file("whole.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("over PostgreSQL's limit of 63"), std::string::npos) << out;
  my.exec("DROP DATABASE h1_src");
}

// Item 2: schema: on a single-table step is honoured, created, and shown by plan.
TEST(Hardening, Item2_LoadSchemaOfASingleTableStepIsHonoured) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  pg.exec("DROP SCHEMA IF EXISTS h2_crm CASCADE");
  pg.exec("DROP TABLE IF EXISTS public.h2_people");
  pg.exec("CREATE TABLE public.h2_people (id int PRIMARY KEY, name text)");
  pg.exec("INSERT INTO public.h2_people VALUES (7, 'must stay')");
  pg.forget_pipeline("h2");
  test::TempDir dir;
  test::write_file(dir.file("in/people.csv"), "id,name\n1,Ann\n2,Bo\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: h2\nconnections:\n  in: {url: csv://./in}\n  pg: {url: \"" + pg_url +
                                           "\"}\nsteps:\n  - {name: s, extract: {from: in, table: people}, transform: [cast: {id: int}], "
                                           "load: {to: pg, schema: h2_crm, table: h2_people, mode: replace, key: [id]}}\n");
  std::string out;
  ASSERT_EQ(sluice_cmd("plan " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("h2_crm.h2_people"), std::string::npos) << out;
  ASSERT_EQ(sluice_cmd("run " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_EQ(pg.scalar("SELECT string_agg(name, ',' ORDER BY id) FROM h2_crm.h2_people"), "Ann,Bo");
  EXPECT_EQ(pg.scalar("SELECT string_agg(name, ',') FROM public.h2_people"), "must stay");
  ASSERT_EQ(sluice_cmd("verify " + dir.file("p.yaml"), &out), 0) << out;
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

// Item 6: a query: that tries to write does not, in plan or run, on either server.
TEST(Hardening, Item6_SourceQueriesCannotWrite) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::PgClient pg(pg_url);
  test::MyClient my(my_url);
  pg.exec("DROP TABLE IF EXISTS h6_pwned");
  my.exec("DROP TABLE IF EXISTS h6_pwned");
  test::TempDir dir;
  const std::string evil = "SELECT 1 AS id) q1; CREATE TABLE h6_pwned (x int); SELECT * FROM (SELECT 1 AS id";
  const std::string evil2 = "SELECT 1 AS id; CREATE TABLE h6_pwned (x int)";
  for (const auto& [name, url] : std::vector<std::pair<std::string, std::string>>{{"pg", pg_url}, {"my", my_url}}) {
    for (const auto& q : {evil, evil2}) {
      test::write_file(dir.file("p.yaml"), "version: 1\nname: h6\nconnections:\n  db: {url: \"" + url +
                                               "\"}\n  out: {url: csv://./out}\nsteps:\n  - {name: s, extract: {from: db, query: \"" + q +
                                               "\", order_by: [id]}, load: {to: out, table: q}}\n");
      std::string out;
      EXPECT_NE(sluice_cmd("plan " + dir.file("p.yaml"), &out), 0) << out;
      EXPECT_NE(sluice_cmd("run " + dir.file("p.yaml"), &out), 0) << out;
    }
  }
  EXPECT_EQ(pg.scalar("SELECT to_regclass('h6_pwned') IS NULL"), "t");
  EXPECT_EQ(my.scalar("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'h6_pwned'"), "0");
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

// Item 11: bytes copied into a CSV target verify as equal (the \x hex form is compared
// as the bytes it encodes).
TEST(Hardening, Item11_VerifyComparesHexTextAsBytes) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  pg.exec("DROP TABLE IF EXISTS h11_bytes");
  pg.exec("CREATE TABLE h11_bytes (id int PRIMARY KEY, b bytea)");
  pg.exec("INSERT INTO h11_bytes VALUES (1, '\\x00ff10'), (2, ''), (3, NULL)");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), "version: 1\nname: h11f\nconnections:\n  pg: {url: \"" + pg_url +
                                           "\"}\n  out: {url: csv://./out}\nsteps:\n  - {name: s, extract: {from: pg, table: h11_bytes}, load: {to: out, mode: replace}}\n");
  std::string out;
  ASSERT_EQ(sluice_cmd("run " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_EQ(sluice_cmd("verify " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("0 differences: equal"), std::string::npos) << out;
  test::write_file(dir.file("out/h11_bytes.csv"), "id,b\n1,\\x00ff11\n2,\"\"\n3,\n");
  EXPECT_EQ(sluice_cmd("verify " + dir.file("p.yaml"), &out), 1) << out;
  EXPECT_NE(out.find("differs: (row=1) in b"), std::string::npos) << out;
}

}  // namespace
