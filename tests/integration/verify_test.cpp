// `sluice verify` by checksums per key range against the real servers: PostgreSQL and
// MySQL compute the canonical text's digests themselves, SQLite's are computed in
// process, and all three must agree on equal data of every type that has a canonical
// text — otherwise every range would be read row by row and verify would only be slow.
#include <gtest/gtest.h>

#include "support/mysql_client.h"
#include "support/pg_client.h"
#include "support/process.h"
#include "support/run_pipeline.h"
#include "support/servers.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

// Every type with a canonical text, with the values where dialects print differently:
// NULLs, '' and padded char(n), quotes, newlines and non-ASCII text, trailing decimal
// zeros, negative and extreme integers, zero and non-zero microseconds. (The uuids are
// version 4: MariaDB's UUID type refuses other variants.)
void create_typed_table(const std::string& pg_url, const std::string& table, int rows) {
  test::pg_scalar(pg_url, "DROP TABLE IF EXISTS " + table);
  test::pg_scalar(pg_url, "CREATE TABLE " + table + " (id bigint PRIMARY KEY, b boolean, i16 smallint, i32 int, i64 bigint, "
                          "dec numeric(20,6), dec0 numeric(12,0), c char(5), vc varchar(50), t text, by bytea, d date, "
                          "tm time(6), ts timestamp(6), tstz timestamptz(6), u uuid)");
  test::pg_scalar(pg_url,
                  "INSERT INTO " + table + " SELECT g, "
                  "CASE g % 3 WHEN 0 THEN true WHEN 1 THEN false END, "
                  "(g % 65536 - 32768)::smallint, (g * 7919) % 2147483647 - 1000000, "
                  "CASE WHEN g = 1 THEN -9223372036854775808 WHEN g = 2 THEN 9223372036854775807 ELSE g * 1000003 END, "
                  "CASE WHEN g % 7 = 0 THEN NULL WHEN g % 7 = 1 THEN g ELSE round(g * 1.000037 - 500, 6) END, "
                  "g * 13, "
                  "CASE g % 4 WHEN 0 THEN 'ab' WHEN 1 THEN '' WHEN 2 THEN NULL ELSE 'abcde' END, "
                  "'v' || g || CASE WHEN g % 5 = 0 THEN ' é ü 漢 ' ELSE '' END, "
                  "CASE g % 6 WHEN 0 THEN NULL WHEN 1 THEN '' WHEN 2 THEN E'line\\nbreak \"q\" \\\\ '' back' "
                  "  ELSE repeat('x,', (g % 300)::int) END, "
                  "CASE WHEN g % 9 = 0 THEN NULL WHEN g % 9 = 1 THEN ''::bytea ELSE decode(md5(g::text), 'hex') END, "
                  "date '2000-01-01' + (g % 20000)::int - 10000, "
                  "time '00:00:00' + (g % 86400) * interval '1 second' + (g % 3) * interval '0.000123 second', "
                  "timestamp '1990-01-01' + g * interval '1 hour' + (g % 2) * interval '0.5 second', "
                  "CASE WHEN g % 11 = 0 THEN NULL ELSE timestamptz '2020-01-01 00:00:00+00' + g * interval '37.000001 seconds' END, "
                  "overlay(overlay(md5(g::text) placing '4' from 13) placing '8' from 17)::uuid "
                  "FROM generate_series(1::bigint, " + std::to_string(rows) + ") g");
}

std::string verify(const std::string& pipeline, int expected_exit) {
  std::string out;
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " verify " + pipeline, &out), expected_exit) << out;
  return out;
}

}  // namespace

TEST(Verify, ChecksumsAgreeAcrossPostgresMysqlAndSqlite) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  create_typed_table(pg_url, "vtypes", 5000);
  test::pg_scalar(pg_url, "DROP TABLE IF EXISTS vtypes_back");
  test::MyClient my(my_url);
  my.exec("DROP TABLE IF EXISTS vtypes");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: verify-digests\nconnections:\n  pg: {url: \"" + pg_url + "\"}\n  my: {url: \"" + my_url +
                       "\"}\n  lite: {url: \"sqlite:///" + dir.file("t.db") + "\"}\n"
                       "steps:\n"
                       "  - {name: to_my, extract: {from: pg, table: vtypes}, load: {to: my, table: vtypes}}\n"
                       "  - {name: to_lite, extract: {from: pg, table: vtypes}, load: {to: lite, table: vtypes}}\n"
                       "  - {name: my_to_lite, extract: {from: my, table: vtypes}, load: {to: lite, table: vtypes_my}}\n"
                       "  - {name: back, extract: {from: my, table: vtypes}, load: {to: pg, table: vtypes_back}}\n");
  auto r = test::run_steps_in_turn(dir.file("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << (r.steps.empty() ? "" : r.steps.back().error);
  const std::string out = verify(dir.file("p.yaml"), 0);
  // Equal by checksums alone: no range needed reading row by row.
  for (const char* step : {"to_my", "to_lite", "my_to_lite", "back"})
    EXPECT_NE(out.find(std::string("step ") + step + ":\n  source rows 5000, target rows 5000, 0 differences: equal (checksums of"),
              std::string::npos)
        << step << "\n" << out;
  EXPECT_EQ(out.find("read row by row"), std::string::npos) << out;

  // One change of each kind, each a difference the row-by-row reading names.
  my.exec("UPDATE vtypes SET t = CONCAT(t, 'x') WHERE id = 4");
  my.exec("UPDATE vtypes SET c = NULL WHERE id = 4000");
  test::sqlite_exec(dir.file("t.db"), "UPDATE vtypes SET dec = '1.5' WHERE id = 3; DELETE FROM vtypes WHERE id = 2500");
  test::pg_scalar(pg_url, "UPDATE vtypes_back SET tstz = tstz + interval '1 microsecond' WHERE id = 42");
  const std::string diff = verify(dir.file("p.yaml"), 1);
  EXPECT_NE(diff.find("differs: (id=4) in t"), std::string::npos) << diff;
  EXPECT_NE(diff.find("differs: (id=4000) in c"), std::string::npos) << diff;
  EXPECT_NE(diff.find("differs: (id=3) in dec"), std::string::npos) << diff;
  EXPECT_NE(diff.find("missing in target: (id=2500)"), std::string::npos) << diff;
  EXPECT_NE(diff.find("differs: (id=42) in tstz"), std::string::npos) << diff;
}

TEST(Verify, OnlyTheDifferingKeyRangesAreReadRowByRow) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  create_typed_table(pg_url, "vbig", 200000);
  test::MyClient my(my_url);
  my.exec("DROP TABLE IF EXISTS vbig");
  test::TempDir dir;
  test::write_file(dir.file("p.yaml"),
                   "version: 1\nname: verify-ranges\nconnections:\n  pg: {url: \"" + pg_url + "\"}\n  my: {url: \"" + my_url +
                       "\"}\nsteps:\n  - {name: big, extract: {from: pg, table: vbig}, load: {to: my, table: vbig}}\n");
  ASSERT_EQ(test::run_pipeline(dir.file("p.yaml")).exit_code, 0);
  std::string out = verify(dir.file("p.yaml"), 0);
  EXPECT_NE(out.find("source rows 200000, target rows 200000, 0 differences: equal (checksums of "), std::string::npos) << out;

  // Two changed ranges out of ten, and a row past the source's largest key.
  my.exec("UPDATE vbig SET vc = 'changed' WHERE id = 12345");
  my.exec("DELETE FROM vbig WHERE id = 150001");
  my.exec("INSERT INTO vbig (id) VALUES (200000 + 3)");
  out = verify(dir.file("p.yaml"), 1);
  EXPECT_NE(out.find("differs: (id=12345) in vc"), std::string::npos) << out;
  EXPECT_NE(out.find("missing in target: (id=150001)"), std::string::npos) << out;
  EXPECT_NE(out.find("only in target: (id=200003)"), std::string::npos) << out;
  // (The row past the end falls into the last range: ranges are cut over both sides' keys.)
  EXPECT_NE(out.find("source rows 200000, target rows 200000, 3 differences (checksums of "), std::string::npos) << out;
  EXPECT_NE(out.find(" key ranges, 3 read row by row)"), std::string::npos) << out;

  // Without checksums every row is read, and the same differences come out.
  test::write_file(dir.file("rows.yaml"), "verify: {checksums: false}\n" + test::read_file(dir.file("p.yaml")));
  out = verify(dir.file("rows.yaml"), 1);
  EXPECT_NE(out.find("differs: (id=12345) in vc"), std::string::npos) << out;
  EXPECT_NE(out.find("only in target: (id=200003)"), std::string::npos) << out;
  EXPECT_NE(out.find("source rows 200000, target rows 200000, 3 differences\n"), std::string::npos) << out;
}
