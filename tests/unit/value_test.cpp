// Exact value conversion: decimals, temporal values, integers, UTF-8.
#include <gtest/gtest.h>

#include <limits>

#include "sluice/status.h"
#include "sluice/value.h"

using namespace sluice;
using namespace sluice::convert;

TEST(Value, DatesRoundTripAcrossTheRange) {
  for (const char* s : {"1000-01-01", "9999-12-31", "1970-01-01", "2000-02-29", "1969-12-31", "0001-01-01"}) {
    auto d = parse_date(s);
    ASSERT_TRUE(d) << s;
    std::string out;
    format_date(*d, out);
    EXPECT_EQ(out, s);
  }
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2023-13-01"));
  EXPECT_FALSE(parse_date("0000-00-00"));
  EXPECT_FALSE(parse_date("2023-1-01"));
}

TEST(Value, TimestampsKeepMicroseconds) {
  auto t = parse_timestamp("2024-06-04 23:59:59.999999", false);
  ASSERT_TRUE(t);
  std::string out;
  format_timestamp(*t, out);
  EXPECT_EQ(out, "2024-06-04 23:59:59.999999");
  out.clear();
  format_timestamp(*parse_timestamp("1000-01-01T00:00:00.5", false), out);
  EXPECT_EQ(out, "1000-01-01 00:00:00.500000");
  EXPECT_FALSE(parse_timestamp("2024-01-01 00:00:00.1234567", false)) << "nanoseconds would be rounded";
  EXPECT_TRUE(parse_timestamp("2024-01-01 00:00:00.1234560", false));
}

TEST(Value, ZonedTimestampsConvertThroughUtc) {
  auto a = parse_timestamp("2024-01-01 02:00:00+02", true);
  auto b = parse_timestamp("2024-01-01 00:00:00Z", true);
  auto c = parse_timestamp("2023-12-31 19:30:00-04:30", true);
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(*b, *c);
  EXPECT_FALSE(parse_timestamp("2024-01-01 00:00:00+02", false)) << "a naive timestamp takes no zone";
}

TEST(Value, DecimalsAreCanonicalAndNeverRounded) {
  EXPECT_EQ(*canonical_decimal("+001.50"), "1.50");
  EXPECT_EQ(*canonical_decimal("-0.000"), "0.000");
  EXPECT_EQ(*canonical_decimal(".5"), "0.5");
  EXPECT_EQ(*canonical_decimal("99999999999999999999999999999.9999999999"), "99999999999999999999999999999.9999999999");
  EXPECT_FALSE(canonical_decimal("1e5"));
  EXPECT_FALSE(canonical_decimal("abc"));
  EXPECT_TRUE(decimal_fits("12345678.99", 10, 2));
  EXPECT_FALSE(decimal_fits("123456789.99", 10, 2));
  EXPECT_FALSE(decimal_fits("1.999", 10, 2));
  EXPECT_TRUE(decimal_fits("1.990", 10, 2));
}

TEST(Value, CoerceIntegersChecksRange) {
  Value in, out;
  in.set_text("32767");
  coerce(in, TypeInfo::of(TypeId::int16), out);
  EXPECT_EQ(out.as_int(), 32767);
  in.set_text("32768");
  EXPECT_THROW(coerce(in, TypeInfo::of(TypeId::int16), out), Error);
  in.set_text("18446744073709551615");
  TypeInfo u64 = TypeInfo::of(TypeId::int64);
  u64.is_unsigned = true;
  coerce(in, u64, out);
  EXPECT_EQ(out.kind(), Value::Kind::uint64);
  EXPECT_EQ(out.as_uint(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_THROW(coerce(in, TypeInfo::of(TypeId::int64), out), Error);
  in.set_text("-9223372036854775808");
  coerce(in, TypeInfo::of(TypeId::int64), out);
  EXPECT_EQ(out.as_int(), std::numeric_limits<std::int64_t>::min());
  in.set_text("12.5");
  EXPECT_THROW(coerce(in, TypeInfo::of(TypeId::int64), out), Error);
  in.set_text("12.000");
  coerce(in, TypeInfo::of(TypeId::int64), out);
  EXPECT_EQ(out.as_int(), 12);
}

TEST(Value, CoerceDoublesToDecimalsWithoutExponents) {
  Value in, out;
  TypeInfo dec = TypeInfo::of(TypeId::decimal);
  dec.precision = 28;
  dec.scale = 6;
  in.set_double(300000.0);  // shortest text is "3e+05"
  coerce(in, dec, out);
  EXPECT_EQ(out.str(), "300000");
  in.set_double(1.5e-5);
  coerce(in, dec, out);
  EXPECT_EQ(out.str(), "0.000015");
  in.set_double(0.1);
  coerce(in, dec, out);
  EXPECT_EQ(out.str(), "0.1");
  in.set_double(1e-7);  // more digits than the scale: refused, never rounded
  EXPECT_THROW(coerce(in, dec, out), Error);
  in.set_double(std::numeric_limits<double>::infinity());
  EXPECT_THROW(coerce(in, dec, out), Error);
}

TEST(Value, CoerceTextLengthAndJsonAndUuid) {
  Value in, out;
  TypeInfo v3 = TypeInfo::of(TypeId::varchar);
  v3.length = 3;
  in.set_text("日本語");
  coerce(in, v3, out);  // three characters, nine bytes
  EXPECT_EQ(out.str(), "日本語");
  in.set_text("abcd");
  EXPECT_THROW(coerce(in, v3, out), Error);
  in.set_text("{\"a\": [1, 2.50]}");
  coerce(in, TypeInfo::of(TypeId::json), out);
  EXPECT_EQ(out.kind(), Value::Kind::json);
  EXPECT_EQ(out.str(), "{\"a\": [1, 2.50]}");
  in.set_text("{bad json");
  EXPECT_THROW(coerce(in, TypeInfo::of(TypeId::json), out), Error);
  in.set_text("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11");
  coerce(in, TypeInfo::of(TypeId::uuid), out);
  EXPECT_EQ(out.str(), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
}

TEST(Value, DoublesUseShortestRoundTrip) {
  std::string s;
  format_double(0.1, s);
  EXPECT_EQ(s, "0.1");
  s.clear();
  format_double(1.7976931348623157e308, s);
  EXPECT_EQ(*parse_double(s), 1.7976931348623157e308);
}

TEST(Value, Utf8Validation) {
  EXPECT_TRUE(valid_utf8("plain ascii"));
  EXPECT_TRUE(valid_utf8("emoji 🎉 and CJK 中文"));
  EXPECT_FALSE(valid_utf8("\xC3\x28"));
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));  // surrogate
  // Bad and good sequences at every offset around the eight-byte ASCII steps.
  for (std::size_t at = 0; at < 20; ++at) {
    std::string bad(at, 'a'), good(at, 'a');
    bad += "\xC3\x28" + std::string(at % 9, 'b');
    good += "\xC3\xA9" + std::string(at % 9, 'b') + "\xF0\x9F\x8E\x89";
    EXPECT_FALSE(valid_utf8(bad)) << at;
    EXPECT_TRUE(valid_utf8(good)) << at;
    EXPECT_FALSE(valid_utf8(good.substr(0, good.size() - 1))) << "cut inside the last sequence, " << at;
  }
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));      // overlong
}

TEST(Value, TypeNames) {
  EXPECT_EQ(describe(*parse_type_name("decimal(14,2)")), "decimal(14,2)");
  EXPECT_EQ(parse_type_name("BIGINT")->id, TypeId::int64);
  EXPECT_EQ(parse_type_name("varchar(20)")->length, 20);
  EXPECT_FALSE(parse_type_name("decimal(2,5)"));
  EXPECT_FALSE(parse_type_name("bigint(5)"));
}

#include "runtime/verify.h"

TEST(Verify, CanonicalComparisonAcrossDialects) {
  using sluice::runtime::same_value;
  Value a, b;
  a.set_decimal("1.50");
  b.set_decimal("1.5");
  EXPECT_TRUE(same_value(a, b, std::nullopt));
  b.set_int(2);
  EXPECT_FALSE(same_value(a, b, std::nullopt));
  a.set_bool(true);
  b.set_int(1);
  EXPECT_TRUE(same_value(a, b, std::nullopt)) << "tinyint(1) against boolean";
  a.set_timestamptz(1000);
  b.set_timestamp(1000);
  EXPECT_TRUE(same_value(a, b, std::nullopt)) << "UTC instant stored as a naive datetime";
  a.set_string(Value::Kind::json, "{\"a\": [1, 2]}");
  b.set_string(Value::Kind::json, "{\"a\":[1,2]}");
  EXPECT_TRUE(same_value(a, b, std::nullopt));
  a.set_double(0.1);
  b.set_double(0.1000001);
  EXPECT_FALSE(same_value(a, b, std::nullopt));
  EXPECT_TRUE(same_value(a, b, 1e-3));
  a.set_text("x");
  b.set_null();
  EXPECT_FALSE(same_value(a, b, std::nullopt));
  a.set_null();
  EXPECT_TRUE(same_value(a, b, std::nullopt));
  a.set_text("");
  EXPECT_FALSE(same_value(a, b, std::nullopt)) << "empty string is not NULL";
}
