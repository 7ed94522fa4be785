// The SQL Server and Oracle dialects, and the ANSI fallback, as the statements they
// write: no such server runs in this project's CI, so these texts are what is proven
// here (README: exercised against real servers only outside CI).
#include <gtest/gtest.h>

#include "drivers/odbc/odbc_conn.h"
#include "drivers/odbc/odbc_dialects.h"
#include "drivers/odbc/oracle_dialect.h"
#include "drivers/odbc/sqlserver_dialect.h"
#include "sluice/status.h"

using namespace sluice;
using sluice::odbc::OracleDialect;
using sluice::odbc::SqlServerDialect;

namespace {

TypeInfo typed(TypeId id, int length = 0, int precision = 0, int scale = 0, bool is_unsigned = false) {
  TypeInfo t = TypeInfo::of(id);
  t.length = length;
  t.precision = precision;
  t.scale = scale;
  t.is_unsigned = is_unsigned;
  return t;
}

Column column(const std::string& name, TypeInfo t, bool nullable = true) { return Column{name, std::move(t), nullable, {}, false}; }

Schema orders() {
  Schema s;
  Column id = column("id", typed(TypeId::int64), false);
  id.identity = true;
  s.columns.push_back(id);
  Column placed = column("placed_at", typed(TypeId::timestamp, 0, 0, 6), false);
  placed.default_value = {ColumnDefault::Kind::current_timestamp, ""};
  s.columns.push_back(placed);
  Column status = column("status", typed(TypeId::varchar, 12));
  status.default_value = {ColumnDefault::Kind::literal, "new"};
  s.columns.push_back(status);
  s.columns.push_back(column("total", typed(TypeId::decimal, 0, 12, 2)));
  s.primary_key = {"id"};
  return s;
}

const TableRef kOrders{"sales", "orders"};

}  // namespace

TEST(SqlServerDialect, EveryLogicalTypeHasAType) {
  SqlServerDialect d;
  EXPECT_EQ(d.type_sql(typed(TypeId::boolean)), "BIT");
  EXPECT_EQ(d.type_sql(typed(TypeId::int8)), "SMALLINT");  // TINYINT is unsigned there
  EXPECT_EQ(d.type_sql(typed(TypeId::int8, 0, 0, 0, true)), "TINYINT");
  EXPECT_EQ(d.type_sql(typed(TypeId::int16)), "SMALLINT");
  EXPECT_EQ(d.type_sql(typed(TypeId::int32)), "INT");
  EXPECT_EQ(d.type_sql(typed(TypeId::int32, 0, 0, 0, true)), "BIGINT");
  EXPECT_EQ(d.type_sql(typed(TypeId::int64)), "BIGINT");
  EXPECT_EQ(d.type_sql(typed(TypeId::int64, 0, 0, 0, true)), "DECIMAL(20,0)");
  EXPECT_EQ(d.type_sql(typed(TypeId::decimal, 0, 38, 10)), "DECIMAL(38,10)");
  EXPECT_EQ(d.type_sql(typed(TypeId::decimal)), "DECIMAL(38,10)");
  EXPECT_EQ(d.type_sql(typed(TypeId::float32)), "REAL");
  EXPECT_EQ(d.type_sql(typed(TypeId::float64)), "FLOAT");
  EXPECT_EQ(d.type_sql(typed(TypeId::char_, 5)), "NCHAR(5)");
  EXPECT_EQ(d.type_sql(typed(TypeId::varchar, 4000)), "NVARCHAR(4000)");
  EXPECT_EQ(d.type_sql(typed(TypeId::varchar, 4001)), "NVARCHAR(MAX)");
  EXPECT_EQ(d.type_sql(typed(TypeId::text)), "NVARCHAR(MAX)");
  EXPECT_EQ(d.type_sql(typed(TypeId::json)), "NVARCHAR(MAX)");
  EXPECT_EQ(d.type_sql(typed(TypeId::enum_)), "NVARCHAR(255)");
  EXPECT_EQ(d.type_sql(typed(TypeId::bytes, 16)), "VARBINARY(16)");
  EXPECT_EQ(d.type_sql(typed(TypeId::bytes)), "VARBINARY(MAX)");
  EXPECT_EQ(d.type_sql(typed(TypeId::date)), "DATE");
  EXPECT_EQ(d.type_sql(typed(TypeId::time)), "TIME(6)");
  EXPECT_EQ(d.type_sql(typed(TypeId::timestamp)), "DATETIME2(6)");
  EXPECT_EQ(d.type_sql(typed(TypeId::timestamptz)), "DATETIMEOFFSET(6)");
  EXPECT_EQ(d.type_sql(typed(TypeId::uuid)), "UNIQUEIDENTIFIER");
  // What each reads back as, for plan's lossy flags.
  EXPECT_EQ(d.created_type(typed(TypeId::text)).id, TypeId::text);
  EXPECT_EQ(d.created_type(typed(TypeId::varchar, 20)).length, 20);
  EXPECT_EQ(d.created_type(typed(TypeId::timestamptz)).id, TypeId::timestamptz);
  EXPECT_EQ(d.created_type(typed(TypeId::json)).id, TypeId::text);
  EXPECT_EQ(d.created_type(typed(TypeId::uuid)).id, TypeId::uuid);
}

TEST(SqlServerDialect, TablesIdentityIndexesAndForeignKeys) {
  SqlServerDialect d;
  CheckDef positive{"orders_total_check", {{true, "total"}, {false, ">="}, {false, "0"}}};
  TableObjects objects;
  objects.checks.push_back(positive);
  EXPECT_EQ(d.create_table(kOrders, orders(), {}, objects),
            "CREATE TABLE [sales].[orders] ([id] BIGINT NOT NULL IDENTITY(1,1), [placed_at] DATETIME2(6) NOT NULL DEFAULT SYSDATETIME(), "
            "[status] NVARCHAR(12) DEFAULT N'new', [total] DECIMAL(12,2), PRIMARY KEY ([id]), "
            "CONSTRAINT [orders_total_check] CHECK ([total] >= 0))");
  EXPECT_EQ(d.create_index(kOrders, {"orders_status_idx", {"status", "placed_at"}, false}, orders()),
            "CREATE INDEX [orders_status_idx] ON [sales].[orders] ([status], [placed_at])");
  ForeignKeyDef fk;
  fk.name = "orders_customer_fkey";
  fk.columns = {"customer_id"};
  fk.references = {"sales", "customers"};
  fk.referenced_columns = {"id"};
  fk.on_delete = "CASCADE";
  EXPECT_EQ(d.add_foreign_key(kOrders, fk),
            "ALTER TABLE [sales].[orders] ADD CONSTRAINT [orders_customer_fkey] FOREIGN KEY ([customer_id]) REFERENCES "
            "[sales].[customers] ([id]) ON DELETE CASCADE");
  // Explicit keys into an IDENTITY column; no sequence to move afterwards.
  EXPECT_EQ(*d.identity_insert(kOrders), "SET IDENTITY_INSERT [sales].[orders] ON");
  EXPECT_FALSE(d.sequence_reset(kOrders, "id"));
  EXPECT_EQ(d.create_schema_if_missing("sales"), "IF SCHEMA_ID(N'sales') IS NULL EXEC(N'CREATE SCHEMA [sales]')");
}

TEST(SqlServerDialect, MergeUpsertReplaceSwapStateAndLock) {
  SqlServerDialect d;
  EXPECT_EQ(d.upsert(kOrders, {"id", "status"}, {"id"}, {"?", "?"}),
            "MERGE INTO [sales].[orders] WITH (HOLDLOCK) AS sluice_t USING (SELECT ? AS [id], ? AS [status]) AS sluice_s "
            "ON (sluice_t.[id] = sluice_s.[id]) WHEN MATCHED THEN UPDATE SET sluice_t.[status] = sluice_s.[status] "
            "WHEN NOT MATCHED THEN INSERT ([id], [status]) VALUES (sluice_s.[id], sluice_s.[status]);");
  // Keys only: nothing to update, only missing rows are inserted.
  EXPECT_EQ(d.upsert(kOrders, {"id"}, {"id"}, {"?"}),
            "MERGE INTO [sales].[orders] WITH (HOLDLOCK) AS sluice_t USING (SELECT ? AS [id]) AS sluice_s ON (sluice_t.[id] = sluice_s.[id]) "
            "WHEN NOT MATCHED THEN INSERT ([id]) VALUES (sluice_s.[id]);");
  const TableRef staging = d.derived_table(kOrders, "staging");
  EXPECT_EQ(staging.name, "orders__sluice_staging");
  EXPECT_EQ(d.swap_staging(kOrders, staging),
            (std::vector<std::string>{"DROP TABLE IF EXISTS [sales].[orders]", "EXEC sp_rename N'[sales].[orders__sluice_staging]', N'orders'"}));
  EXPECT_FALSE(d.ddl_commits());  // the swap commits with the last rows
  EXPECT_EQ(d.state_upsert().rfind("MERGE INTO [sluice_state] WITH (HOLDLOCK) AS sluice_t USING (SELECT ? AS [pipeline], ? AS [step], ", 0), 0u)
      << d.state_upsert();
  EXPECT_NE(d.state_upsert().find("SYSUTCDATETIME() AS [updated_at]"), std::string::npos) << d.state_upsert();
  EXPECT_EQ(d.state_table_ddl().rfind("IF OBJECT_ID(N'sluice_state', N'U') IS NULL CREATE TABLE sluice_state (", 0), 0u);
  EXPECT_NE(d.try_session_lock()->find("sp_getapplock @Resource = @n, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0"),
            std::string::npos);
  EXPECT_EQ(d.lock_kind(), "sp_getapplock");
  EXPECT_EQ(d.table_exists(), "SELECT 1 WHERE OBJECT_ID(?, N'U') IS NOT NULL");
}

TEST(SqlServerDialect, KeyedPagesOfTheExtract) {
  SqlServerDialect d;
  ExtractRequest req;
  req.table = {"dbo", "orders"};
  req.order_by = {"region", "id"};
  req.resume_after.resize(2);
  req.resume_after[0].set_text("EU");
  req.resume_after[1].set_int(41);
  auto sel = sql::keyed_select(req, d.select_spelling(), {"region", "id", "total"});
  EXPECT_EQ(sel.sql + d.limit_clause(50000),
            "SELECT [region], [id], [total] FROM [dbo].[orders] WHERE (([region] > ?) OR ([region] = ? AND [id] > ?)) "
            "ORDER BY [region], [id] OFFSET 0 ROWS FETCH NEXT 50000 ROWS ONLY");
  ASSERT_EQ(sel.params.size(), 3u);
  EXPECT_EQ(sel.params[2]->as_int(), 41);
}

TEST(SqlServerDialect, HostileNamesAndTheLengthLimit) {
  SqlServerDialect d;
  EXPECT_EQ(d.quote("a]b"), "[a]]b]");
  EXPECT_EQ(d.quote("x'; DROP TABLE t; --"), "[x'; DROP TABLE t; --]");
  EXPECT_EQ(d.quote("名前"), "[名前]");
  // A name's quote in a string literal (sp_rename's argument) is doubled there too.
  EXPECT_EQ(d.swap_staging({"", "o'b"}, {"", "o'b__sluice_staging"})[1], "EXEC sp_rename N'[o''b__sluice_staging]', N'o''b'");
  EXPECT_TRUE(d.names().fits(std::string(128, 'x')));
  EXPECT_FALSE(d.names().fits(std::string(129, 'x')));
  EXPECT_TRUE(d.names().fits(std::string(128 / 2, 'x') + std::string(64, 'y')));
  EXPECT_EQ(d.names().key("Orders"), d.names().key("orders"));  // case-insensitive collations
  EXPECT_LE(d.derived_table({"", std::string(128, 'o')}, "staging").name.size(), 128u);
}

TEST(OracleDialect, EveryLogicalTypeHasAType) {
  OracleDialect d;
  EXPECT_EQ(d.type_sql(typed(TypeId::boolean)), "NUMBER(1)");
  EXPECT_EQ(d.type_sql(typed(TypeId::int16)), "NUMBER(5)");
  EXPECT_EQ(d.type_sql(typed(TypeId::int32)), "NUMBER(10)");
  EXPECT_EQ(d.type_sql(typed(TypeId::int64)), "NUMBER(19)");
  EXPECT_EQ(d.type_sql(typed(TypeId::int64, 0, 0, 0, true)), "NUMBER(20)");
  EXPECT_EQ(d.type_sql(typed(TypeId::decimal, 0, 38, 10)), "NUMBER(38,10)");
  EXPECT_EQ(d.type_sql(typed(TypeId::decimal)), "NUMBER");
  EXPECT_EQ(d.type_sql(typed(TypeId::float32)), "BINARY_FLOAT");
  EXPECT_EQ(d.type_sql(typed(TypeId::float64)), "BINARY_DOUBLE");
  EXPECT_EQ(d.type_sql(typed(TypeId::char_, 5)), "CHAR(5 CHAR)");
  EXPECT_EQ(d.type_sql(typed(TypeId::varchar, 200)), "VARCHAR2(200 CHAR)");
  EXPECT_EQ(d.type_sql(typed(TypeId::varchar, 5000)), "CLOB");
  EXPECT_EQ(d.type_sql(typed(TypeId::text)), "CLOB");
  EXPECT_EQ(d.type_sql(typed(TypeId::json)), "CLOB");
  EXPECT_EQ(d.type_sql(typed(TypeId::bytes, 16)), "RAW(16)");
  EXPECT_EQ(d.type_sql(typed(TypeId::bytes)), "BLOB");
  EXPECT_EQ(d.type_sql(typed(TypeId::date)), "DATE");
  EXPECT_EQ(d.type_sql(typed(TypeId::time)), "INTERVAL DAY(0) TO SECOND(6)");
  EXPECT_EQ(d.type_sql(typed(TypeId::timestamp)), "TIMESTAMP(6)");
  EXPECT_EQ(d.type_sql(typed(TypeId::timestamptz)), "TIMESTAMP(6) WITH TIME ZONE");
  EXPECT_EQ(d.type_sql(typed(TypeId::uuid)), "VARCHAR2(36 CHAR)");
  // An Oracle DATE carries a time of day; NUMBER(p) reads back as an integer.
  EXPECT_EQ(d.created_type(typed(TypeId::date)).id, TypeId::timestamp);
  EXPECT_EQ(d.created_type(typed(TypeId::int16)).id, TypeId::int32);  // NUMBER(5) holds more than a smallint
  EXPECT_EQ(d.created_type(typed(TypeId::int64)).id, TypeId::decimal);  // NUMBER(19) holds more than a bigint
  EXPECT_EQ(d.created_type(typed(TypeId::boolean)).id, TypeId::int8);
  EXPECT_EQ(d.created_type(typed(TypeId::decimal, 0, 12, 2)).precision, 12);
}

TEST(OracleDialect, TablesIdentityIndexesAndForeignKeys) {
  OracleDialect d;
  EXPECT_EQ(d.create_table(kOrders, orders(), {}),
            "CREATE TABLE \"SALES\".\"ORDERS\" (\"ID\" NUMBER(19) NOT NULL GENERATED BY DEFAULT ON NULL AS IDENTITY, "
            "\"PLACED_AT\" TIMESTAMP(6) NOT NULL DEFAULT LOCALTIMESTAMP, \"STATUS\" VARCHAR2(12 CHAR) DEFAULT 'new', "
            "\"TOTAL\" NUMBER(12,2), PRIMARY KEY (\"ID\"))");
  // The identity continues after the largest key loaded.
  EXPECT_EQ(*d.sequence_reset(kOrders, "id"),
            "ALTER TABLE \"SALES\".\"ORDERS\" MODIFY (\"ID\" GENERATED BY DEFAULT ON NULL AS IDENTITY (START WITH LIMIT VALUE))");
  EXPECT_EQ(d.create_index(kOrders, {"orders_status_idx", {"status"}, true}, orders()),
            "CREATE UNIQUE INDEX \"ORDERS_STATUS_IDX\" ON \"SALES\".\"ORDERS\" (\"STATUS\")");
  ForeignKeyDef fk;
  fk.name = "orders_customer_fkey";
  fk.columns = {"customer_id"};
  fk.references = {"", "customers"};
  fk.referenced_columns = {"id"};
  fk.on_delete = "SET NULL";
  EXPECT_EQ(d.add_foreign_key(kOrders, fk),
            "ALTER TABLE \"SALES\".\"ORDERS\" ADD CONSTRAINT \"ORDERS_CUSTOMER_FKEY\" FOREIGN KEY (\"CUSTOMER_ID\") REFERENCES "
            "\"CUSTOMERS\" (\"ID\") ON DELETE SET NULL");
  EXPECT_EQ(d.drop_table_if_exists({"", "t"}),
            "BEGIN EXECUTE IMMEDIATE 'DROP TABLE \"T\" PURGE'; EXCEPTION WHEN OTHERS THEN IF SQLCODE != -942 THEN RAISE; END IF; END;");
}

TEST(OracleDialect, MergeUpsertReplaceSwapStateAndLock) {
  OracleDialect d;
  EXPECT_EQ(d.upsert(kOrders, {"id", "status"}, {"id"}, {"?", "?"}),
            "MERGE INTO \"SALES\".\"ORDERS\" sluice_t USING (SELECT ? AS \"ID\", ? AS \"STATUS\" FROM dual) sluice_s "
            "ON (sluice_t.\"ID\" = sluice_s.\"ID\") WHEN MATCHED THEN UPDATE SET sluice_t.\"STATUS\" = sluice_s.\"STATUS\" "
            "WHEN NOT MATCHED THEN INSERT (\"ID\", \"STATUS\") VALUES (sluice_s.\"ID\", sluice_s.\"STATUS\")");
  // DDL commits in Oracle: rows first, then the renames, then the completion mark.
  EXPECT_TRUE(d.ddl_commits());
  const auto swap = d.swap_staging(kOrders, d.derived_table(kOrders, "staging"));
  ASSERT_EQ(swap.size(), 3u);
  EXPECT_EQ(swap[1], "ALTER TABLE \"SALES\".\"ORDERS\" RENAME TO \"ORDERS__SLUICE_OLD\"");
  EXPECT_EQ(swap[2], "ALTER TABLE \"SALES\".\"ORDERS__SLUICE_STAGING\" RENAME TO \"ORDERS\"");
  EXPECT_NE(d.state_table_ddl().find("CREATE TABLE sluice_state ("), std::string::npos);
  EXPECT_NE(d.state_table_ddl().find("SQLCODE != -955"), std::string::npos);  // already there: fine
  EXPECT_NE(d.state_upsert().find("SYS_EXTRACT_UTC(SYSTIMESTAMP) AS \"UPDATED_AT\" FROM dual"), std::string::npos) << d.state_upsert();
  EXPECT_NE(d.try_session_lock()->find("DBMS_LOCK.REQUEST(ORA_HASH('sluice:' || p, 1073741822) + 1, DBMS_LOCK.X_MODE, 0, FALSE)"),
            std::string::npos);
  EXPECT_EQ(d.lock_kind(), "DBMS_LOCK");
  // The extract SELECT: no AS before a table alias, MOD() for shards.
  ExtractRequest req;
  req.query = "SELECT * FROM t";
  req.order_by = {"id"};
  req.shard_column = "id";
  req.shard_count = 4;
  req.shard_index = 1;
  EXPECT_EQ(sql::keyed_select(req, d.select_spelling(), {"id", "Name"}).sql,
            "SELECT \"ID\", \"Name\" FROM (SELECT * FROM t) sluice_q WHERE (MOD(MOD(\"ID\", 4) + 4, 4) = 1) ORDER BY \"ID\"");
}

TEST(OracleDialect, CaseRuleHostileNamesAndTheLengthLimit) {
  OracleDialect d;
  // Plain lower-case names are what unquoted names in the application mean; others keep their spelling.
  EXPECT_EQ(d.quote("customers"), "\"CUSTOMERS\"");
  EXPECT_EQ(d.quote("Customers"), "\"Customers\"");
  EXPECT_EQ(d.quote("order items"), "\"order items\"");
  EXPECT_EQ(d.quote("x'; DROP TABLE t; --"), "\"x'; DROP TABLE t; --\"");
  // No Oracle name can hold a double quote: refused, never mangled.
  try {
    d.quote("a\"b");
    FAIL() << "a name with a double quote was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::config);
  }
  EXPECT_TRUE(d.names().fits(std::string(128, 'x')));
  EXPECT_FALSE(d.names().fits(std::string(129, 'x')));
  EXPECT_FALSE(d.names().fits(std::string(127, 'x') + "é"));  // 128 characters, 129 bytes: Oracle counts bytes
  EXPECT_LE(d.derived_table({"", std::string(128, 'o')}, "staging").name.size(), 128u);
}

TEST(AnsiDialect, StandardMergeAndTypes) {
  odbc::AnsiDialect d;
  EXPECT_EQ(d.upsert({"", "t"}, {"id", "v"}, {"id"}, {"?", "?"}),
            "MERGE INTO \"t\" AS sluice_t USING (VALUES (?, ?)) AS sluice_s (\"id\", \"v\") ON (sluice_t.\"id\" = sluice_s.\"id\") "
            "WHEN MATCHED THEN UPDATE SET \"v\" = sluice_s.\"v\" WHEN NOT MATCHED THEN INSERT (\"id\", \"v\") VALUES (sluice_s.\"id\", sluice_s.\"v\")");
  EXPECT_EQ(d.type_sql(typed(TypeId::timestamptz)), "TIMESTAMP(6) WITH TIME ZONE");
  EXPECT_EQ(d.type_sql(typed(TypeId::decimal, 0, 10, 2)), "DECIMAL(10,2)");
}

TEST(OdbcDialects, ChosenFromTheServersNameOrTheDialectKey) {
  using odbc::Dbms;
  EXPECT_EQ(odbc::dbms_from("", "Microsoft SQL Server"), Dbms::sqlserver);
  EXPECT_EQ(odbc::dbms_from("", "Oracle"), Dbms::oracle);
  EXPECT_EQ(odbc::dbms_from("", "PostgreSQL"), Dbms::postgres);
  EXPECT_EQ(odbc::dbms_from("", "MariaDB"), Dbms::mariadb);
  EXPECT_EQ(odbc::dbms_from("", "MySQL"), Dbms::mysql);
  EXPECT_EQ(odbc::dbms_from("", "SQLite"), Dbms::sqlite);
  EXPECT_EQ(odbc::dbms_from("", "DB2/LINUXX8664"), Dbms::other);
  EXPECT_EQ(odbc::dbms_from("sqlserver", "Adaptive Server Enterprise"), Dbms::sqlserver);
  EXPECT_EQ(odbc::make_dialect(Dbms::postgres)->placeholder(3), "?");  // psqlODBC numbers markers itself
  EXPECT_EQ(odbc::make_dialect(Dbms::mariadb)->quote("x"), "`x`");
  EXPECT_EQ(odbc::make_dialect(Dbms::other)->names().dialect, "ANSI SQL");
}

TEST(OdbcErrors, SqlstatesBecomeSluicesClasses) {
  using odbc::classify;
  EXPECT_EQ(classify("08S01", 0), ErrorClass::transient);   // communication link failure
  EXPECT_EQ(classify("08001", 0), ErrorClass::transient);
  EXPECT_EQ(classify("40001", 0), ErrorClass::transient);   // serialization failure
  EXPECT_EQ(classify("40P01", 0), ErrorClass::transient);   // PostgreSQL deadlock
  EXPECT_EQ(classify("HY000", 1213), ErrorClass::transient);  // MySQL deadlock
  EXPECT_EQ(classify("40001", 1213), ErrorClass::transient);
  EXPECT_EQ(classify("HYT00", 0), ErrorClass::transient);   // timeouts
  EXPECT_EQ(classify("HYT01", 0), ErrorClass::transient);
  EXPECT_EQ(classify("23505", 0), ErrorClass::data);        // constraints
  EXPECT_EQ(classify("23000", 1062), ErrorClass::data);
  EXPECT_EQ(classify("22003", 0), ErrorClass::data);        // out of range
  EXPECT_EQ(classify("HY000", 1366), ErrorClass::data);     // MySQL incorrect value
  EXPECT_EQ(classify("42S02", 0), ErrorClass::config);      // no such table
  EXPECT_EQ(classify("IM002", 0), ErrorClass::config);      // no such DSN
  EXPECT_EQ(classify("28000", 0), ErrorClass::connect);
  EXPECT_EQ(classify("HY000", 7), ErrorClass::internal);
}
