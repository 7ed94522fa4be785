// Connections' `timezone:` against the real servers: MySQL DATETIMEs written as Amsterdam
// wall clocks become the instants they mean in a PostgreSQL timestamptz column; those
// instants go back into a MySQL table whose naive values mean New York time; verify finds
// both copies equal; a naive-to-naive copy with no zone on the target leaves them as they are.
#include <gtest/gtest.h>

#include "support/mysql_client.h"
#include "support/pg_client.h"
#include "support/process.h"
#include "support/servers.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {

std::string step(const std::string& name, const std::string& from, const std::string& table, const std::string& to, const std::string& target) {
  return "  - {name: " + name + ", extract: {from: " + from + ", table: " + table + "}, load: {to: " + to + ", table: " + target + "}}\n";
}

}  // namespace

TEST(TimeZone, MysqlWallClocksBecomeInstantsInPostgresAndNewYorkWallClocksInMysql) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::MyClient my(my_url);
  test::PgClient pg(pg_url);
  my.exec("DROP TABLE IF EXISTS tz_src, tz_back");
  my.exec("CREATE TABLE tz_src (id int PRIMARY KEY, at datetime(6) NULL)");
  my.exec("INSERT INTO tz_src VALUES (1, '2024-07-01 12:00:00'), (2, '2024-01-15 12:00:00.123456'), (3, NULL), (4, '2024-10-27 02:30:00'), "
          "(5, '2100-07-01 12:00:00'), (6, '1969-12-31 23:59:59.5')");
  pg.exec("DROP TABLE IF EXISTS tz_dst, tz_naive");
  pg.exec("CREATE TABLE tz_dst (id int PRIMARY KEY, at timestamptz)");
  pg.forget_pipeline("tz-%");
  my.forget_pipeline("tz-%");
  test::TempDir dir;
  test::write_file(dir.file("in.yaml"), "version: 1\nname: tz-in\nconnections:\n  my: {url: \"" + my_url +
                                            "\", timezone: Europe/Amsterdam}\n  pg: {url: \"" + pg_url + "\"}\nsteps:\n" +
                                            step("zoned", "my", "tz_src", "pg", "tz_dst") + step("naive", "my", "tz_src", "pg", "tz_naive"));
  std::string out;
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("in.yaml"), &out), 0) << out;
  EXPECT_EQ(pg.scalar("SELECT string_agg(id || '=' || coalesce(to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), '-'), ' ' ORDER BY id) FROM tz_dst"),
            "1=2024-07-01 10:00:00.000000 2=2024-01-15 11:00:00.123456 3=- 4=2024-10-27 00:30:00.000000 5=2100-07-01 10:00:00.000000 "
            "6=1969-12-31 22:59:59.500000");
  EXPECT_EQ(pg.scalar("SELECT string_agg(id || '=' || coalesce(to_char(at, 'YYYY-MM-DD HH24:MI:SS.US'), '-'), ' ' ORDER BY id) FROM tz_naive"),
            "1=2024-07-01 12:00:00.000000 2=2024-01-15 12:00:00.123456 3=- 4=2024-10-27 02:30:00.000000 5=2100-07-01 12:00:00.000000 "
            "6=1969-12-31 23:59:59.500000");
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " verify " + dir.file("in.yaml"), &out), 0) << out;

  test::write_file(dir.file("back.yaml"), "version: 1\nname: tz-back\nconnections:\n  pg: {url: \"" + pg_url + "\"}\n  my: {url: \"" + my_url +
                                              "\", timezone: America/New_York}\nsteps:\n" + step("back", "pg", "tz_dst", "my", "tz_back"));
  ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " run " + dir.file("back.yaml"), &out), 0) << out;
  EXPECT_EQ(my.scalar("SELECT GROUP_CONCAT(CONCAT(id, '=', COALESCE(DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s.%f'), '-')) ORDER BY id SEPARATOR ' ') FROM tz_back"),
            "1=2024-07-01 06:00:00.000000 2=2024-01-15 06:00:00.123456 3=- 4=2024-10-26 20:30:00.000000 5=2100-07-01 06:00:00.000000 "
            "6=1969-12-31 17:59:59.500000");
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " verify " + dir.file("back.yaml"), &out), 0) << out;
  // One changed value is found.
  my.exec("UPDATE tz_back SET at = '2024-07-01 07:00:00' WHERE id = 1");
  EXPECT_EQ(test::run_command(std::string(SLUICE_BINARY) + " verify " + dir.file("back.yaml"), &out), 1) << out;
}
