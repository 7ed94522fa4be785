#include "core/time_zone.h"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include "sluice/status.h"
#include "sluice/value.h"

namespace sluice {

struct TimeZone::Rules {
  absl::TimeZone zone;
};

namespace {

constexpr std::int64_t kMicros = 1000000;

bool utc_name(const std::string& name) { return name == "UTC" || name == "utc" || name == "Etc/UTC" || name == "Z"; }

std::string wall_text(std::int64_t micros) {
  std::string out;
  convert::format_timestamp(micros, out);
  return out;
}

// Whole seconds (rounded down, also before 1970) and the microseconds past them.
std::int64_t floor_seconds(std::int64_t micros) { return micros / kMicros - (micros % kMicros < 0 ? 1 : 0); }

// An IANA name ("America/Argentina/Buenos_Aires", "Etc/GMT+5"): abseil opens an absolute
// path or "file:..." as a zone file, and a pipeline file must not make sluice read
// /dev/stdin or any other file as one.
bool iana_shaped(const std::string& name) {
  if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string::npos) return false;
  return name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/") == std::string::npos;
}

}  // namespace

std::string TimeZone::check(const std::string& name) {
  absl::TimeZone zone;
  if (utc_name(name) || (iana_shaped(name) && absl::LoadTimeZone(name, &zone))) return {};
  return unknown("'" + name + "'");
}

std::string TimeZone::unknown(const std::string& shown) {
  return "unknown time zone " + shown + " (expected an IANA name such as Europe/Amsterdam or America/New_York, or UTC)";
}

TimeZone TimeZone::named(const std::string& name) {
  TimeZone z;
  if (utc_name(name)) return z;
  auto rules = std::make_shared<Rules>();
  if (!iana_shaped(name) || !absl::LoadTimeZone(name, &rules->zone)) throw Error(ErrorClass::config, check(name));
  // A zone that is UTC under another name converts as the identity, and compares equal.
  if (rules->zone.name() == "UTC" || rules->zone.name() == "Etc/UTC") return z;
  z.rules_ = std::move(rules);
  z.name_ = name;
  return z;
}

std::int64_t TimeZone::to_instant(std::int64_t wall_micros) const {
  if (!rules_) return wall_micros;
  const std::int64_t seconds = floor_seconds(wall_micros);
  const std::int64_t days = seconds / 86400 - (seconds % 86400 < 0 ? 1 : 0);
  const std::int64_t in_day = seconds - days * 86400;
  // Fields already in range: absl's normalisation of "1970-01-01 + days" was 40% of a
  // conversion (callgrind).
  std::int64_t year;
  unsigned month, day;
  convert::civil_from_days(days, year, month, day);
  const absl::CivilSecond wall(year, month, day, in_day / 3600, in_day / 60 % 60, in_day % 60);
  const auto info = rules_->zone.At(wall);
  if (info.kind == absl::TimeZone::TimeInfo::SKIPPED)
    throw Error(ErrorClass::data, "the date-time " + wall_text(wall_micros) + " does not exist in time zone " + name_ +
                                      " (the clocks skipped it)");
  // REPEATED: `pre` is the instant under the offset before the change, the earlier one.
  return absl::ToUnixSeconds(info.pre) * kMicros + (wall_micros - seconds * kMicros);
}

std::int64_t TimeZone::to_wall_clock(std::int64_t instant_micros) const {
  if (!rules_) return instant_micros;
  const std::int64_t seconds = floor_seconds(instant_micros);
  const absl::CivilSecond wall = absl::ToCivilSecond(absl::FromUnixSeconds(seconds), rules_->zone);
  const std::int64_t wall_seconds = (wall - absl::CivilSecond(1970, 1, 1, 0, 0, 0));
  return wall_seconds * kMicros + (instant_micros - seconds * kMicros);
}

ZoneCrossing zone_crossing(TypeId from_type, TypeId to_type, const TimeZone& from, const TimeZone& to_zone) {
  using K = ZoneCrossing::Kind;
  const bool naive_in = from_type == TypeId::timestamp || from_type == TypeId::date || from_type == TypeId::text ||
                        from_type == TypeId::varchar || from_type == TypeId::char_;
  ZoneCrossing c{K::none, &from, &to_zone};
  if (to_type == TypeId::timestamptz && naive_in && !from.is_utc()) c.kind = K::naive_to_instant;
  if (to_type == TypeId::timestamp && from_type == TypeId::timestamptz && !to_zone.is_utc()) c.kind = K::instant_to_naive;
  if (to_type == TypeId::timestamp && naive_in && !(from == to_zone)) c.kind = K::naive_to_naive;
  return c;
}

std::string describe(const ZoneCrossing& c) {
  switch (c.kind) {
    case ZoneCrossing::Kind::none: return {};
    case ZoneCrossing::Kind::naive_to_instant: return "wall clock in " + c.from->name() + " -> instant";
    case ZoneCrossing::Kind::instant_to_naive: return "instant -> wall clock in " + c.to_zone->name();
    case ZoneCrossing::Kind::naive_to_naive: return "wall clock in " + c.from->name() + " -> wall clock in " + c.to_zone->name();
  }
  return {};
}

CopyZones copy_zones(const std::string& source, const std::string& target) {
  const TimeZone from = source.empty() ? TimeZone{} : TimeZone::named(source);
  if (target.empty()) return {from, from};
  return {from, TimeZone::named(target)};
}

void cross_zones(const ZoneCrossing& c, Value& v) {
  using K = ZoneCrossing::Kind;
  switch (c.kind) {
    case K::none: return;
    case K::naive_to_instant:
      if (v.kind() == Value::Kind::timestamp) v.set_timestamptz(c.from->to_instant(v.as_temporal()));
      else if (v.kind() == Value::Kind::date) v.set_timestamptz(c.from->to_instant(v.as_temporal() * 86400000000LL));
      // Text without an offset is a wall clock; with one, an instant already. Anything
      // else stays text, for the sink to refuse by name.
      else if (v.kind() == Value::Kind::text) {
        if (auto naive = convert::parse_timestamp(v.str(), false)) v.set_timestamptz(c.from->to_instant(*naive));
        else if (auto instant = convert::parse_timestamp(v.str(), true)) v.set_timestamptz(*instant);
      }
      return;
    case K::instant_to_naive:
      if (v.kind() == Value::Kind::timestamptz) v.set_timestamp(c.to_zone->to_wall_clock(v.as_temporal()));
      return;
    case K::naive_to_naive:
      if (v.kind() == Value::Kind::timestamp) v.set_timestamp(c.to_zone->to_wall_clock(c.from->to_instant(v.as_temporal())));
      else if (v.kind() == Value::Kind::date) v.set_timestamp(c.to_zone->to_wall_clock(c.from->to_instant(v.as_temporal() * 86400000000LL)));
      else if (v.kind() == Value::Kind::text)  // CSV text: a wall clock when it has no offset
        if (auto naive = convert::parse_timestamp(v.str(), false)) v.set_timestamp(c.to_zone->to_wall_clock(c.from->to_instant(*naive)));
      return;
  }
}

}  // namespace sluice
