// Connections' `timezone:` (SQLite, no servers): naive date-times of a source whose zone
// is set become the instants they mean in a zoned target column (and through cast), are
// shifted only into a target that declares another zone, a wall clock the zone skipped
// is refused naming its row, verify compares what was loaded, an unknown zone is a file
// error.
#include <gtest/gtest.h>

#include "support/process.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

std::string sluice_cmd(const std::string& args) { return std::string(SLUICE_BINARY) + " " + args; }

std::string pipeline(const std::string& dst, const std::string& src_tz, const std::string& dst_tz, const std::string& extra = "") {
  return "version: 1\nname: tz-" + dst + "\nconnections:\n  src: {url: sqlite:src.db" + (src_tz.empty() ? "" : ", timezone: " + src_tz) +
         "}\n  dst: {url: sqlite:" + dst + ".db" + (dst_tz.empty() ? "" : ", timezone: " + dst_tz) + "}\n" +
         "steps:\n  - name: ev\n    extract: {from: src, table: ev}\n" + extra + "    load: {to: dst, table: ev}\n";
}

std::string rows(const std::string& db) {
  return test::sqlite_scalar(db, "SELECT group_concat(id || '=' || at, ' | ') FROM (SELECT * FROM ev ORDER BY id)");
}

}  // namespace

TEST(LocalTimeZone, NaiveValuesMeanTheSourcesZoneWhereTheyMeetAZonedColumnOrAnotherZone) {
  test::TempDir dir;
  test::sqlite_exec(dir.file("src.db"), "CREATE TABLE ev (id INTEGER PRIMARY KEY, at TIMESTAMP); "
                                        "INSERT INTO ev VALUES (1, '2024-07-01 12:00:00'), (2, '2024-01-15 12:00:00.250000'), (3, NULL), "
                                        "(4, '2024-10-27 02:30:00')");
  // A zoned column the user made: the instants the Amsterdam wall clocks mean.
  test::sqlite_exec(dir.file("zoned.db"), "CREATE TABLE ev (id INTEGER PRIMARY KEY, at TIMESTAMPTZ)");
  test::write_file(dir.file("zoned.yaml"), pipeline("zoned", "Europe/Amsterdam", ""));
  std::string out;
  ASSERT_EQ(test::run_command(sluice_cmd("plan " + dir.file("zoned.yaml")), &out), 0) << out;
  EXPECT_NE(out.find("at: TIMESTAMP -> TIMESTAMPTZ   [ZONE: wall clock in Europe/Amsterdam -> instant]"), std::string::npos) << out;
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("zoned.yaml")), &out), 0) << out;
  EXPECT_EQ(rows(dir.file("zoned.db")),
            "1=2024-07-01 10:00:00+00 | 2=2024-01-15 11:00:00.250000+00 | 4=2024-10-27 00:30:00+00");
  EXPECT_EQ(test::run_command(sluice_cmd("verify " + dir.file("zoned.yaml")), &out), 0) << out;

  // Through cast, into the table sluice creates.
  test::write_file(dir.file("cast.yaml"), pipeline("cast", "Europe/Amsterdam", "", "    transform: [{cast: {at: timestamptz}}]\n"));
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("cast.yaml")), &out), 0) << out;
  EXPECT_EQ(rows(dir.file("cast.db")), rows(dir.file("zoned.db")));
  // And a derived timestamptz from the naive text: the same instants; with an offset, that offset.
  test::write_file(dir.file("derive.yaml"),
                   pipeline("derive", "Europe/Amsterdam", "",
                            "    transform:\n      - derive: {at: {expr: \"at\", type: timestamptz}, off: {expr: \"'2024-07-01 12:00:00+05'\", type: timestamptz}}\n"));
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("derive.yaml")), &out), 0) << out;
  EXPECT_EQ(rows(dir.file("derive.db")), rows(dir.file("zoned.db")));
  EXPECT_EQ(test::sqlite_scalar(dir.file("derive.db"), "SELECT off FROM ev WHERE id = 1"), "2024-07-01 07:00:00+00");

  // Naive into naive stays as it is, unless the target says its naive values mean another zone.
  test::write_file(dir.file("naive.yaml"), pipeline("naive", "Europe/Amsterdam", ""));
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("naive.yaml")), &out), 0) << out;
  EXPECT_EQ(rows(dir.file("naive.db")), "1=2024-07-01 12:00:00 | 2=2024-01-15 12:00:00.250000 | 4=2024-10-27 02:30:00");
  test::write_file(dir.file("ny.yaml"), pipeline("ny", "Europe/Amsterdam", "America/New_York"));
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("ny.yaml")), &out), 0) << out;
  EXPECT_EQ(rows(dir.file("ny.db")), "1=2024-07-01 06:00:00 | 2=2024-01-15 06:00:00.250000 | 4=2024-10-26 20:30:00");
  EXPECT_EQ(test::run_command(sluice_cmd("verify " + dir.file("ny.yaml")), &out), 0) << out;
  // CSV text is naive too: into a TIMESTAMP column of a New York target.
  test::write_file(dir.file("csv/ev.csv"), "id,at\n1,2024-07-01 12:00:00\n2,2024-01-15 12:00:00.25\n");
  test::sqlite_exec(dir.file("fromcsv.db"), "CREATE TABLE ev (id INTEGER PRIMARY KEY, at TIMESTAMP)");
  test::write_file(dir.file("fromcsv.yaml"), "version: 1\nname: tz-csv\nconnections:\n  src: {url: 'csv:csv', timezone: Europe/Amsterdam}\n"
                                             "  dst: {url: sqlite:fromcsv.db, timezone: America/New_York}\n"
                                             "steps:\n  - {name: ev, extract: {from: src, table: ev}, load: {to: dst, table: ev}}\n");
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("fromcsv.yaml")), &out), 0) << out;
  EXPECT_EQ(rows(dir.file("fromcsv.db")), "1=2024-07-01 06:00:00 | 2=2024-01-15 06:00:00.250000");
  // Without zones nothing moves.
  test::write_file(dir.file("plain.yaml"), pipeline("plain", "", ""));
  ASSERT_EQ(test::run_command(sluice_cmd("run " + dir.file("plain.yaml")), &out), 0) << out;
  EXPECT_EQ(rows(dir.file("plain.db")), rows(dir.file("naive.db")));

  // A wall clock Amsterdam skipped: refused, named by its row, nothing of its batch written.
  test::sqlite_exec(dir.file("src.db"), "INSERT INTO ev VALUES (5, '2024-03-31 02:30:00')");
  EXPECT_EQ(test::run_command(sluice_cmd("run " + dir.file("zoned.yaml")), &out), 1) << out;
  EXPECT_NE(out.find("column at: the date-time 2024-03-31 02:30:00 does not exist in time zone Europe/Amsterdam"), std::string::npos) << out;
  EXPECT_NE(out.find("id=5"), std::string::npos) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("zoned.db"), "SELECT count(*) FROM ev"), "4");

  // A zone the tz database does not know is a pipeline-file error, nothing touched.
  test::write_file(dir.file("bad.yaml"), pipeline("bad", "Europe/Amsterdm", ""));
  EXPECT_EQ(test::run_command(sluice_cmd("validate " + dir.file("bad.yaml")), &out), 2) << out;
  EXPECT_NE(out.find("bad.yaml:4:"), std::string::npos) << out;
  EXPECT_NE(out.find("unknown time zone 'Europe/Amsterdm'"), std::string::npos) << out;
}
