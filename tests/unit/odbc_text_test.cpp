// UTF-8 <-> UTF-16 for the ODBC driver's W entry points (drivers/odbc/odbc_api.h):
// every character, surrogate pairs included, survives both ways; what no UTF-8 can
// say (a lone surrogate from a driver) becomes U+FFFD rather than invalid text.
#include <gtest/gtest.h>

#include "drivers/odbc/odbc_api.h"
#include "sluice/value.h"

using namespace sluice;

TEST(OdbcText, EveryCharacterRoundTrips) {
  const std::string text = "plain ASCII, ÄÖÜ äöü, 中文, emoji 🎉 𝄞, NUL-free \t\n\r '\"\\ end";
  const odbc::WString wide = odbc::widen(text);
  EXPECT_EQ(odbc::narrow(wide), text);
  // 🎉 is one code point and two UTF-16 units.
  EXPECT_EQ(odbc::widen("🎉").size(), 2u);
  EXPECT_EQ(odbc::widen("🎉")[0], 0xd83c);
  EXPECT_EQ(odbc::widen("é").size(), 1u);
  EXPECT_EQ(odbc::narrow(odbc::WString()), "");
}

TEST(OdbcText, LoneSurrogatesBecomeReplacementCharacters) {
  const SQLWCHAR lone[] = {'a', 0xd800, 'b', 0xdc00};
  const std::string out = odbc::narrow(lone, 4);
  EXPECT_EQ(out, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  EXPECT_TRUE(convert::valid_utf8(out));
}
