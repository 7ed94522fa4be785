// Transforms on batches: no database involved.
#include <gtest/gtest.h>

#include "sluice/status.h"
#include "sluice/transform.h"
#include "support/temp_dir.h"
#include "transforms/hash.h"

using namespace sluice;

namespace {

Schema customers() {
  Schema s;
  s.columns = {{"id", TypeInfo::of(TypeId::int64), false, {}, false},
               {"email", TypeInfo::of(TypeId::text), true, {}, false},
               {"country", TypeInfo::of(TypeId::text), true, {}, false},
               {"quantity", TypeInfo::of(TypeId::int32), true, {}, false},
               {"unit_price", *parse_type_name("decimal(10,2)"), true, {}, false}};
  s.primary_key = {"id"};
  return s;
}

Batch rows() {
  Batch b(10);
  auto add = [&](std::int64_t id, const char* email, const char* country, std::int64_t q, const char* price) {
    Row& r = b.append_row(5);
    r[0].set_int(id);
    if (email) r[1].set_text(email); else r[1].set_null();
    if (country) r[2].set_text(country); else r[2].set_null();
    r[3].set_int(q);
    r[4].set_decimal(price);
  };
  add(1, "ada@example.org", "GB", 3, "2.50");
  add(2, nullptr, "XX", 1, "10.00");
  add(3, "grace@navy.mil", nullptr, 7, "0.10");
  return b;
}

TransformConfig cfg(TransformConfig::Kind k) {
  TransformConfig c{};
  c.kind = k;
  c.location = {"p.yaml", 5, 9};
  return c;
}

}  // namespace

TEST(Transforms, FilterKeepsRowsWhereTheExpressionIsTrue) {
  auto c = cfg(TransformConfig::Kind::filter);
  c.expression = "country ~= 'XX'";
  auto t = make_transform(c);
  t->bind(customers());
  Batch b = rows();
  t->apply(b);
  ASSERT_EQ(b.size(), 2u);  // NULL country is nil, and nil ~= 'XX'
  EXPECT_EQ(b[0][0].as_int(), 1);
  EXPECT_EQ(b[1][0].as_int(), 3);
}

TEST(Transforms, DeriveWithAndWithoutType) {
  auto c = cfg(TransformConfig::Kind::derive);
  c.pairs = {{"email_domain", "email and email:match('@(.+)$')"}, {"total", "quantity * unit_price"}};
  c.derive_types = {{"total", "decimal(14,2)"}};
  auto t = make_transform(c);
  Schema out = t->bind(customers());
  ASSERT_EQ(out.columns.size(), 7u);
  EXPECT_EQ(out.columns[5].name, "email_domain");
  EXPECT_EQ(out.columns[5].type.id, TypeId::text);
  EXPECT_EQ(describe(out.columns[6].type), "decimal(14,2)");
  Batch b = rows();
  t->apply(b);
  EXPECT_EQ(b[0][5].str(), "example.org");
  EXPECT_TRUE(b[1][5].is_null());
  EXPECT_EQ(b[0][6].str(), "7.50");
  EXPECT_EQ(b[2][6].str(), "0.70");
}

TEST(Transforms, DeriveErrorNamesTheRow) {
  auto c = cfg(TransformConfig::Kind::derive);
  c.pairs = {{"bad", "email:upper()"}};
  auto t = make_transform(c);
  t->bind(customers());
  Batch b = rows();
  try {
    t->apply(b);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("p.yaml:5:9"), std::string::npos) << e.what();
  }
}

TEST(Transforms, BadExpressionIsAConfigError) {
  auto c = cfg(TransformConfig::Kind::filter);
  c.expression = "country ~= ";
  auto t = make_transform(c);
  try {
    t->bind(customers());
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::config);
    EXPECT_NE(std::string(e.what()).find("does not compile"), std::string::npos) << e.what();
  }
}

TEST(Transforms, MaskMethods) {
  auto c = cfg(TransformConfig::Kind::mask);
  c.pairs = {{"email", "sha256"}, {"country", "redact"}};
  c.salt = "pepper";
  auto t = make_transform(c);
  Schema out = t->bind(customers());
  Batch b = rows();
  t->apply(b);
  EXPECT_EQ(b[0][1].str(), transforms::sha256_hex("pepperada@example.org"));
  EXPECT_TRUE(b[1][1].is_null());
  EXPECT_EQ(b[0][2].str(), "***");

  auto f = cfg(TransformConfig::Kind::mask);
  f.pairs = {{"email", "fake_email"}, {"country", "fake_name"}};
  auto t2 = make_transform(f);
  t2->bind(customers());
  Batch b1 = rows(), b2 = rows();
  t2->apply(b1);
  t2->apply(b2);
  EXPECT_EQ(b1[0][1].str(), b2[0][1].str()) << "deterministic per value";
  EXPECT_NE(b1[0][1].str(), b1[2][1].str());
  EXPECT_NE(b1[0][1].str().find("@example.com"), std::string::npos);
}

TEST(Transforms, LuaFileCanChangeAndDropRows) {
  test::TempDir dir;
  test::write_file(dir.file("t.lua"),
                   "function transform(row)\n"
                   "  if row.country == 'XX' then return nil end\n"
                   "  row.email = row.email and row.email:upper()\n"
                   "  row.quantity = row.quantity * 10\n"
                   "  return row\n"
                   "end\n");
  auto c = cfg(TransformConfig::Kind::lua);
  c.path = dir.file("t.lua");
  auto t = make_transform(c);
  t->bind(customers());
  Batch b = rows();
  t->apply(b);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0][1].str(), "ADA@EXAMPLE.ORG");
  EXPECT_EQ(b[0][3].as_int(), 30);
  EXPECT_EQ(b[1][0].as_int(), 3);
}
