// load.on_schema_change against the real servers, as a nightly incremental MySQL ->
// PostgreSQL job meets it: the source gains a column (add_columns adds and fills it, fail
// stops before writing, naming it), then widens one (fail names it until the target
// column is widened, after which the run loads the longer values exactly).
#include <gtest/gtest.h>

#include "support/mysql_client.h"
#include "support/pg_client.h"
#include "support/process.h"
#include "support/servers.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

std::string pipeline(const std::string& name, const std::string& my_url, const std::string& pg_url, const std::string& table,
                     const std::string& mode) {
  return "version: 1\nname: " + name + "\nconnections:\n  my: {url: \"" + my_url + "\"}\n  pg: {url: \"" + pg_url + "\"}\n" +
         "steps:\n  - {name: t, extract: {from: my, table: drift_src, incremental: {cursor: id}}, load: {to: pg, table: " + table +
         ", mode: upsert, key: [id]" + (mode.empty() ? "" : ", on_schema_change: " + mode) + "}}\n";
}

int sluice_run(const std::string& file, std::string* out) { return test::run_command(std::string(SLUICE_BINARY) + " run " + file, out); }

}  // namespace

TEST(SchemaChange, IncrementalRunsMeetANewColumnAndAWidenedOne) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::MyClient my(my_url);
  test::PgClient pg(pg_url);
  my.exec("DROP TABLE IF EXISTS drift_src");
  my.exec("CREATE TABLE drift_src (id int PRIMARY KEY, name varchar(10) NOT NULL)");
  my.exec("INSERT INTO drift_src VALUES (1, 'ada'), (2, 'bob')");
  pg.exec("DROP TABLE IF EXISTS drift_fail, drift_add");
  pg.forget_pipeline("drift-%");
  test::TempDir dir;
  test::write_file(dir.file("fail.yaml"), pipeline("drift-fail", my_url, pg_url, "drift_fail", ""));
  test::write_file(dir.file("add.yaml"), pipeline("drift-add", my_url, pg_url, "drift_add", "add_columns"));
  std::string out;
  ASSERT_EQ(sluice_run(dir.file("fail.yaml"), &out), 0) << out;
  ASSERT_EQ(sluice_run(dir.file("add.yaml"), &out), 0) << out;

  // A new column between two runs.
  my.exec("ALTER TABLE drift_src ADD COLUMN score decimal(6,2) NULL");
  my.exec("INSERT INTO drift_src VALUES (3, 'cy', 12.50)");
  EXPECT_EQ(sluice_run(dir.file("fail.yaml"), &out), 1) << out;
  EXPECT_NE(out.find("the source has column(s) that target drift_fail lacks: score (decimal(6,2)); nothing was written"), std::string::npos) << out;
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM drift_fail"), "2");
  ASSERT_EQ(sluice_run(dir.file("add.yaml"), &out), 0) << out;
  EXPECT_EQ(pg.scalar("SELECT string_agg(id || ':' || coalesce(score::text, '-'), ',' ORDER BY id) FROM drift_add"), "1:-,2:-,3:12.50");
  EXPECT_EQ(pg.scalar("SELECT data_type || numeric_precision || ',' || numeric_scale FROM information_schema.columns "
                      "WHERE table_name = 'drift_add' AND column_name = 'score'"),
            "numeric6,2");

  // A column widened at the source: a longer name would not fit the table's.
  my.exec("ALTER TABLE drift_src MODIFY name varchar(40) NOT NULL");
  my.exec("INSERT INTO drift_src VALUES (4, 'a name of twenty-six chars', 1.00)");
  EXPECT_EQ(sluice_run(dir.file("add.yaml"), &out), 1) << out;  // the long value is refused, not cut
  EXPECT_NE(out.find("source column type(s) changed since the last run into one target drift_add may not hold: name (varchar(10) -> "
                     "varchar(40): text length)"),
            std::string::npos) << out;
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM drift_add"), "3");

  // fail compares with the last run it accepted: the new column and the widened one.
  EXPECT_EQ(sluice_run(dir.file("fail.yaml"), &out), 1) << out;
  EXPECT_NE(out.find("lacks: score (decimal(6,2))"), std::string::npos) << out;
  EXPECT_NE(out.find("source column type(s) changed since the last run into one target drift_fail may not hold: name (varchar(10) -> "
                     "varchar(40): text length)"),
            std::string::npos) << out;
  // Widened by its owner, the table takes the run that stopped.
  pg.exec("ALTER TABLE drift_add ALTER COLUMN name TYPE varchar(40)");
  ASSERT_EQ(sluice_run(dir.file("add.yaml"), &out), 0) << out;
  EXPECT_EQ(out.find("changed since the last run"), std::string::npos) << out;
  EXPECT_EQ(pg.scalar("SELECT name FROM drift_add WHERE id = 4"), "a name of twenty-six chars");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM drift_add"), "4");
}
