#pragma once
// The type round-trip tables of the connector tests: every column type of MySQL and of
// PostgreSQL with its extreme values, NULLs and awkward text, and column-by-column
// comparisons of two copies.
#include <cstdio>
#include <memory>
#include <string>

#include "support/mysql_client.h"
#include "support/pg_client.h"

namespace sluice::test {

inline const char* kMysqlTypeColumns[] = {"b", "i8", "u8", "i16", "u16", "i24", "u24", "i32", "u32", "i64", "u64", "dec", "f4", "f8",
                          "c", "vc", "t", "bin", "vbin", "bl", "d", "tm", "dt", "ts", "j", "u", "e"};

inline void create_mysql_types(MyClient& my) {
  my.exec("DROP TABLE IF EXISTS types, types_pg, types_lite, zero_dates");
  my.exec(R"(CREATE TABLE types (
      id int PRIMARY KEY, b tinyint(1), i8 tinyint, u8 tinyint unsigned, i16 smallint, u16 smallint unsigned,
      i24 mediumint, u24 mediumint unsigned, i32 int, u32 int unsigned, i64 bigint, u64 bigint unsigned,
      `dec` decimal(38,10), f4 float, f8 double, c char(5), vc varchar(20), t text,
      `bin` binary(4), vbin varbinary(300), bl blob, d date, tm time(6), dt datetime(6), ts timestamp(6) NULL,
      j json, u uuid, e enum('small','medium','large')) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)");
  my.exec(R"(INSERT INTO types VALUES
      (1, 0, -128, 0, -32768, 0, -8388608, 0, -2147483648, 0, -9223372036854775808, 0,
       -9999999999999999999999999999.9999999999, 0.1, -1.25e10, 'ab', 'short', '', x'00010203', NULL, NULL,
       '1000-01-01', '00:00:00', '1000-01-01 00:00:00', '1970-01-01 00:00:01', '{"a":[1,2.5,null]}',
       'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'small'),
      (2, 1, 127, 255, 32767, 65535, 8388607, 16777215, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,
       9999999999999999999999999999.9999999999, -3.75, 1.7976931348623157e308, 'abcde', 'ÄÖÜ äöü 20 chars....', NULL,
       x'ffffffff', x'', x'00ff',
       '9999-12-31', '23:59:59.999999', '9999-12-31 23:59:59.999999', '2038-01-19 03:14:07.999999', '[]',
       '00000000-0000-0000-0000-000000000000', 'large'),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))");
  // Every byte value, and text with everything that needs escaping somewhere.
  std::string hex;
  for (int i = 0; i < 256; ++i) { char b[3]; std::snprintf(b, 3, "%02x", i); hex += b; }
  my.exec("UPDATE types SET vbin = x'" + hex + "', bl = x'" + hex + "' WHERE id = 1");
  std::unique_ptr<::sql::PreparedStatement> ps(my.conn->prepareStatement("UPDATE types SET t = ? WHERE id = 1"));
  ps->setString(1, "quotes ' \" tab\t nl\n cr\r back\\slash emoji 🎉 中文 日本語");
  ps->executeUpdate();
}

// Counts rows whose column differs between two MySQL tables (null-safe, JSON by content).
inline std::string mysql_differences(MyClient& my, const std::string& a, const std::string& b, const std::string& col) {
  std::string cmp = col == "j" ? "(x.j IS NULL AND y.j IS NULL) OR JSON_EQUALS(x.j, y.j)" : "x.`" + col + "` <=> y.`" + col + "`";
  return my.scalar("SELECT COUNT(*) FROM " + a + " x JOIN " + b + " y USING (id) WHERE NOT (" + cmp + ")");
}


// rt.types in PostgreSQL (schema rt, enum rt_mood).
inline void create_pg_types(PgClient& pg) {
  pg.exec("DROP SCHEMA IF EXISTS rt CASCADE");
  pg.exec("CREATE SCHEMA rt");
  pg.exec("DROP TYPE IF EXISTS rt_mood");
  pg.exec("CREATE TYPE rt_mood AS ENUM ('sad', 'ok', 'happy')");
  pg.exec(R"(CREATE TABLE rt.types (
      id integer PRIMARY KEY, b boolean, i16 smallint, i32 integer, i64 bigint, dec numeric(38,10),
      f4 real, f8 double precision, vc varchar(20), t text, bin bytea, d date, tm time(6),
      ts timestamp(6), tstz timestamptz, j jsonb, u uuid, mood rt_mood))");
  pg.exec(R"(INSERT INTO rt.types VALUES
      (1, true, -32768, -2147483648, -9223372036854775808, -9999999999999999999999999999.9999999999,
       0.5, -1.25e10, 'short', E'quotes '' " tab\t nl\n cr\r back\\slash emoji 🎉 中文', NULL,
       '1000-01-01', '00:00:00', '1000-01-01 00:00:00', '1000-01-01 00:00:00+00', '{"a": [1, 2.5, null]}',
       'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'sad'),
      (2, false, 32767, 2147483647, 9223372036854775807, 9999999999999999999999999999.9999999999,
       -3.75, 1.7976931348623157e308, 'ÄÖÜ äöü 20 chars....', '', NULL,
       '9999-12-31', '23:59:59.999999', '9999-12-31 23:59:59.999999', '2024-06-01 12:34:56.123456+02', '[]',
       '00000000-0000-0000-0000-000000000000', 'happy'),
      (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL))");
  pg.exec("UPDATE rt.types SET bin = (SELECT string_agg(set_byte('\\x00'::bytea, 0, g), ''::bytea ORDER BY g) FROM generate_series(0, 255) g) WHERE id = 1");
  pg.exec("UPDATE rt.types SET bin = '\\x'::bytea WHERE id = 2");

}

inline const char* kPgTypeColumns[] = {"b", "i16", "i32", "i64", "dec", "f4", "f8", "vc", "t", "bin", "d", "tm", "ts", "tstz", "j", "u", "mood"};

// "" when column `col` holds the same text form in both tables (joined by id), else the first difference.
inline std::string pg_differences(PgClient& pg, const std::string& a, const std::string& b, const std::string& col) {
  const std::string differ = " FROM " + a + " a JOIN " + b + " b USING (id) WHERE a." + col + "::text IS DISTINCT FROM b." + col + "::text";
  if (pg.scalar("SELECT count(*)" + differ) == "0") return "";
  return pg.scalar("SELECT a." + col + "::text || ' vs ' || COALESCE(b." + col + "::text, 'NULL')" + differ + " LIMIT 1");
}

}  // namespace sluice::test
