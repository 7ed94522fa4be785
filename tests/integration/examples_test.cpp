// pipelines/ci_seed.yaml against the real servers: the fixtures land in PostgreSQL and
// MySQL alike, and seeding again leaves the same rows (truncate).
#include <gtest/gtest.h>

#include "support/mysql_client.h"
#include "support/pg_client.h"
#include "support/process.h"
#include "support/servers.h"
#include "support/temp_dir.h"

using namespace sluice;

TEST(Examples, CiSeedLoadsTheFixturesIntoPostgresAndMysqlAgainAndAgain) {
  SLUICE_REQUIRE_SERVER(pg_url, "SLUICE_TEST_PG_URL");
  SLUICE_REQUIRE_SERVER(my_url, "SLUICE_TEST_MYSQL_URL");
  test::PgClient pg(pg_url);
  test::MyClient my(my_url);
  pg.exec("DROP TABLE IF EXISTS seed_customers, seed_orders");
  my.exec("DROP TABLE IF EXISTS seed_customers, seed_orders");
  pg.forget_pipeline("ci-seed");
  my.forget_pipeline("ci-seed");
  const std::string run = "PG_URL='" + pg_url + "' MYSQL_URL='" + my_url + "' " + SLUICE_BINARY + " run " + SLUICE_SOURCE_DIR +
                          "/pipelines/ci_seed.yaml";
  for (int pass = 0; pass < 2; ++pass) {
    std::string out;
    ASSERT_EQ(test::run_command(run, &out), 0) << out;
    for (const char* table : {"seed_customers", "seed_orders"}) {
      const std::string sql = std::string("SELECT COUNT(*) FROM ") + table;
      EXPECT_EQ(pg.scalar(sql), my.scalar(sql)) << table;
      EXPECT_NE(pg.scalar(sql), "0") << table;
    }
  }
  EXPECT_EQ(pg.scalar("SELECT name FROM seed_customers WHERE id = 2"), my.scalar("SELECT name FROM seed_customers WHERE id = 2"));
  EXPECT_EQ(pg.scalar("SELECT sum(amount)::text FROM seed_orders"), my.scalar("SELECT CAST(SUM(amount) AS CHAR) FROM seed_orders"));
}
