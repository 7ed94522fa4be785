// verify's canonical text and range arithmetic (runtime/row_digest.h): what the SQL
// dialects spell on their servers must be exactly this.
#include <gtest/gtest.h>

#include "drivers/mysql/mysql_dialect.h"
#include "drivers/postgres/pg_dialect.h"
#include "runtime/row_digest.h"
#include "transforms/hash.h"

using namespace sluice;

namespace {

std::string canonical(const Value& v, TypeId id) {
  std::string out;
  runtime::append_canonical(v, TypeInfo::of(id), out);
  return out;
}

Value text(const char* s) { Value v; v.set_text(s); return v; }

}  // namespace

TEST(RowDigest, CanonicalTextPerType) {
  Value null;
  EXPECT_EQ(canonical(null, TypeId::text), "N");
  EXPECT_EQ(canonical(null, TypeId::int64), "N,");
  EXPECT_EQ(canonical(text(""), TypeId::varchar), "0:");
  EXPECT_EQ(canonical(text("a,b\n"), TypeId::text), "4:a,b\n");
  EXPECT_EQ(canonical(text("ab   "), TypeId::char_), "5:ab   ");  // as read: padded where the database pads
  EXPECT_EQ(canonical(text("\xc3\xa9"), TypeId::text), "2:\xc3\xa9");  // bytes, not characters
  Value v;
  v.set_bool(true);
  EXPECT_EQ(canonical(v, TypeId::boolean), "1,");
  v.set_int(INT64_MIN);
  EXPECT_EQ(canonical(v, TypeId::int64), "-9223372036854775808,");
  v.set_decimal("-12.500000");
  EXPECT_EQ(canonical(v, TypeId::decimal), "-12.5,");
  v.set_decimal("0.000");
  EXPECT_EQ(canonical(v, TypeId::decimal), "0,");
  v.set_decimal("100");
  EXPECT_EQ(canonical(v, TypeId::decimal), "100,");  // integral zeros stay
  v.set_bytes(std::string("\x00\xff", 2));
  EXPECT_EQ(canonical(v, TypeId::bytes), "00ff,");
  v.set_date(-1);
  EXPECT_EQ(canonical(v, TypeId::date), "1969-12-31,");
  v.set_time(3600000000LL);
  EXPECT_EQ(canonical(v, TypeId::time), "01:00:00.000000,");
  v.set_timestamp(1);
  EXPECT_EQ(canonical(v, TypeId::timestamp), "1970-01-01 00:00:00.000001,");
  v.set_timestamptz(-1000000);
  EXPECT_EQ(canonical(v, TypeId::timestamptz), "1969-12-31 23:59:59.000000,");
  v.set_string(Value::Kind::uuid, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11");
  EXPECT_EQ(canonical(v, TypeId::uuid), "36:a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");  // as a char(36) would be
  EXPECT_FALSE(has_digest_text(TypeInfo::of(TypeId::float64)));
  EXPECT_FALSE(has_digest_text(TypeInfo::of(TypeId::json)));
}

TEST(RowDigest, RowHashIsTheFirstSixtyBitsOfTheMd5) {
  RangeDigest d;
  runtime::add_row("1,", d);
  runtime::add_row("2,", d);
  auto first60 = [](const std::string& s) { return static_cast<__int128>(std::stoll(transforms::md5_hex(s).substr(0, 15), nullptr, 16)); };
  EXPECT_EQ(d.rows, 2);
  EXPECT_TRUE(d.sum == first60("1,") + first60("2,"));
}

TEST(RowDigest, RangesAreFloorDivisionsAndNonIntegersGoToTheNullRange) {
  Value k;
  k.set_int(10);
  EXPECT_EQ(runtime::range_of(k, 10, 5), 0);
  k.set_int(14);
  EXPECT_EQ(runtime::range_of(k, 10, 5), 0);
  k.set_int(15);
  EXPECT_EQ(runtime::range_of(k, 10, 5), 1);
  k.set_int(9);  // below the base (a key only one side has): its own range, not range 0
  EXPECT_EQ(runtime::range_of(k, 10, 5), -1);
  k.set_int(INT64_MAX);
  EXPECT_EQ(runtime::range_of(k, INT64_MIN, INT64_MAX), 2);
  EXPECT_EQ(runtime::range_of(Value(), 0, 1), kNullRange);
  EXPECT_EQ(runtime::range_of(text("7"), 0, 1), kNullRange);
}

TEST(RowDigest, ServerSumsParseExactly) {
  EXPECT_TRUE(parse_digest_sum("") == __int128{0});
  EXPECT_TRUE(parse_digest_sum("5764607523034234879000") == static_cast<__int128>(5764607523034234879LL) * 1000);
  EXPECT_TRUE(parse_digest_sum("12.000") == __int128{12});  // MySQL's DECIMAL sum
  EXPECT_FALSE(parse_digest_sum("12.5"));
  EXPECT_FALSE(parse_digest_sum("1e5"));
}

TEST(RowDigest, DialectsSpellTheCanonicalTextOrDecline) {
  const postgres::PgDialect pg;
  const mysql::MysqlDialect my(true);
  EXPECT_EQ(*pg.canonical_text("\"d\"", TypeInfo::of(TypeId::decimal)), "COALESCE(trim_scale(\"d\")::text || ',', 'N,')");
  EXPECT_EQ(*my.canonical_text("`t`", TypeInfo::of(TypeId::text)),
            "COALESCE(CONCAT(LENGTH(CONVERT(`t` USING utf8mb4)), ':', CONVERT(`t` USING utf8mb4)), 'N')");
  EXPECT_FALSE(pg.canonical_text("\"f\"", TypeInfo::of(TypeId::float64)));
  TypeInfo bits = TypeInfo::of(TypeId::bytes);
  bits.native = "bit(5)";
  EXPECT_FALSE(my.canonical_text("`b`", bits));  // read as its bits, not spelled on the server
  EXPECT_EQ(*pg.row_hash({"a", "b"}), "('x' || substr(md5(a || b), 1, 15))::bit(60)::bigint");
  EXPECT_EQ(my.integer_division("`id` - 1", "20"), "(`id` - 1) DIV 20");
}
