// Each dialect's statements, compared as text: what sluice sends to each database is
// decided here, without a server (drivers/sql/dialect.h and the drivers' *_dialect.*).
#include <gtest/gtest.h>

#include "drivers/mysql/mysql_dialect.h"
#include "drivers/postgres/pg_dialect.h"
#include "drivers/sqlite/sqlite_dialect.h"

using namespace sluice;

namespace {

Schema people() {
  Schema s;
  s.columns.push_back({"id", TypeInfo::of(TypeId::int64), false, {}, false});
  TypeInfo name = TypeInfo::of(TypeId::varchar);
  name.length = 40;
  s.columns.push_back({"na\"me`", name, true, {}, false});
  s.columns.push_back({"bio", TypeInfo::of(TypeId::text), true, {}, false});
  s.primary_key = {"id"};
  return s;
}

const TableRef kPeople{"", "people"};
const TableRef kStaging{"", "people__sluice_staging"};

TEST(Dialect, QuotingDoublesTheQuoteCharacter) {
  EXPECT_EQ(postgres::dialect().quote("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(postgres::dialect().quote_table({"s", "t"}), "\"s\".\"t\"");
  mysql::MysqlDialect my(true);
  EXPECT_EQ(my.quote("a`b"), "`a``b`");
  EXPECT_EQ(my.quote_table({"db", "t"}), "`db`.`t`");
  EXPECT_EQ(sqlite::dialect().quote("x"), "\"x\"");
}

TEST(Dialect, PlaceholdersAreNumberedOnlyInPostgres) {
  EXPECT_EQ(postgres::dialect().placeholder(0), "$1");
  EXPECT_EQ(postgres::dialect().placeholder(11), "$12");
  EXPECT_EQ(mysql::MysqlDialect(false).placeholder(5), "?");
  EXPECT_EQ(sqlite::dialect().placeholder(5), "?");
}

TEST(Dialect, CreateTableUsesEachDialectsTypesKeysAndOptions) {
  EXPECT_EQ(postgres::dialect().create_table(kPeople, people(), {}),
            "CREATE TABLE \"people\" (\"id\" bigint NOT NULL, \"na\"\"me`\" varchar(40), \"bio\" text, PRIMARY KEY (\"id\"))");
  // A text key gets MySQL's prefix length.
  EXPECT_EQ(mysql::MysqlDialect(false).create_table(kPeople, people(), {"bio"}),
            "CREATE TABLE `people` (`id` bigint NOT NULL, `na\"me``` varchar(40), `bio` longtext, PRIMARY KEY (`bio`(255))) "
            "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
  EXPECT_EQ(sqlite::dialect().create_table(kPeople, people(), {}),
            "CREATE TABLE \"people\" (\"id\" BIGINT NOT NULL, \"na\"\"me`\" VARCHAR(40), \"bio\" TEXT, PRIMARY KEY (\"id\"))");
}

TEST(Dialect, UpsertClauses) {
  const std::vector<std::string> cols = {"id", "name", "bio"};
  EXPECT_EQ(postgres::dialect().upsert_clause({"id"}, cols),
            "ON CONFLICT (\"id\") DO UPDATE SET \"name\" = EXCLUDED.\"name\", \"bio\" = EXCLUDED.\"bio\"");
  EXPECT_EQ(postgres::dialect().upsert_clause({"id"}, {"id"}), "ON CONFLICT (\"id\") DO NOTHING");
  mysql::MysqlDialect my(true);
  EXPECT_EQ(my.upsert_clause({"id"}, cols), "ON DUPLICATE KEY UPDATE `name` = VALUES(`name`), `bio` = VALUES(`bio`)");
  EXPECT_EQ(my.upsert_clause({"id"}, {"id"}), "ON DUPLICATE KEY UPDATE `id` = `id`");
  EXPECT_EQ(sqlite::dialect().upsert_clause({"a", "b"}, {"a", "b", "c"}),
            "ON CONFLICT (\"a\", \"b\") DO UPDATE SET \"c\" = EXCLUDED.\"c\"");
}

TEST(Dialect, StagingIsCopiedAndSwappedPerDialect) {
  EXPECT_EQ(*postgres::dialect().create_like(kStaging, kPeople),
            "CREATE TABLE \"people__sluice_staging\" (LIKE \"people\" INCLUDING ALL)");
  EXPECT_EQ(postgres::dialect().swap_staging(kPeople, kStaging),
            (std::vector<std::string>{"DROP TABLE IF EXISTS \"people\"", "ALTER TABLE \"people__sluice_staging\" RENAME TO \"people\""}));
  EXPECT_FALSE(postgres::dialect().ddl_commits());

  mysql::MysqlDialect my(false);
  EXPECT_EQ(*my.create_like(kStaging, kPeople), "CREATE TABLE `people__sluice_staging` LIKE `people`");
  EXPECT_EQ(my.swap_staging(kPeople, kStaging),
            (std::vector<std::string>{"DROP TABLE IF EXISTS `people__sluice_old`",
                                      "RENAME TABLE `people` TO `people__sluice_old`, `people__sluice_staging` TO `people`"}));
  EXPECT_EQ(my.after_swap(kPeople), std::vector<std::string>{"DROP TABLE IF EXISTS `people__sluice_old`"});
  EXPECT_TRUE(my.ddl_commits());

  // SQLite has no CREATE TABLE ... LIKE: the driver copies the definition itself.
  EXPECT_FALSE(sqlite::dialect().create_like(kStaging, kPeople));
}

TEST(Dialect, DerivedNamesStayWithinTheLimit) {
  const std::string long_name(63, 't');
  const TableRef staging = postgres::dialect().derived_table({"", long_name}, "staging");
  EXPECT_LE(staging.name.size(), 63u);
  EXPECT_NE(staging.name, long_name);
  EXPECT_NE(staging.name.find("__sluice_"), std::string::npos);
}

TEST(Dialect, EmptyingATableInsideATransaction) {
  EXPECT_EQ(postgres::dialect().empty_table(kPeople), "TRUNCATE \"people\"");
  // TRUNCATE would commit in MySQL; SQLite has none.
  EXPECT_EQ(mysql::MysqlDialect(false).empty_table(kPeople), "DELETE FROM `people`");
  EXPECT_EQ(sqlite::dialect().empty_table(kPeople), "DELETE FROM \"people\"");
}

TEST(Dialect, StateStatements) {
  EXPECT_EQ(postgres::dialect().state_upsert(),
            "INSERT INTO \"sluice_state\" (\"pipeline\", \"step\", \"run_id\", \"last_key\", \"rows_committed\", \"completed\", \"updated_at\") "
            "VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (\"pipeline\", \"step\") DO UPDATE SET "
            "\"run_id\" = EXCLUDED.\"run_id\", \"last_key\" = EXCLUDED.\"last_key\", \"rows_committed\" = EXCLUDED.\"rows_committed\", "
            "\"completed\" = EXCLUDED.\"completed\", \"updated_at\" = EXCLUDED.\"updated_at\"");
  EXPECT_EQ(mysql::MysqlDialect(true).state_upsert(),
            "INSERT INTO `sluice_state` (`pipeline`, `step`, `run_id`, `last_key`, `rows_committed`, `completed`, `updated_at`) "
            "VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE `run_id` = VALUES(`run_id`), "
            "`last_key` = VALUES(`last_key`), `rows_committed` = VALUES(`rows_committed`), `completed` = VALUES(`completed`), "
            "`updated_at` = VALUES(`updated_at`)");
  EXPECT_EQ(postgres::dialect().state_select(),
            "SELECT run_id, last_key, rows_committed, completed FROM sluice_state WHERE pipeline = $1 AND step = $2");
  EXPECT_EQ(sqlite::dialect().state_delete(true), "DELETE FROM sluice_state WHERE pipeline = ? AND step = ?");
  EXPECT_EQ(sqlite::dialect().state_delete(false), "DELETE FROM sluice_state WHERE pipeline = ?");
  EXPECT_NE(mysql::MysqlDialect(true).state_table_ddl().find("varchar(190)"), std::string::npos);
}

TEST(Dialect, RunLocks) {
  EXPECT_EQ(*postgres::dialect().try_session_lock(), "SELECT pg_try_advisory_lock(1936487781, hashtext($1))");
  EXPECT_EQ(*mysql::MysqlDialect(true).try_session_lock(), "SELECT GET_LOCK(CONCAT('sluice:', MD5(?)), 0)");
  EXPECT_FALSE(sqlite::dialect().try_session_lock());  // a lock file
  EXPECT_EQ(postgres::dialect().lock_record(),
            "INSERT INTO \"sluice_lock\" (\"pipeline\", \"holder\", \"since\") VALUES ($1, $2, now()) ON CONFLICT (\"pipeline\") DO UPDATE SET "
            "\"holder\" = EXCLUDED.\"holder\", \"since\" = EXCLUDED.\"since\"");
  EXPECT_EQ(mysql::MysqlDialect(true).lock_holder(), "SELECT holder, since FROM sluice_lock WHERE pipeline = ?");
}

TEST(Dialect, CreatedTypesSayWhatReadsBack) {
  // What plan flags as narrowing: MySQL keeps no time zone and no uuid type.
  mysql::MysqlDialect my(false);
  EXPECT_EQ(my.type_sql(TypeInfo::of(TypeId::timestamptz)), "datetime(6)");
  EXPECT_EQ(my.created_type(TypeInfo::of(TypeId::timestamptz)).id, TypeId::timestamp);
  EXPECT_EQ(my.type_sql(TypeInfo::of(TypeId::uuid)), "char(36)");
  EXPECT_EQ(postgres::dialect().created_type(TypeInfo::of(TypeId::uuid)).id, TypeId::uuid);
  EXPECT_EQ(postgres::dialect().type_sql(TypeInfo::of(TypeId::json)), "jsonb");
}

}  // namespace
