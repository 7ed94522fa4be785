// COPY binary encodings (drivers/postgres/pg_binary.h) as bytes: PostgreSQL's recv
// formats, checked value by value; the real server reads them in the integration tests.
#include <gtest/gtest.h>

#include "drivers/postgres/pg_binary.h"
#include "sluice/status.h"

using namespace sluice;
using namespace sluice::postgres;

namespace {

std::string hex(const std::string& bytes) { return convert::hex_encode(bytes); }

std::string field(const Value& v, BinaryType t) {
  std::string out;
  append_binary_field(v, t, out);
  return hex(out);
}

Value decimal(const char* text) {
  Value v;
  v.set_decimal(text);
  return v;
}

}  // namespace

TEST(PgBinary, NumericIsBase10000Digits) {
  // length, ndigits, weight, sign, dscale, digits
  EXPECT_EQ(field(decimal("1234.5678"), BinaryType::numeric), "0000000c" "0002" "0000" "0000" "0004" "04d2" "162e");
  EXPECT_EQ(field(decimal("-0.00012"), BinaryType::numeric), "0000000c" "0002" "ffff" "4000" "0005" "0001" "07d0");
  EXPECT_EQ(field(decimal("100000000"), BinaryType::numeric), "0000000a" "0001" "0002" "0000" "0000" "0001");
  EXPECT_EQ(field(decimal("0"), BinaryType::numeric), "00000008" "0000" "0000" "0000" "0000");
  EXPECT_EQ(field(decimal("0.50"), BinaryType::numeric), "0000000a" "0001" "ffff" "0000" "0002" "1388");
  EXPECT_EQ(field(decimal("12345"), BinaryType::numeric), "0000000c" "0002" "0001" "0000" "0000" "0001" "0929");
}

TEST(PgBinary, IntegersFloatsAndTheirRanges) {
  Value v;
  v.set_int(-2);
  EXPECT_EQ(field(v, BinaryType::int2), "00000002" "fffe");
  EXPECT_EQ(field(v, BinaryType::int4), "00000004" "fffffffe");
  EXPECT_EQ(field(v, BinaryType::int8), "00000008" "fffffffffffffffe");
  v.set_int(40000);
  try {
    field(v, BinaryType::int2);
    FAIL() << "40000 written into a smallint";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::data);
    EXPECT_EQ(e.sqlstate(), "22003");
  }
  v.set_uint(9223372036854775808ull);
  EXPECT_THROW(field(v, BinaryType::int8), Error);
  v.set_double(1.5);
  EXPECT_EQ(field(v, BinaryType::float8), "00000008" "3ff8000000000000");
  EXPECT_EQ(field(v, BinaryType::float4), "00000004" "3fc00000");
  v.set_double(1e300);
  EXPECT_THROW(field(v, BinaryType::float4), Error);
  v.set_bool(true);
  EXPECT_EQ(field(v, BinaryType::boolean), "00000001" "01");
  v.set_null();
  EXPECT_EQ(field(v, BinaryType::int4), "ffffffff");
}

TEST(PgBinary, TimesFromTwoThousandAndText) {
  Value v;
  v.set_timestamp(946684800000000LL);  // 2000-01-01 00:00:00
  EXPECT_EQ(field(v, BinaryType::timestamp), "00000008" "0000000000000000");
  v.set_date(0);  // 1970-01-01
  EXPECT_EQ(field(v, BinaryType::date), "00000004" "ffffd533");
  v.set_time(1);
  EXPECT_EQ(field(v, BinaryType::time), "00000008" "0000000000000001");
  v.set_string(Value::Kind::uuid, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  EXPECT_EQ(field(v, BinaryType::uuid), "00000010" "a0eebc999c0b4ef8bb6d6bb9bd380a11");
  v.set_string(Value::Kind::json, "{}");
  EXPECT_EQ(field(v, BinaryType::jsonb), "00000003" "01" "7b7d");
  EXPECT_EQ(field(v, BinaryType::json), "00000002" "7b7d");
  v.set_text(std::string("a\0b", 3));
  EXPECT_THROW(field(v, BinaryType::text), Error);
  std::string header;
  append_binary_header(header);
  EXPECT_EQ(hex(header), "5047434f50590aff0d0a00" "00000000" "00000000");
}

TEST(PgBinary, ColumnTypesWithoutAnEncodingKeepTextCopy) {
  TypeInfo t = TypeInfo::of(TypeId::text);
  t.native = "citext";
  EXPECT_EQ(binary_type(t), BinaryType::none);
  t.native = "integer[]";
  EXPECT_EQ(binary_type(t), BinaryType::none);
  t.native = "time with time zone";
  EXPECT_EQ(binary_type(t), BinaryType::none);
  t.native = "timestamp(6) with time zone";
  EXPECT_EQ(binary_type(t), BinaryType::timestamp);
  t.native = "time(6) without time zone";
  EXPECT_EQ(binary_type(t), BinaryType::time);
  t.native = "character varying(20)";
  EXPECT_EQ(binary_type(t), BinaryType::text);
  t.native = "numeric(38,10)";
  EXPECT_EQ(binary_type(t), BinaryType::numeric);
}
