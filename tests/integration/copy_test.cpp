// sluice copy against PostgreSQL: a SQLite table copied with one command equals the same
// copy through a pipeline file, and discover reads the server's catalog.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/pg_client.h"
#include "support/process.h"
#include "support/servers.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;

TEST(Copy, SqliteTableIntoPostgresEqualsThePipelineFileCopy) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  test::PgClient pg(pg_url);
  pg.exec("DROP TABLE IF EXISTS copy_cli, copy_file");
  pg.forget_pipeline("copy-%");
  pg.forget_pipeline("copy-file");
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price DECIMAL(8,2), at DATETIME)");
  std::string rows;
  for (int i = 1; i <= 2000; ++i)
    rows += std::string(rows.empty() ? "" : ",") + "(" + std::to_string(i) + ", 'n" + std::to_string(i) + (i % 7 ? "" : " \"q\"\\ é") + "', " +
            (i % 5 ? std::to_string(i) + ".25" : "NULL") + ", '2024-01-02 03:04:05')";
  test::sqlite_exec(dir.file("src.db"), "INSERT INTO items VALUES " + rows);
  test::sqlite_exec(dir.file("src.db"), "CREATE VIEW v AS SELECT 1");

  std::string out;
  // The target table keeps the source's name; load it under another by copying into a schema-less name.
  ASSERT_EQ(test::run_command("cd " + dir.path() + " && " + std::string(SLUICE_BINARY) + " copy sqlite:src.db '" + pg_url +
                              "' --table items --mode truncate", &out), 0) << out;
  pg.exec("ALTER TABLE items RENAME TO copy_cli");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: copy-file\nconnections:\n  src: {url: sqlite:src.db}\n  dst: {url: \"" + pg_url + "\"}\n"
                                       "steps:\n  - {name: copy, extract: {from: src, table: items}, load: {to: dst, table: copy_file, mode: truncate}}\n");
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("p.yaml"), &out), 0) << out;
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM copy_cli"), "2000");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM (SELECT * FROM copy_cli EXCEPT SELECT * FROM copy_file) d"), "0");
  EXPECT_EQ(pg.scalar("SELECT count(*) FROM (SELECT * FROM copy_file EXCEPT SELECT * FROM copy_cli) d"), "0");
  EXPECT_EQ(pg.scalar("SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'copy_cli'::regclass AND attnum > 0"),
            pg.scalar("SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'copy_file'::regclass AND attnum > 0"));

  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " discover --json '" + pg_url + "' 2>/dev/null", &out), 0) << out;
  auto j = nlohmann::json::parse(out);
  bool found = false;
  for (const auto& t : j["tables"])
    if (t["name"] == "copy_file") {
      found = true;
      EXPECT_EQ(t["primary_key"], nlohmann::json::array({"id"})) << t.dump();
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(out.find(":sluice@"), std::string::npos) << "the password is never shown";
}
