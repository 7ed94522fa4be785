// PostgreSQL against the real server from scripts/test.sh.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include "sluice/config.h"
#include "sluice/runner.h"
#include "support/pg_client.h"
#include "support/type_tables.h"
#include "support/servers.h"
#include "support/sqlite_client.h"
#include "support/run_pipeline.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

using Pg = test::PgClient;

using test::run_pipeline;
using test::run_steps_in_turn;

}  // namespace

TEST(Postgres, EveryTypeRoundTripsThroughSqliteExactly) {
  SLUICE_REQUIRE_SERVER(url, "SLUICE_TEST_PG_URL");
  Pg pg(url);
  test::create_pg_types(pg);
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: pg-roundtrip\nconnections:\n  pg: {url: \"" + url + "\"}\n  lite: {url: sqlite:mid.db}\n"
                   "defaults: {batch_size: 2, commit_every: 1}\n"
                   "steps:\n"
                   "  - {name: out, extract: {from: pg, table: rt.types}, load: {to: lite, table: types}}\n"
                   "  - {name: back, extract: {from: lite, table: types}, load: {to: pg, table: rt.types_back}}\n");
  auto r = run_steps_in_turn(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps.back().error);
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM rt.types_back"), "3");
  // Column by column, in text form (enum becomes text: same text).
  for (const char* col : test::kPgTypeColumns) EXPECT_EQ(test::pg_differences(pg, "rt.types", "rt.types_back", col), "") << "column " << col;
  EXPECT_EQ(pg.scalar("SELECT length(bin) FROM rt.types_back WHERE id = 1"), "256");
  EXPECT_EQ(pg.scalar("SELECT t = '' AND t IS NOT NULL FROM rt.types_back WHERE id = 2"), "t");
  EXPECT_EQ(pg.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'rt.types_back'::regclass AND attname = 'dec'"),
            "numeric(38,10)");
  EXPECT_EQ(pg.scalar("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'rt.types_back'::regclass AND attname = 'tstz'"),
            "timestamp(6) with time zone");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM pg_index WHERE indrelid = 'rt.types_back'::regclass AND indisprimary"), "1");
}

TEST(Postgres, UpsertIsIdempotentAndReplaceSwaps) {
  SLUICE_REQUIRE_SERVER(url, "SLUICE_TEST_PG_URL");
  Pg pg(url);
  pg.exec("DROP SCHEMA IF EXISTS modes CASCADE");
  test::TempDir dir;
  test::write_file(dir.file("in/t.csv"), "id,v\n1,a\n2,b\n");
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: pg-modes\nconnections:\n  in: {url: csv://./in}\n  pg: {url: \"" + url + "\"}\n"
                   "steps:\n"
                   "  - {name: u, extract: {from: in, table: t}, transform: [cast: {id: int}], load: {to: pg, table: modes.up, mode: upsert, key: [id]}}\n"
                   "  - {name: r, extract: {from: in, table: t}, transform: [cast: {id: int}], load: {to: pg, table: modes.rp, mode: replace, key: [id]}}\n"
                   "  - {name: t, extract: {from: in, table: t}, transform: [cast: {id: int}], load: {to: pg, table: modes.tr, mode: truncate, key: [id]}}\n");
  ASSERT_EQ(run_pipeline(dir.file("p.yaml")).exit_code, 0);
  ASSERT_EQ(run_pipeline(dir.file("p.yaml")).exit_code, 0);
  test::write_file(dir.file("in/t.csv"), "id,v\n2,B\n3,c\n");
  ASSERT_EQ(run_pipeline(dir.file("p.yaml")).exit_code, 0);
  EXPECT_EQ(pg.scalar("SELECT string_agg(id || v, ' ' ORDER BY id) FROM modes.up"), "1a 2B 3c");
  EXPECT_EQ(pg.scalar("SELECT string_agg(id || v, ' ' ORDER BY id) FROM modes.rp"), "2B 3c");
  EXPECT_EQ(pg.scalar("SELECT string_agg(id || v, ' ' ORDER BY id) FROM modes.tr"), "2B 3c");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM pg_class WHERE relname LIKE '%sluice_staging'"), "0");
}

TEST(Postgres, WrongPasswordExitsOneWithoutRetryOrSecret) {
  SLUICE_REQUIRE_SERVER(url, "SLUICE_TEST_PG_URL");
  std::string bad = url;
  auto at = bad.find('@');
  auto colon = bad.rfind(':', at);
  bad.replace(colon + 1, at - colon - 1, "Wr0ngSecretPw");
  test::TempDir dir;
  test::write_file(dir.file("in/t.csv"), "id\n1\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: pw\nconnections:\n  in: {url: csv://./in}\n  pg: {url: \"" + bad + "\"}\n"
                                       "steps:\n  - {name: s, extract: {from: in, table: t}, load: {to: pg, table: t}}\n");
  std::string out;
  int code = test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml"), &out);
  EXPECT_EQ(code, 1) << out;
  EXPECT_EQ(out.find("Wr0ngSecretPw"), std::string::npos) << out;
  EXPECT_NE(out.find("connection 'pg'"), std::string::npos) << out;
  EXPECT_EQ(out.find("retry"), std::string::npos) << out;
}

namespace {

// After replace the table's own constraint and index names are back (not the staging
// table's), and the state table is created once per step, not at every commit.
TEST(Postgres, ReplaceKeepsTheTablesOwnIndexNamesAndStateDdlRunsOnce) {
  SLUICE_REQUIRE_SERVER(url, "SLUICE_TEST_PG_URL");
  Pg pg(url);
  pg.exec("DROP TABLE IF EXISTS rn_items");
  pg.exec("CREATE TABLE rn_items (id int PRIMARY KEY, code text UNIQUE, v text)");
  pg.exec("CREATE INDEX rn_items_v_idx ON rn_items (v)");
  pg.forget_pipeline("rn");
  pg.exec("DROP TABLE IF EXISTS rn_ddl_seen");
  pg.exec("CREATE TABLE rn_ddl_seen (n int)");
  pg.exec("CREATE OR REPLACE FUNCTION rn_count_ddl() RETURNS event_trigger LANGUAGE plpgsql AS "
          "$$ BEGIN INSERT INTO rn_ddl_seen VALUES (1); END $$");
  pg.exec("DROP EVENT TRIGGER IF EXISTS rn_count");
  test::TempDir dir;
  std::string csv = "id,code,v\n";
  for (int i = 1; i <= 40; ++i) csv += std::to_string(i) + ",c" + std::to_string(i) + ",v\n";
  test::write_file(dir.file("in/items.csv"), csv);
  test::write_file(dir.file("p.yaml"), "version: 1\nname: rn\nconnections:\n  in: {url: csv://./in}\n  pg: {url: \"" + url +
                                           "\"}\nsteps:\n  - {name: s, extract: {from: in, table: items}, transform: [cast: {id: int}], "
                                           "load: {to: pg, table: rn_items, mode: replace, batch_size: 2, commit_every: 1}}\n");
  std::string out;
  for (int run = 0; run < 3; ++run) {
    if (run == 2) pg.exec("CREATE EVENT TRIGGER rn_count ON ddl_command_start WHEN TAG IN ('CREATE TABLE') EXECUTE FUNCTION rn_count_ddl()");
    ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml") + " --fresh", &out), 0) << out;
  }
  pg.exec("DROP EVENT TRIGGER rn_count");
  EXPECT_EQ(pg.scalar("SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'rn_items'::regclass"),
            "rn_items_code_key,rn_items_pkey");
  EXPECT_EQ(pg.scalar("SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid "
                      "WHERE i.indrelid = 'rn_items'::regclass"),
            "rn_items_code_key,rn_items_pkey,rn_items_v_idx");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM rn_items"), "40");
  // 20 commits: the state table's CREATE ran a few times for the step, not once a commit.
  EXPECT_LT(std::stoi(pg.scalar("SELECT count(*) FROM rn_ddl_seen")), 10);
}

}  // namespace

// Issue 9, item 4: a whole-database copy copies a partitioned table once (the parent,
// with the rows of every partition), and an inheritance parent with its children's rows.
TEST(Postgres, PartitionedTablesAreCopiedOnceWithAllTheirRows) {
  SLUICE_REQUIRE_SERVER(url, "SLUICE_TEST_PG_URL");
  Pg pg(url);
  pg.exec("DROP SCHEMA IF EXISTS parts CASCADE");
  pg.exec("CREATE SCHEMA parts");
  pg.exec("CREATE TABLE parts.events (id bigint NOT NULL, at date NOT NULL, what text, PRIMARY KEY (id, at)) PARTITION BY RANGE (at)");
  pg.exec("CREATE TABLE parts.events_2023 PARTITION OF parts.events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01')");
  pg.exec("CREATE TABLE parts.events_2024 PARTITION OF parts.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
  pg.exec("INSERT INTO parts.events VALUES (1, '2023-05-01', 'a'), (2, '2024-02-01', 'b'), (3, '2024-03-01', 'c')");
  pg.exec("CREATE TABLE parts.animals (id int PRIMARY KEY, name text)");
  pg.exec("CREATE TABLE parts.cats (lives int) INHERITS (parts.animals)");
  pg.exec("INSERT INTO parts.animals VALUES (1, 'generic')");
  pg.exec("INSERT INTO parts.cats VALUES (2, 'tom', 9)");

  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), "version: 1\nname: parts\nconnections:\n  pg: {url: \"" + url + "\"}\n  lite: {url: sqlite:out.db}\n"
                                       "steps:\n  - {name: all, extract: {from: pg, schema: parts, tables: {include: [\"*\"]}}, load: {to: lite}}\n");
  auto r = run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps.back().error);
  std::vector<std::string> names;
  for (const auto& s : r.steps) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"all/animals", "all/events"}));
  const std::string lite = dir.file("out.db");
  EXPECT_EQ(test::sqlite_scalar(lite, "SELECT count(*) FROM events"), "3");
  EXPECT_EQ(test::sqlite_scalar(lite, "SELECT group_concat(id) FROM (SELECT id FROM animals ORDER BY id)"), "1,2");
  EXPECT_EQ(test::sqlite_scalar(lite, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'events_%' OR name = 'cats'"), "0");
}

// Issue 9, item 5: replace into an existing table with serial and identity keys runs
// twice; the sequences survive the swap and are set past the loaded keys, so the next
// insert without an id gets a fresh one; nothing named __sluice_* stays behind.
TEST(Postgres, ReplaceKeepsSerialAndIdentityColumnsWorking) {
  SLUICE_REQUIRE_SERVER(url, "SLUICE_TEST_PG_URL");
  Pg pg(url);
  pg.exec("DROP SCHEMA IF EXISTS seqs CASCADE");
  pg.exec("CREATE SCHEMA seqs");
  pg.exec("CREATE TABLE seqs.serials (id serial PRIMARY KEY, v text)");
  pg.exec("CREATE TABLE seqs.idents (id int GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, v text)");
  pg.exec("CREATE TABLE seqs.appended (id bigserial PRIMARY KEY, v text)");
  test::TempDir dir;
  test::write_file(dir.file("in/t.csv"), "id,v\n1,a\n2,b\n7,c\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: seqs\nconnections:\n  in: {url: csv://./in}\n  pg: {url: \"" + url + "\"}\n"
                                       "steps:\n"
                                       "  - {name: s, extract: {from: in, table: t}, load: {to: pg, table: seqs.serials, mode: replace}}\n"
                                       "  - {name: i, extract: {from: in, table: t}, load: {to: pg, table: seqs.idents, mode: replace}}\n"
                                       "  - {name: a, extract: {from: in, table: t}, load: {to: pg, table: seqs.appended, mode: append}}\n");
  for (int run = 1; run <= 2; ++run) {
    RunOptions o;
    o.fresh = run == 1;  // sluice_state outlives this test's schema
    auto r = run_pipeline(dir.file("p.yaml"), o);
    ASSERT_EQ(r.exit_code, 0) << "run " << run << ": " << (r.steps.empty() ? "" : r.steps.back().error);
    EXPECT_EQ(pg.scalar("SELECT count(*) FROM seqs.serials"), "3") << "run " << run;
  }
  EXPECT_EQ(pg.scalar("INSERT INTO seqs.serials (v) VALUES ('new') RETURNING id"), "8");
  EXPECT_EQ(pg.scalar("INSERT INTO seqs.idents (v) VALUES ('new') RETURNING id"), "8");
  EXPECT_EQ(pg.scalar("INSERT INTO seqs.appended (v) VALUES ('new') RETURNING id"), "8");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                      "WHERE n.nspname = 'seqs' AND c.relname LIKE '%\\_\\_sluice\\_%'"), "0");
}

// Issue 9, item 5: a replace that would leave another table's foreign key or a view on
// the old table is refused before anything is written, naming them.
TEST(Postgres, ReplaceOfAReferencedTableIsRefusedNamingTheDependents) {
  SLUICE_REQUIRE_SERVER(url, "SLUICE_TEST_PG_URL");
  Pg pg(url);
  pg.exec("DROP SCHEMA IF EXISTS deps CASCADE");
  pg.exec("CREATE SCHEMA deps");
  pg.exec("CREATE TABLE deps.parent (id int PRIMARY KEY, v text)");
  pg.exec("INSERT INTO deps.parent VALUES (1, 'old')");
  pg.exec("CREATE TABLE deps.child (id int PRIMARY KEY, parent_id int REFERENCES deps.parent (id))");
  pg.exec("CREATE VIEW deps.parent_view AS SELECT id, v FROM deps.parent");
  test::TempDir dir;
  test::write_file(dir.file("in/t.csv"), "id,v\n1,new\n2,b\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: deps\nconnections:\n  in: {url: csv://./in}\n  pg: {url: \"" + url + "\"}\n"
                                       "steps:\n  - {name: p, extract: {from: in, table: t}, load: {to: pg, table: deps.parent, mode: replace}}\n");
  std::string out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml"), &out), 1) << out;
  EXPECT_NE(out.find("foreign key child_parent_id_fkey of deps.child"), std::string::npos) << out;
  EXPECT_NE(out.find("view deps.parent_view"), std::string::npos) << out;
  EXPECT_NE(out.find("nothing was written"), std::string::npos) << out;
  EXPECT_EQ(pg.scalar("SELECT string_agg(v, ',') FROM deps.parent"), "old");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                      "WHERE n.nspname = 'deps' AND c.relname LIKE '%\\_\\_sluice\\_%'"), "0");
}

// Issue 9, item 2: a query's text column has no declared length, so plan does not flag
// "text length" against the target's varchar(n); a table's text column still is.
TEST(Postgres, PlanFlagsTextLengthOnlyForDeclaredLengths) {
  SLUICE_REQUIRE_SERVER(url, "SLUICE_TEST_PG_URL");
  Pg pg(url);
  pg.exec("DROP SCHEMA IF EXISTS ql CASCADE");
  pg.exec("CREATE SCHEMA ql");
  pg.exec("CREATE TABLE ql.src (id int PRIMARY KEY, v text)");
  pg.exec("CREATE TABLE ql.dst (id int PRIMARY KEY, v varchar(5))");
  pg.exec("CREATE TABLE ql.dst2 (id int PRIMARY KEY, v varchar(5))");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), "version: 1\nname: ql\nconnections:\n  pg: {url: \"" + url + "\"}\n"
                                       "steps:\n"
                                       "  - {name: q, extract: {from: pg, query: \"SELECT id, upper(v) AS v FROM ql.src\", order_by: [id]}, "
                                       "load: {to: pg, table: ql.dst}}\n"
                                       "  - {name: t, extract: {from: pg, table: ql.src}, load: {to: pg, table: ql.dst2}}\n");
  std::string out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " plan " + dir.file("p.yaml"), &out), 0) << out;
  const auto q = out.find("step q"), t = out.find("step t");
  ASSERT_NE(q, std::string::npos);
  ASSERT_NE(t, std::string::npos);
  EXPECT_EQ(out.substr(q, t - q).find("LOSSY"), std::string::npos) << out;
  EXPECT_NE(out.substr(t).find("[LOSSY: text length]"), std::string::npos) << out;
}

// Issue 9, item 7: qualified patterns read several schemas in one step; tables land in
// load.schema when given, else in the schema of the same name (none for SQLite).
TEST(Postgres, QualifiedPatternsReadSeveralSchemas) {
  SLUICE_REQUIRE_SERVER(url, "SLUICE_TEST_PG_URL");
  Pg pg(url);
  for (const char* s : {"qs_sales", "qs_hr", "qs_copy"}) pg.exec(std::string("DROP SCHEMA IF EXISTS ") + s + " CASCADE");
  pg.exec("CREATE SCHEMA qs_sales");
  pg.exec("CREATE SCHEMA qs_hr");
  pg.exec("CREATE TABLE qs_sales.orders (id int PRIMARY KEY, total numeric(10,2))");
  pg.exec("CREATE TABLE qs_sales.refunds (id int PRIMARY KEY)");
  pg.exec("CREATE TABLE qs_hr.employees (id int PRIMARY KEY, name text)");
  pg.exec("CREATE TABLE qs_hr.salaries (id int PRIMARY KEY)");
  pg.exec("INSERT INTO qs_sales.orders VALUES (1, 9.99), (2, 5)");
  pg.exec("INSERT INTO qs_hr.employees VALUES (1, 'Ann')");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"), "version: 1\nname: qs\nconnections:\n  pg: {url: \"" + url + "\"}\n  lite: {url: sqlite:q.db}\n"
                                       "steps:\n"
                                       "  - {name: lite, extract: {from: pg, tables: {include: [\"qs_sales.*\", \"qs_hr.employees\"], "
                                       "exclude: [\"qs_sales.refunds\"]}}, load: {to: lite}}\n"
                                       "  - {name: pg, extract: {from: pg, tables: {include: [\"qs_sales.*\", \"qs_hr.employees\"]}}, "
                                       "load: {to: pg, schema: qs_copy}}\n");
  auto r = run_pipeline(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps.back().error);
  std::vector<std::string> names;
  for (const auto& s : r.steps) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"lite/qs_sales.orders", "lite/qs_hr.employees", "pg/qs_sales.orders",
                                             "pg/qs_sales.refunds", "pg/qs_hr.employees"}));
  EXPECT_EQ(test::sqlite_scalar(dir.file("q.db"), "SELECT count(*) FROM orders"), "2");
  EXPECT_EQ(test::sqlite_scalar(dir.file("q.db"), "SELECT name FROM employees"), "Ann");
  EXPECT_EQ(test::sqlite_scalar(dir.file("q.db"), "SELECT count(*) FROM sqlite_schema WHERE name = 'refunds'"), "0");
  EXPECT_EQ(pg.scalar("SELECT string_agg(total::text, ',' ORDER BY id) FROM qs_copy.orders"), "9.99,5.00");
  EXPECT_EQ(pg.scalar("SELECT name FROM qs_copy.employees"), "Ann");
}

// The binary COPY source resumes strictly after a composite key of awkward types (text
// with quotes and backslashes, a zoned timestamp), the values bound, never spliced.
TEST(Postgres, BinaryCopySourceResumesAfterACompositeKey) {
  SLUICE_REQUIRE_SERVER(url, "SLUICE_TEST_PG_URL");
  Pg pg(url);
  pg.exec("DROP TABLE IF EXISTS resume_keys");
  pg.exec("CREATE TABLE resume_keys (name text, at timestamptz, v int, PRIMARY KEY (name, at))");
  pg.exec("INSERT INTO resume_keys VALUES ('a', '2020-01-01 00:00:00+00', 1), (E'o''b\\\\x', '2020-01-01 00:00:00+00', 2), "
          "(E'o''b\\\\x', '2020-01-01 00:00:00.000001+00', 3), (E'o''b\\\\x', '2021-06-01 12:00:00+02', 4), ('z', '1999-12-31 23:59:59+00', 5)");
  ConnectionConfig cfg;
  ASSERT_EQ(config::apply_url(url, "/", cfg), "");
  cfg.name = "pg";
  DriverRegistry drivers;
  register_builtin_drivers(drivers);
  auto conn = drivers.connect(cfg);
  ExtractRequest req;
  req.table = {"", "resume_keys"};
  req.order_by = {"name", "at"};
  req.resume_after.resize(2);
  req.resume_after[0].set_text("o'b\\x");
  req.resume_after[1].set_timestamptz(1577836800000001LL);  // 2020-01-01 00:00:00.000001 UTC
  auto source = conn->open_source(req);
  Batch batch(100);
  std::string seen;
  while (source->read(batch))
    for (std::size_t i = 0; i < batch.size(); ++i) seen += std::to_string(batch[i][2].as_int()) + ",";
  EXPECT_EQ(seen, "4,5,");
}
