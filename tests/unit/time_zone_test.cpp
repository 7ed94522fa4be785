#include "core/time_zone.h"

#include <gtest/gtest.h>

#include "sluice/status.h"

using namespace sluice;

namespace {
std::int64_t at(const char* text) {
  auto v = convert::parse_timestamp(text, false);
  EXPECT_TRUE(v) << text;
  return v.value_or(0);
}
std::string text(std::int64_t micros) {
  std::string out;
  convert::format_timestamp(micros, out);
  return out;
}
}  // namespace

TEST(TimeZone, WallClocksBecomeInstantsAndBack) {
  const TimeZone ams = TimeZone::named("Europe/Amsterdam");
  EXPECT_FALSE(ams.is_utc());
  EXPECT_EQ(text(ams.to_instant(at("2024-07-01 12:00:00.123456"))), "2024-07-01 10:00:00.123456");  // CEST, +2
  EXPECT_EQ(text(ams.to_instant(at("2024-01-15 12:00:00"))), "2024-01-15 11:00:00");                // CET, +1
  EXPECT_EQ(text(ams.to_wall_clock(at("2024-07-01 10:00:00"))), "2024-07-01 12:00:00");
  EXPECT_EQ(text(TimeZone::named("America/New_York").to_wall_clock(at("2024-07-01 10:00:00"))), "2024-07-01 06:00:00");
  // Before 1970 and far ahead, by the zone's rules then.
  EXPECT_EQ(text(ams.to_instant(at("1960-07-01 12:00:00"))), "1960-07-01 11:00:00");
  EXPECT_EQ(text(ams.to_instant(at("2100-07-01 12:00:00"))), "2100-07-01 10:00:00");
}

TEST(TimeZone, ASkippedWallClockIsAnErrorAndARepeatedOneTheEarlierInstant) {
  const TimeZone ams = TimeZone::named("Europe/Amsterdam");
  try {
    (void)ams.to_instant(at("2024-03-31 02:30:00"));
    FAIL() << "a wall clock the clocks skipped";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::data);
    EXPECT_STREQ(e.what(), "the date-time 2024-03-31 02:30:00 does not exist in time zone Europe/Amsterdam (the clocks skipped it)");
  }
  // 02:30 on 27 October 2024 happened twice: first in summer time (+2).
  EXPECT_EQ(text(ams.to_instant(at("2024-10-27 02:30:00"))), "2024-10-27 00:30:00");
}

TEST(TimeZone, NamesAreCheckedAndUtcIsTheIdentity) {
  EXPECT_EQ(TimeZone::check("Europe/Amsterdam"), "");
  EXPECT_EQ(TimeZone::check("UTC"), "");
  EXPECT_NE(TimeZone::check("Mars/Olympus_Mons").find("unknown time zone 'Mars/Olympus_Mons'"), std::string::npos);
  EXPECT_THROW(TimeZone::named("Mars/Olympus_Mons"), Error);
  // Only names: never a file the pipeline points at.
  for (const char* path : {"/usr/share/zoneinfo/Europe/Amsterdam", "file:/usr/share/zoneinfo/UTC", "../zoneinfo/Europe/Amsterdam", "/dev/stdin"})
    EXPECT_NE(TimeZone::check(path), "") << path;
  EXPECT_EQ(TimeZone::check("America/Argentina/Buenos_Aires"), "");
  EXPECT_EQ(TimeZone::check("Etc/GMT+5"), "");
  EXPECT_TRUE(TimeZone::named("UTC").is_utc());
  EXPECT_TRUE(TimeZone::named("Etc/UTC").is_utc());
  EXPECT_TRUE(TimeZone::named("UTC") == TimeZone{});
  EXPECT_EQ(TimeZone{}.to_instant(42), 42);
}

TEST(TimeZone, CrossingsFollowTheColumnTypes) {
  using K = ZoneCrossing::Kind;
  const TimeZone ams = TimeZone::named("Europe/Amsterdam"), ny = TimeZone::named("America/New_York"), utc;
  EXPECT_EQ(zone_crossing(TypeId::timestamp, TypeId::timestamptz, ams, ams).kind, K::naive_to_instant);
  EXPECT_EQ(zone_crossing(TypeId::timestamp, TypeId::timestamptz, utc, ams).kind, K::none);  // a UTC wall clock is the instant
  EXPECT_EQ(zone_crossing(TypeId::timestamptz, TypeId::timestamp, ams, ny).kind, K::instant_to_naive);
  EXPECT_EQ(zone_crossing(TypeId::timestamp, TypeId::timestamp, ams, ams).kind, K::none);  // naive stays naive
  EXPECT_EQ(zone_crossing(TypeId::timestamp, TypeId::timestamp, ams, ny).kind, K::naive_to_naive);
  EXPECT_EQ(zone_crossing(TypeId::int64, TypeId::timestamptz, ams, ams).kind, K::none);

  Value v;
  v.set_timestamp(at("2024-07-01 12:00:00"));
  cross_zones(zone_crossing(TypeId::timestamp, TypeId::timestamp, ams, ny), v);
  EXPECT_EQ(v.kind(), Value::Kind::timestamp);
  EXPECT_EQ(text(v.as_temporal()), "2024-07-01 06:00:00");
  v.set_text("2024-07-01 12:00:00");
  cross_zones(zone_crossing(TypeId::text, TypeId::timestamptz, ams, ams), v);
  EXPECT_EQ(v.kind(), Value::Kind::timestamptz);
  EXPECT_EQ(text(v.as_temporal()), "2024-07-01 10:00:00");
  v.set_text("2024-07-01 12:00:00+05");  // an instant already
  cross_zones(zone_crossing(TypeId::text, TypeId::timestamptz, ams, ams), v);
  EXPECT_EQ(text(v.as_temporal()), "2024-07-01 07:00:00");
  v.set_text("2024-07-01 12:00:00");  // CSV text into a naive column of another zone
  cross_zones(zone_crossing(TypeId::text, TypeId::timestamp, ams, ny), v);
  EXPECT_EQ(v.kind(), Value::Kind::timestamp);
  EXPECT_EQ(text(v.as_temporal()), "2024-07-01 06:00:00");
  v.set_text("not a time");  // left for the sink to refuse by name
  cross_zones(zone_crossing(TypeId::text, TypeId::timestamp, ams, ny), v);
  EXPECT_EQ(v.kind(), Value::Kind::text);
  v.set_null();
  cross_zones(zone_crossing(TypeId::timestamp, TypeId::timestamptz, ams, ams), v);
  EXPECT_TRUE(v.is_null());
}
