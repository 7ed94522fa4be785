// Name limits, derived names, reserved names and CSV file names (core/identifiers.h),
// and the checks a run makes over what its steps write (core/targets.h).
#include <gtest/gtest.h>

#include "core/identifiers.h"
#include "core/targets.h"
#include "sluice/status.h"

using namespace sluice;

namespace {

std::string repeat(char c, std::size_t n) { return std::string(n, c); }

TEST(Identifiers, PostgresCountsBytesMysqlCharacters) {
  const auto& pg = ident::rule_for("postgres");
  const auto& my = ident::rule_for("mysql");
  EXPECT_TRUE(pg.fits(repeat('a', 63)));
  EXPECT_FALSE(pg.fits(repeat('a', 64)));
  EXPECT_TRUE(my.fits(repeat('a', 64)));
  EXPECT_FALSE(my.fits(repeat('a', 65)));
  std::string e_acute_32;  // 32 characters, 64 bytes
  for (int i = 0; i < 32; ++i) e_acute_32 += "\xC3\xA9";
  EXPECT_FALSE(pg.fits(e_acute_32));
  EXPECT_TRUE(my.fits(e_acute_32));
  EXPECT_TRUE(ident::rule_for("sqlite").fits(repeat('a', 5000)));
}

TEST(Identifiers, CheckNamesTheLimitAndTheTruncatedName) {
  auto e = ident::check(ident::rule_for("postgres"), "table name", repeat('x', 70));
  ASSERT_TRUE(e);
  EXPECT_NE(e->find("70 bytes, over PostgreSQL's limit of 63"), std::string::npos) << *e;
  EXPECT_NE(e->find("'" + repeat('x', 63) + "'"), std::string::npos) << *e;
  EXPECT_FALSE(ident::check(ident::rule_for("postgres"), "table name", repeat('x', 63)));
}

TEST(Identifiers, DerivedNamesFitAndNeverEqualTheBase) {
  const auto& pg = ident::rule_for("postgres");
  for (std::size_t n : {1u, 40u, 47u, 48u, 62u, 63u}) {
    std::string base = repeat('t', n);
    std::string staging = ident::derived(pg, base, "staging");
    EXPECT_TRUE(pg.fits(staging)) << staging;
    EXPECT_NE(staging, base);
    EXPECT_NE(staging.find("__sluice_staging"), std::string::npos);
    EXPECT_TRUE(ident::is_reserved(staging));
  }
  EXPECT_EQ(ident::derived(pg, "orders", "staging"), "orders__sluice_staging");
  // Two long names sharing their first 60 bytes get different staging tables.
  std::string a = repeat('p', 60) + "abc", b = repeat('p', 60) + "abd";
  EXPECT_NE(ident::derived(pg, a, "staging"), ident::derived(pg, b, "staging"));
  EXPECT_NE(ident::derived(pg, a, "staging"), ident::derived(pg, a, "old"));
}

TEST(Identifiers, DerivedNamesDoNotSplitUtf8) {
  const auto& pg = ident::rule_for("postgres");
  std::string base;
  for (int i = 0; i < 31; ++i) base += "\xC3\xA9";  // 62 bytes
  std::string d = ident::derived(pg, base, "staging");
  EXPECT_TRUE(pg.fits(d));
  // Every byte that starts a sequence is followed by its continuation bytes.
  for (std::size_t i = 0; i < d.size(); ++i)
    if (static_cast<unsigned char>(d[i]) == 0xC3) {
      ASSERT_LT(i + 1, d.size());
      EXPECT_EQ(static_cast<unsigned char>(d[i + 1]), 0xA9);
    }
  const auto& my = ident::rule_for("mysql");
  std::string wide;
  for (int i = 0; i < 64; ++i) wide += "\xE2\x82\xAC";  // 64 characters
  EXPECT_TRUE(my.fits(ident::derived(my, wide, "old")));
}

TEST(Identifiers, ReservedNames) {
  EXPECT_TRUE(ident::is_reserved("sluice_state"));
  EXPECT_TRUE(ident::is_reserved("sluice_lock"));
  EXPECT_TRUE(ident::is_reserved("orders__sluice_staging"));
  EXPECT_TRUE(ident::is_reserved("Orders__SLUICE_old"));
  EXPECT_FALSE(ident::is_reserved("sluice_states"));
  EXPECT_FALSE(ident::is_reserved("orders_sluice"));
}

TEST(Identifiers, FileStemsStayInsideTheFolderAndReadBack) {
  for (const std::string& name : std::vector<std::string>{"../escaped", "/abs/path", "..", ".", ".hidden", "a\\b", std::string("nul\0x", 5),
                                 "line\nbreak", "50%", "plain", "naïve name", "semi;colon 'quoted' \"dq\" `bt`"}) {
    std::string stem = ident::file_stem(name);
    EXPECT_EQ(stem.find('/'), std::string::npos) << stem;
    EXPECT_EQ(stem.find('\\'), std::string::npos) << stem;
    EXPECT_EQ(stem.find('\0'), std::string::npos) << stem;
    EXPECT_EQ(stem.find('\n'), std::string::npos) << stem;
    EXPECT_NE(stem.front(), '.') << stem;
    EXPECT_EQ(ident::table_of_stem(stem), name);
  }
  EXPECT_EQ(ident::file_stem("orders"), "orders");
  EXPECT_NE(ident::file_stem("a/b"), ident::file_stem("a%2Fb"));  // the encoding is one to one
}

ConnectionConfig conn(const std::string& driver, const std::string& where) {
  ConnectionConfig c;
  c.name = driver;
  c.driver = driver;
  if (driver == "sqlite" || driver == "csv") c.path = where;
  else { c.host = "127.0.0.1"; c.database = where; }
  return c;
}

TEST(Targets, TwoStepsWritingOneTableAreRefused) {
  auto pg = conn("postgres", "db");
  auto pg2 = conn("postgres", "db");
  pg2.host = "localhost";  // another entry for the same server
  auto src = conn("sqlite", "/tmp/src.db");
  std::vector<targets::UnitTables> units = {{"a", &src, {"", "x"}, &pg, {"", "orders"}},
                                            {"b", &src, {"", "y"}, &pg2, {"public", "orders"}}};
  auto problems = targets::check(units);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].index, 1u);
  EXPECT_NE(problems[0].message.find("step b and step a both write"), std::string::npos) << problems[0].message;
}

TEST(Targets, WritingWhatAnotherStepReadsIsRefused) {
  auto lite = conn("sqlite", "/tmp/one.db");
  auto csv = conn("csv", "/tmp/in");
  std::vector<targets::UnitTables> units = {{"load", &csv, {"", "t"}, &lite, {"", "t"}},
                                            {"reshape", &lite, {"", "T"}, &lite, {"", "u"}}};
  auto problems = targets::check(units);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("step load writes t"), std::string::npos) << problems[0].message;
  EXPECT_NE(problems[0].message.find("step reshape reads"), std::string::npos) << problems[0].message;
  // A step reading and writing one table is refused as well.
  std::vector<targets::UnitTables> self = {{"s", &lite, {"", "t"}, &lite, {"", "t"}}};
  ASSERT_EQ(targets::check(self).size(), 1u);
  EXPECT_NE(targets::check(self)[0].message.find("it also reads"), std::string::npos);
}

TEST(Targets, DistinctTablesAndCaseRules) {
  auto pg = conn("postgres", "db");
  auto lite = conn("sqlite", "/tmp/one.db");
  auto src = conn("csv", "/tmp/in");
  // PostgreSQL keeps quoted case apart; SQLite does not.
  std::vector<targets::UnitTables> pg_units = {{"a", &src, {"", "x"}, &pg, {"", "Foo"}}, {"b", &src, {"", "y"}, &pg, {"", "foo"}}};
  EXPECT_TRUE(targets::check(pg_units).empty());
  std::vector<targets::UnitTables> lite_units = {{"a", &src, {"", "x"}, &lite, {"", "Foo"}}, {"b", &src, {"", "y"}, &lite, {"", "foo"}}};
  ASSERT_EQ(targets::check(lite_units).size(), 1u);
  EXPECT_NE(targets::check(lite_units)[0].message.find("are one name there"), std::string::npos);
  // Other schemas are other tables.
  std::vector<targets::UnitTables> schemas = {{"a", &src, {"", "x"}, &pg, {"a", "t"}}, {"b", &src, {"", "y"}, &pg, {"b", "t"}}};
  EXPECT_TRUE(targets::check(schemas).empty());
}

TEST(Targets, NamesOverTheLimitAndReservedNamesAreRefused) {
  auto pg = conn("postgres", "db");
  auto src = conn("csv", "/tmp/in");
  std::vector<targets::UnitTables> units = {{"long", &src, {"", "x"}, &pg, {"", repeat('n', 64)}},
                                            {"mine", &src, {"", "y"}, &pg, {"", "sluice_state"}},
                                            {"schema", &src, {"", "z"}, &pg, {repeat('s', 64), "t"}}};
  auto problems = targets::check(units);
  ASSERT_EQ(problems.size(), 3u);
  EXPECT_NE(problems[0].message.find("over PostgreSQL's limit of 63"), std::string::npos);
  EXPECT_NE(problems[1].message.find("keeps for its own tables"), std::string::npos);
  EXPECT_NE(problems[2].message.find("schema name"), std::string::npos);
}

TEST(Targets, StateKeysFitMysqlsStateTable) {
  auto my = conn("mysql", "db");
  auto src = conn("csv", "/tmp/in");
  std::vector<targets::UnitTables> ok = {{std::string(178, 's'), &src, {"", "x"}, &my, {"", "t"}}};
  EXPECT_TRUE(targets::check(ok).empty());
  std::vector<targets::UnitTables> long_key = {{std::string(179, 's'), &src, {"", "x"}, &my, {"", "t"}}};
  ASSERT_EQ(targets::check(long_key).size(), 1u);
  EXPECT_NE(targets::check(long_key)[0].message.find("sluice_state keeps at most 178"), std::string::npos);
}

TEST(Targets, ColumnNamesThatWouldBeCutOrMergedAreRefused) {
  EXPECT_NO_THROW(targets::check_table_names("postgres", {"", "t"}, {"a", repeat('c', 63)}));
  try {
    targets::check_table_names("postgres", {"", "t"}, {"a", repeat('c', 64)});
    FAIL() << "a 64-byte column name was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::config);
    EXPECT_NE(std::string(e.what()).find("column name"), std::string::npos);
  }
  EXPECT_THROW(targets::check_table_names("mysql", {"", "t"}, {"Id", "id"}), Error);
  EXPECT_NO_THROW(targets::check_table_names("postgres", {"", "t"}, {"Id", "id"}));
}

}  // namespace
