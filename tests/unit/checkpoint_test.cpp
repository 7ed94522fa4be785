#include <gtest/gtest.h>

#include "sluice/sink.h"

using namespace sluice;

TEST(Checkpoint, KeysRoundTripWithStableNames) {
  std::vector<Value> key(6);
  key[0].set_int(-42);
  key[1].set_text("a \"quoted\" key, with ünïcode");
  key[2].set_timestamp(*convert::parse_timestamp("2024-01-02 03:04:05.000006", false));
  key[3].set_bytes(std::string("\0\xff", 2));
  key[4].set_uint(18446744073709551615ull);
  key[5].set_decimal("-12.50");
  std::string text = encode_key(key);
  EXPECT_NE(text.find("[\"int\",\"-42\"]"), std::string::npos) << text;
  EXPECT_NE(text.find("[\"timestamp\",\"2024-01-02 03:04:05.000006\"]"), std::string::npos) << text;
  auto back = decode_key(text);
  ASSERT_EQ(back.size(), key.size());
  for (std::size_t i = 0; i < key.size(); ++i) EXPECT_TRUE(back[i] == key[i]) << i;
  EXPECT_TRUE(decode_key("").empty());
}
