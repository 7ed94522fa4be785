// RFC 4180 reading and writing with the empty-vs-NULL convention.
#include <gtest/gtest.h>

#include "drivers/csv/csv_format.h"
#include "sluice/status.h"
#include "support/temp_dir.h"

using namespace sluice;

namespace {
std::vector<Row> read_all(const std::string& content, csv::Dialect d = {}) {
  test::TempDir dir;
  test::write_file(dir.file("t.csv"), content);
  csv::Reader r(dir.file("t.csv"), d);
  std::vector<Row> rows;
  Row row;
  while (r.next(row)) rows.push_back(row);
  return rows;
}
}  // namespace

TEST(CsvFormat, QuotingNewlinesAndNulls) {
  auto rows = read_all("a,b,c\r\n\"x, \"\"y\"\"\",,\"\"\n\"multi\r\nline\",\t tab ,\\N\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0].str(), "x, \"y\"");
  EXPECT_TRUE(rows[1][1].is_null());
  EXPECT_FALSE(rows[1][2].is_null());
  EXPECT_EQ(rows[1][2].str(), "");
  EXPECT_EQ(rows[2][0].str(), "multi\r\nline");
  EXPECT_EQ(rows[2][1].str(), "\t tab ");
  EXPECT_EQ(rows[2][2].str(), "\\N");
}

TEST(CsvFormat, NullMarkerOption) {
  csv::Dialect d;
  d.null_marker = "\\N";
  auto rows = read_all("a,b,c\n\\N,,\"\\N\"\n", d);
  EXPECT_TRUE(rows[1][0].is_null());
  EXPECT_EQ(rows[1][1].str(), "");
  EXPECT_EQ(rows[1][2].str(), "\\N");
}

TEST(CsvFormat, WriteThenReadIsIdentity) {
  Row row(6);
  row[0].set_text("quote \" comma , newline \n cr \r end");
  row[1].set_null();
  row[2].set_text("");
  row[3].set_text("emoji 🎉 中文 back\\slash\ttab");
  row[4].set_int(-42);
  row[5].set_text(" leading space");
  csv::Dialect d;
  std::string out;
  csv::format_header({"a", "b", "c", "d", "e", "f"}, d, out);
  csv::format_record(row, d, out);
  auto rows = read_all(out);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][0].str(), row[0].str());
  EXPECT_TRUE(rows[1][1].is_null());
  EXPECT_EQ(rows[1][2].str(), "");
  EXPECT_FALSE(rows[1][2].is_null());
  EXPECT_EQ(rows[1][3].str(), row[3].str());
  EXPECT_EQ(rows[1][4].str(), "-42");
  EXPECT_EQ(rows[1][5].str(), " leading space");
}

TEST(CsvFormat, ErrorsNameFileAndLine) {
  try {
    read_all("a,b\n1,2\n3,\"open\n");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("t.csv:3: quoted field is not closed"), std::string::npos) << e.what();
  }
  try {
    read_all("a,b\n1,x\"y\n");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("t.csv:2:"), std::string::npos) << e.what();
  }
  // Invalid UTF-8 is passed on as read; on_invalid_text decides what happens to it.
  EXPECT_EQ(read_all("a,b\n1,\xC3\x28\n")[1][1].str(), "\xC3\x28");
}

TEST(CsvFormat, Latin1IsConvertedToUtf8) {
  csv::Dialect d;
  d.encoding = "latin1";
  auto rows = read_all("name\nJ\xFCrgen\n", d);
  EXPECT_EQ(rows[1][0].str(), "Jürgen");
}
