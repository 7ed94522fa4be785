// End to end with no server: CSV and SQLite through the real runner and CLI.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "sluice/config.h"
#include "sluice/runner.h"
#include "support/run_pipeline.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

using test::run_pipeline;
using test::run_steps_in_turn;

struct Db {
  explicit Db(const std::string& path) { sqlite3_open(path.c_str(), &db); }
  ~Db() { sqlite3_close(db); }
  void exec(const std::string& sql) {
    char* err = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "") << " in " << sql;
  }
  std::string scalar(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
  }
  sqlite3* db = nullptr;
};

// Every awkward thing a text column meets, with NULL and empty string side by side.
const char* kTrickyCsv =
    "id,label,note\n"
    "1,plain,\n"
    "2,\"\",\"\"\n"
    "3,\"quote \"\" inside\",\"comma, inside\"\n"
    "4,tab\there,\"CR\r\nLF inside\"\n"
    "5,back\\slash \\N \\t,\"only\nLF\"\n"
    "6,emoji 🎉🚀,CJK 中文 日本語 한국어\n"
    "7,,\"trailing space \"\n"
    "8,\" leading space\",\"\"\"\"\n";

}  // namespace

TEST(LocalPipeline, CsvSqliteCsvSqliteRoundTripIsByteForByte) {
  test::TempDir dir;
  test::write_file(dir.file("in/things.csv"), kTrickyCsv);
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: roundtrip\nconnections:\n"
                   "  in: {url: csv://./in}\n  db1: {url: sqlite:one.db}\n  out: {url: csv://./out}\n  db2: {url: sqlite:two.db}\n"
                   "defaults: {batch_size: 3, commit_every: 1}\n"
                   "steps:\n"
                   "  - {name: a, extract: {from: in, table: things}, load: {to: db1, table: things, key: [id]}}\n"
                   "  - {name: b, extract: {from: db1, table: things}, load: {to: out, table: things}}\n"
                   "  - {name: c, extract: {from: out, table: things}, load: {to: db2, table: things, key: [id]}}\n");
  auto r = run_steps_in_turn(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.steps.size(), 3u);
  for (const auto& s : r.steps) EXPECT_EQ(s.rows_written, 8) << s.name;
  EXPECT_EQ(test::read_file(dir.file("out/things.csv")), kTrickyCsv);

  Db one(dir.file("one.db"));
  one.exec("ATTACH '" + dir.file("two.db") + "' AS two");
  // Values and their storage classes (NULL vs '' vs text) are identical.
  const std::string cols = "id, label, typeof(label), note, typeof(note)";
  EXPECT_EQ(one.scalar("SELECT count(*) FROM (SELECT " + cols + " FROM main.things EXCEPT SELECT " + cols + " FROM two.things)"), "0");
  EXPECT_EQ(one.scalar("SELECT count(*) FROM (SELECT " + cols + " FROM two.things EXCEPT SELECT " + cols + " FROM main.things)"), "0");
  EXPECT_EQ(one.scalar("SELECT typeof(note) FROM things WHERE id = 1"), "null");
  EXPECT_EQ(one.scalar("SELECT typeof(label) || ':' || length(label) FROM things WHERE id = 2"), "text:0");
  EXPECT_EQ(one.scalar("SELECT note FROM things WHERE id = 4"), "CR\r\nLF inside");
}

TEST(LocalPipeline, HundredThousandRowsCommitEverySevenBatches) {
  test::TempDir dir;
  {
    Db src(dir.file("src.db"));
    src.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price DECIMAL TEXT(12,2), seen DATETIME, blob BLOB)");
    src.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
             "INSERT INTO items SELECT i, 'item ' || i, printf('%d.%02d', i / 100, i % 100), "
             "printf('2024-01-01 00:00:%02d.%06d', i % 60, i), CASE WHEN i % 10 = 0 THEN NULL ELSE randomblob(8) END FROM n");
  }
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: bulk\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
                   "steps:\n  - name: items\n    extract: {from: src, table: items}\n"
                   "    load: {to: dst, table: items_copy, batch_size: 1000, commit_every: 7}\n");
  auto r = run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_EQ(r.steps[0].rows_read, 100000);
  EXPECT_EQ(r.steps[0].rows_written, 100000);
  // 100 batches, 7 per transaction: 14 full transactions and a last one with 2 batches
  // and the completion mark.
  EXPECT_EQ(r.steps[0].commits, 15);

  Db dst(dir.file("dst.db"));
  dst.exec("ATTACH '" + dir.file("src.db") + "' AS src");
  EXPECT_EQ(dst.scalar("SELECT count(*) FROM items_copy"), "100000");
  const std::string cols = "id, name, seen, blob";
  EXPECT_EQ(dst.scalar("SELECT count(*) FROM (SELECT " + cols + " FROM src.items EXCEPT SELECT " + cols + " FROM main.items_copy)"), "0");
  EXPECT_EQ(dst.scalar("SELECT count(*) FROM (SELECT " + cols + " FROM main.items_copy EXCEPT SELECT " + cols + " FROM src.items)"), "0");
  // DECIMAL(12,2) has NUMERIC affinity in the created table: the same numbers, which SQL
  // now compares and sums as numbers (issue 9, item 3).
  EXPECT_EQ(dst.scalar("SELECT count(*) FROM src.items s JOIN main.items_copy c USING (id) WHERE CAST(s.price AS REAL) <> c.price "
                       "OR c.price IS NULL"), "0");
  EXPECT_EQ(dst.scalar("SELECT price FROM items_copy WHERE id = 12345"), "123.45");
  EXPECT_EQ(dst.scalar("SELECT typeof(price) FROM items_copy WHERE id = 12345"), "real");
  EXPECT_EQ(dst.scalar("SELECT max(price) FROM items_copy"), "1000");
  EXPECT_EQ(dst.scalar("SELECT rows_committed || ':' || completed FROM sluice_state WHERE step = 'items'"), "100000:1");
}

TEST(LocalPipeline, TruncateAndReplaceAndUpsert) {
  test::TempDir dir;
  test::write_file(dir.file("in/t.csv"), "id,v\n1,a\n2,b\n");
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: modes\nconnections:\n  in: {url: csv://./in}\n  db: {url: sqlite:db.sqlite}\n"
                   "steps:\n"
                   "  - {name: t, extract: {from: in, table: t}, transform: [cast: {id: bigint}], load: {to: db, table: tr, mode: truncate, key: [id]}}\n"
                   "  - {name: r, extract: {from: in, table: t}, transform: [cast: {id: bigint}], load: {to: db, table: rp, mode: replace, key: [id]}}\n"
                   "  - {name: u, extract: {from: in, table: t}, transform: [cast: {id: bigint}], load: {to: db, table: up, mode: upsert, key: [id]}}\n");
  ASSERT_EQ(run_pipeline(dir.file("p.yaml")).exit_code, 0);
  test::write_file(dir.file("in/t.csv"), "id,v\n2,B\n3,c\n");
  ASSERT_EQ(run_pipeline(dir.file("p.yaml")).exit_code, 0);
  Db db(dir.file("db.sqlite"));
  EXPECT_EQ(db.scalar("SELECT group_concat(id || v, ' ') FROM (SELECT * FROM tr ORDER BY id)"), "2B 3c");
  EXPECT_EQ(db.scalar("SELECT group_concat(id || v, ' ') FROM (SELECT * FROM rp ORDER BY id)"), "2B 3c");
  EXPECT_EQ(db.scalar("SELECT group_concat(id || v, ' ') FROM (SELECT * FROM up ORDER BY id)"), "1a 2B 3c");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sqlite_schema WHERE name LIKE '%sluice_staging'"), "0");
}

TEST(LocalPipeline, BadValueFailsWithRowAndColumnAndExitOne) {
  test::TempDir dir;
  test::write_file(dir.file("in/t.csv"), "id,n\n1,5\n2,five\n");
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: bad\nconnections:\n  in: {url: csv://./in}\n  db: {url: sqlite:db.sqlite}\n"
                   "steps:\n  - name: t\n    extract: {from: in, table: t}\n    transform:\n      - cast: {n: int}\n"
                   "    load: {to: db, table: t}\n");
  auto r = run_pipeline(dir.file("p.yaml"));
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.steps.size(), 1u);
  EXPECT_NE(r.steps[0].error.find("column n"), std::string::npos) << r.steps[0].error;
  EXPECT_NE(r.steps[0].error.find("row 2 of the source"), std::string::npos) << r.steps[0].error;
  EXPECT_NE(r.steps[0].error.find("'five'"), std::string::npos) << r.steps[0].error;
  Db db(dir.file("db.sqlite"));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM t"), "0") << "the failed batch was rolled back";
}

TEST(Cli, ValidateGoodAndBad) {
  test::TempDir dir;
  test::write_file(dir.file("good.yaml"),
                   "version: 1\nname: g\nconnections:\n  a: {url: sqlite:a.db}\nsteps:\n  - {name: s, extract: {from: a, table: t}, load: {to: a, table: u}}\n");
  test::write_file(dir.file("bad.yaml"),
                   "version: 1\nname: b\nconnections:\n  a: {url: sqlite:a.db}\nsteps:\n  - name: s\n    extract: {from: a, tabel: t}\n    load: {to: b}\n");
  std::string out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " validate " + dir.file("good.yaml"), &out), 0) << out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " validate " + dir.file("bad.yaml"), &out), 2) << out;
  EXPECT_NE(out.find("bad.yaml:7:24: unknown key 'tabel'"), std::string::npos) << out;
  EXPECT_NE(out.find("bad.yaml:8:16:"), std::string::npos) << out;  // load to: b, reported in the same pass
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("bad.yaml"), &out), 2) << out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " frobnicate x.yaml", &out), 2) << out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " --version", &out), 0) << out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("good.yaml") + " --log-format yaml", &out), 2) << out;
}

TEST(Cli, RunPrintsSummaryAndJsonLogs) {
  test::TempDir dir;
  test::write_file(dir.file("in/t.csv"), "id,v\n1,a\n");
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: s\nconnections:\n  in: {url: csv://./in}\n  db: {url: sqlite:db.sqlite}\n"
                   "steps:\n  - {name: one, extract: {from: in, table: t}, load: {to: db, table: t}}\n");
  std::string out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + " --log-format json", &out), 0) << out;
  EXPECT_NE(out.find("{\"level\":\"info\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"msg\":\"summary\""), std::string::npos) << "the summary is a JSON line too: " << out;
  EXPECT_EQ(out.find("rows/s"), std::string::npos) << "no text table with JSON logs: " << out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + " --fresh", &out), 0) << out;
  EXPECT_NE(out.find("rows/s"), std::string::npos) << out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + " --fresh --report " + dir.file("r.json"), &out), 0) << out;
  std::string report = test::read_file(dir.file("r.json"));
  for (const char* field : {"\"pipeline\": \"s\"", "\"run_id\"", "\"version\"", "\"started_at\"", "\"finished_at\"",
                            "\"exit_code\": 0", "\"name\": \"one\"", "\"rows_read\": 1", "\"rows_written\"", "\"rows_rejected\": 0",
                            "\"retries\": 0", "\"values_changed\": 0", "\"seconds\"", "\"status\": \"ok\""})
    EXPECT_NE(report.find(field), std::string::npos) << field << " in " << report;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + " --fresh --progress always", &out), 0) << out;
  EXPECT_NE(out.find("one: 1 rows, "), std::string::npos) << out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + " --fresh", &out), 0) << out;
  EXPECT_EQ(out.find("rows, "), std::string::npos) << "no progress line on a non-TTY by default: " << out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + " --dry-run", &out), 0) << out;
  EXPECT_NE(out.find("dry-run"), std::string::npos) << out;
}

TEST(LocalPipeline, AppendRerunLoadsOnlyNewRowsAndFreshStartsOver) {
  test::TempDir dir;
  {
    Db src(dir.file("src.db"));
    src.exec("CREATE TABLE ev (id INTEGER PRIMARY KEY, what TEXT)");
    src.exec("INSERT INTO ev VALUES (1, 'a'), (2, 'b'), (3, 'c')");
  }
  test::write_file(dir.file("p.yaml"), "version: 1\nname: appender\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
                                       "steps:\n  - {name: ev, extract: {from: src, table: ev}, load: {to: dst, table: ev_copy}}\n");
  auto r1 = run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r1.exit_code, 0);
  EXPECT_EQ(r1.steps[0].rows_written, 3);
  auto r2 = run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r2.exit_code, 0) << r2.steps[0].error;
  EXPECT_EQ(r2.steps[0].rows_written, 0) << "a completed append step loads nothing twice";
  {
    Db src(dir.file("src.db"));
    src.exec("INSERT INTO ev VALUES (4, 'd'), (5, 'e')");
  }
  auto r3 = run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r3.exit_code, 0) << r3.steps[0].error;
  EXPECT_EQ(r3.steps[0].rows_written, 2);
  Db dst(dir.file("dst.db"));
  EXPECT_EQ(dst.scalar("SELECT group_concat(id, '') FROM (SELECT id FROM ev_copy ORDER BY id)"), "12345");
  dst.exec("DELETE FROM ev_copy");
  RunOptions fresh;
  fresh.fresh = true;
  auto r4 = run_pipeline(dir.file("p.yaml"), fresh);
  ASSERT_EQ(r4.exit_code, 0) << r4.steps[0].error;
  EXPECT_EQ(r4.steps[0].rows_written, 5);
}

TEST(LocalPipeline, StateShowsAndResetsCheckpoints) {
  test::TempDir dir;
  test::write_file(dir.file("in/t.csv"), "id\n1\n2\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: st\nconnections:\n  in: {url: csv://./in}\n  db: {url: sqlite:db.sqlite}\n"
                                       "steps:\n  - {name: one, extract: {from: in, table: t}, load: {to: db, table: t}}\n");
  ASSERT_EQ(run_pipeline(dir.file("p.yaml")).exit_code, 0);
  std::string out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " state " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("one: run "), std::string::npos) << out;
  EXPECT_NE(out.find("2 rows, completed"), std::string::npos) << out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " state " + dir.file("p.yaml") + " --reset one", &out), 0) << out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " state " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_NE(out.find("no checkpoints"), std::string::npos) << out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " state " + dir.file("p.yaml") + " --reset nope", &out), 2) << out;
}

TEST(LocalPipeline, SecondRunOnSqliteTargetIsLockedOut) {
  test::TempDir dir;
  test::write_file(dir.file("in/t.csv"), "id\n1\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: lk\nconnections:\n  in: {url: csv://./in}\n  db: {url: sqlite:db.sqlite}\n"
                                       "steps:\n  - {name: one, extract: {from: in, table: t}, load: {to: db, table: t}}\n");
  // Hold the lock the way a running sluice does.
  auto p = config::load_pipeline(dir.file("p.yaml"), {});
  DriverRegistry drivers;
  register_builtin_drivers(drivers);
  auto conn = drivers.connect(p.connections.at("db"));
  {
    auto lock = conn->lock_run("lk", "host test, pid 4242, started now");
    std::string out;
    EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml"), &out), 75) << out;
    EXPECT_NE(out.find("already running (host test, pid 4242"), std::string::npos) << out;
  }
  std::string out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml"), &out), 0) << out;
}

TEST(LocalPipeline, TransformsEndToEnd) {
  test::TempDir dir;
  test::write_file(dir.file("in/customers.csv"),
                   "id,name,email,country,legacy_flag\n1,Ada,ada@example.org,GB,x\n2,Bob,bob@example.com,XX,y\n3,Cy,,,z\n");
  test::write_file(dir.file("shout.lua"), "function transform(row)\n  row.full_name = row.full_name:upper()\n  return row\nend\n");
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: tx\nconnections:\n  in: {url: csv://./in}\n  db: {url: sqlite:db.sqlite}\n"
                   "steps:\n  - name: customers\n    extract: {from: in, table: customers}\n    transform:\n"
                   "      - rename: {name: full_name}\n      - drop: [legacy_flag]\n      - cast: {id: bigint}\n"
                   "      - default: {country: \"NL\"}\n      - filter: \"country ~= 'XX'\"\n"
                   "      - derive: {email_domain: \"email and email:match('@(.+)$')\"}\n"
                   "      - mask: {email: sha256, salt: s}\n      - lua: shout.lua\n"
                   "    load: {to: db, table: customers, key: [id]}\n");
  auto r = run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps[0].error);
  EXPECT_EQ(r.steps[0].rows_read, 3);
  EXPECT_EQ(r.steps[0].rows_written, 2);
  Db db(dir.file("db.sqlite"));
  EXPECT_EQ(db.scalar("SELECT group_concat(id || ':' || full_name || ':' || country || ':' || COALESCE(email_domain, '-'), ' ') "
                      "FROM (SELECT * FROM customers ORDER BY id)"),
            "1:ADA:GB:example.org 3:CY:NL:-");
  EXPECT_EQ(db.scalar("SELECT length(email) FROM customers WHERE id = 1"), "64");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pragma_table_info('customers') WHERE name = 'legacy_flag'"), "0");
}

TEST(LocalPipeline, IncrementalUpsertLoadsOnlyRowsPastTheHighWaterMark) {
  test::TempDir dir;
  {
    Db src(dir.file("src.db"));
    src.exec("CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT, updated_at DATETIME NOT NULL)");
    src.exec("INSERT INTO orders VALUES (1, 'new', '2024-01-01 10:00:00'), (2, 'new', '2024-01-01 11:00:00'), (3, 'new', '2024-01-01 11:00:00')");
  }
  test::write_file(dir.file("p.yaml"), "version: 1\nname: inc\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
                                       "steps:\n  - name: orders\n    extract: {from: src, table: orders, incremental: {cursor: updated_at}}\n"
                                       "    load: {to: dst, table: orders, mode: upsert, key: [id], batch_size: 1, commit_every: 1}\n");
  auto r1 = run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r1.exit_code, 0) << r1.steps[0].error;
  EXPECT_EQ(r1.steps[0].rows_read, 3);
  {
    Db src(dir.file("src.db"));
    // Order 1 changes (its cursor moves on), order 4 arrives; 2 and 3 stay as they were.
    src.exec("UPDATE orders SET status = 'paid', updated_at = '2024-01-02 09:00:00' WHERE id = 1");
    src.exec("INSERT INTO orders VALUES (4, 'new', '2024-01-02 09:30:00')");
  }
  auto r2 = run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r2.exit_code, 0) << r2.steps[0].error;
  EXPECT_EQ(r2.steps[0].rows_read, 2) << "only rows past the high-water mark";
  Db dst(dir.file("dst.db"));
  EXPECT_EQ(dst.scalar("SELECT group_concat(id || status, ' ') FROM (SELECT * FROM orders ORDER BY id)"), "1paid 2new 3new 4new");
  EXPECT_EQ(dst.scalar("SELECT last_key FROM sluice_state WHERE step = 'orders'"), "[[\"timestamp\",\"2024-01-02 09:30:00\"],[\"int\",\"4\"]]");
}

TEST(LocalPipeline, ParallelStepsKeepFileOrderInTheSummary) {
  test::TempDir dir;
  std::string yaml = "version: 1\nname: par\nconnections:\n  src: {url: sqlite:src.db}\n  a: {url: sqlite:a.db}\n  b: {url: sqlite:b.db}\nsteps:\n";
  {
    Db src(dir.file("src.db"));
    for (int t = 0; t < 4; ++t) {
      std::string name = "t" + std::to_string(t);
      src.exec("CREATE TABLE " + name + " (id INTEGER PRIMARY KEY, v TEXT)");
      src.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) INSERT INTO " + name +
               " SELECT i, 'v' || i FROM n");
      yaml += "  - {name: s" + std::to_string(t) + ", extract: {from: src, table: " + name + "}, load: {to: " +
              (t % 2 ? "b" : "a") + ", table: " + name + ", batch_size: 500, commit_every: 2}}\n";
    }
  }
  test::write_file(dir.file("p.yaml"), yaml);
  RunOptions o;
  o.parallel = 3;
  auto r = run_pipeline(dir.file("p.yaml"), o);
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps[0].error);
  ASSERT_EQ(r.steps.size(), 4u);
  for (int t = 0; t < 4; ++t) {
    EXPECT_EQ(r.steps[t].name, "s" + std::to_string(t));
    EXPECT_EQ(r.steps[t].rows_written, 20000);
  }
  Db a(dir.file("a.db")), b(dir.file("b.db"));
  EXPECT_EQ(a.scalar("SELECT (SELECT count(*) FROM t0) + (SELECT count(*) FROM t2)"), "40000");
  EXPECT_EQ(b.scalar("SELECT (SELECT count(*) FROM t1) + (SELECT count(*) FROM t3)"), "40000");
}

TEST(LocalPipeline, ShardsTogetherDoExactlyOneRunsWork) {
  test::TempDir dir;
  {
    Db src(dir.file("src.db"));
    src.exec("CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT)");
    src.exec("WITH RECURSIVE n(i) AS (SELECT -50 UNION ALL SELECT i + 1 FROM n WHERE i < 9999) INSERT INTO big SELECT i, 'v' || i FROM n");
    for (const char* t : {"a", "b", "c", "d", "e"}) src.exec(std::string("CREATE TABLE ") + t + " (id INTEGER PRIMARY KEY); INSERT INTO " + t + " VALUES (1), (2)");
  }
  test::write_file(dir.file("p.yaml"), "version: 1\nname: sharded\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: sqlite:dst.db}\n"
                                       "steps:\n  - {name: big, extract: {from: src, table: big}, load: {to: dst, table: big, batch_size: 300}}\n"
                                       "  - {name: small, extract: {from: src, tables: {include: [\"?\"]}}, load: {to: dst}}\n");
  std::int64_t big_rows = 0, small_tables = 0;
  for (int k = 0; k < 3; ++k) {
    RunOptions o;
    o.shard_index = k;
    o.shard_count = 3;
    auto r = run_pipeline(dir.file("p.yaml"), o);
    ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps.back().error);
    for (const auto& s : r.steps) {
      if (s.name.rfind("big@", 0) == 0) big_rows += s.rows_written;
      else ++small_tables;
    }
  }
  EXPECT_EQ(big_rows, 10050);
  EXPECT_EQ(small_tables, 5) << "each table dealt to exactly one shard";
  Db dst(dir.file("dst.db"));
  EXPECT_EQ(dst.scalar("SELECT count(*) || ':' || count(DISTINCT id) || ':' || min(id) || ':' || max(id) FROM big"), "10050:10050:-50:9999");
  EXPECT_EQ(dst.scalar("SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b) + (SELECT count(*) FROM c) + (SELECT count(*) FROM d) + (SELECT count(*) FROM e)"), "10");
  std::string out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + " --shard 3/3", &out), 2) << out;
}

TEST(LocalPipeline, InvalidTextIsRefusedReplacedOrStripped) {
  test::TempDir dir;
  std::string bad = "id,t\n1,ok\n2,bad \xC3\x28 utf8\n3,nul ";
  bad += '\0';
  bad += " byte\n";
  test::write_file(dir.file("in/t.csv"), bad);
  auto pipeline = [&](const std::string& policy) {
    test::write_file(dir.file("p.yaml"), "version: 1\nname: txt-" + policy + "\nconnections:\n  in: {url: csv://./in}\n  db: {url: sqlite:" +
                                             policy + ".db}\nsteps:\n  - {name: t, extract: {from: in, table: t}, "
                                             "load: {to: db, table: t, on_invalid_text: " + policy + "}}\n");
    return run_pipeline(dir.file("p.yaml"));
  };
  auto rejected = pipeline("reject");
  EXPECT_EQ(rejected.exit_code, 1);
  ASSERT_FALSE(rejected.steps.empty());
  EXPECT_NE(rejected.steps[0].error.find("row 2 of the source was refused: column t: text is not valid UTF-8"), std::string::npos)
      << rejected.steps[0].error;
  auto replaced = pipeline("replace");
  ASSERT_EQ(replaced.exit_code, 0) << replaced.steps[0].error;
  EXPECT_EQ(replaced.steps[0].values_changed, 2);
  Db r(dir.file("replace.db"));
  EXPECT_EQ(r.scalar("SELECT t FROM t WHERE id = '2'"), "bad \xEF\xBF\xBD( utf8");
  EXPECT_EQ(r.scalar("SELECT t FROM t WHERE id = '3'"), "nul \xEF\xBF\xBD byte");
  auto stripped = pipeline("strip");
  ASSERT_EQ(stripped.exit_code, 0) << stripped.steps[0].error;
  Db s(dir.file("strip.db"));
  EXPECT_EQ(s.scalar("SELECT t FROM t WHERE id = '2'"), "bad ( utf8");
  EXPECT_EQ(s.scalar("SELECT t FROM t WHERE id = '3'"), "nul  byte");
}

TEST(LocalPipeline, CsvTargetRollbackLeavesOnlyCommittedRows) {
  test::TempDir dir;
  {
    Db src(dir.file("src.db"));
    src.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    src.exec("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, CAST(X'C328' AS TEXT)), (5, 'e')");
  }
  test::write_file(dir.file("p.yaml"), "version: 1\nname: csvrb\nconnections:\n  src: {url: sqlite:src.db}\n  out: {url: csv://./out}\n"
                                       "steps:\n  - {name: t, extract: {from: src, table: t}, load: {to: out, table: t, batch_size: 2, "
                                       "commit_every: 5, on_error: reject, max_rejects: 5}}\n");
  auto r = run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.steps[0].error;
  EXPECT_EQ(r.steps[0].rows_rejected, 1);
  // Rows 1-3 were written, rolled back, and written again while isolating row 4.
  EXPECT_EQ(test::read_file(dir.file("out/t.csv")), "id,v\n1,a\n2,b\n3,c\n5,e\n");
}

TEST(Cli, QuickstartRunsInAFreshCheckout) {
  // The shipped quickstart, into a folder that does not exist yet (as in a new clone).
  test::TempDir dir;
  std::string db = dir.file("not/yet/there/quickstart.db");
  std::string out;
  ASSERT_EQ(test::run_command("SLUICE_QUICKSTART_DB=" + db + " " + std::string(SLUICE_BINARY) + " run " + SLUICE_SOURCE_DIR +
                                  "/pipelines/quickstart.yaml",
                              &out),
            0)
      << out;
  EXPECT_NE(out.find("contacts   ok         6        6"), std::string::npos) << out;
  Db q(db);
  EXPECT_EQ(q.scalar("SELECT group_concat(country, ',') FROM (SELECT country FROM contacts ORDER BY id)"), "GB,US,FI,NL,DE,");
}
