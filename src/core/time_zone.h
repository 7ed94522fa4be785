#pragma once
// What a connection's `timezone:` means: its naive date-times (timestamp, datetime
// without a zone) are wall-clock times in that IANA zone. Everything that turns a wall
// clock into an instant or back goes through here; the zone rules are the operating
// system's tz database (Debian's tzdata, read by libdate-tz).
//
// A wall-clock time that does not exist in the zone (skipped by a daylight-saving jump
// forward) is a data error naming it: no value is moved to a nearby hour. One that
// exists twice (the hour repeated when clocks go back) is read as the earlier of the
// two, as PostgreSQL reads it. Past the last transition a zone file lists (2037 in
// Debian's), its POSIX rule goes on (abseil's cctz reads it; libdate-tz 3.0.1 does not,
// and would put every summer after 2037 in winter time).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "sluice/value.h"

namespace sluice {

class TimeZone {
 public:
  // UTC: conversions are the identity.
  TimeZone() = default;
  // Throws a config Error when the tz database does not know `name`.
  static TimeZone named(const std::string& name);
  // The error `named` would throw; empty when the name is known.
  static std::string check(const std::string& name);
  static bool known(const std::string& name) { return check(name).empty(); }
  // "unknown time zone <shown> (expected ...)": a pipeline file shows the name as written,
  // so that a ${VARIABLE}'s value never reaches a message.
  static std::string unknown(const std::string& shown);

  bool is_utc() const { return rules_ == nullptr; }
  const std::string& name() const { return name_; }
  bool operator==(const TimeZone& o) const { return name_ == o.name_; }

  // Microseconds since 1970-01-01 of a wall clock in this zone -> of the instant (UTC).
  std::int64_t to_instant(std::int64_t wall_micros) const;
  // And back: the instant's wall clock in this zone.
  std::int64_t to_wall_clock(std::int64_t instant_micros) const;

 private:
  struct Rules;
  std::shared_ptr<const Rules> rules_;  // null: UTC
  std::string name_ = "UTC";
};

// How a column's values cross from where naive date-times mean `from` wall clocks into
// a target column of type `to` whose naive values mean `to_zone` wall clocks. It points
// at the zones it was made from (cast and derive make one per value: no copies), which
// must outlive it.
struct ZoneCrossing {
  enum class Kind { none, naive_to_instant, instant_to_naive, naive_to_naive } kind = Kind::none;
  const TimeZone* from = nullptr;
  const TimeZone* to_zone = nullptr;
};
ZoneCrossing zone_crossing(TypeId from_type, TypeId to_type, const TimeZone& from, const TimeZone& to_zone);
ZoneCrossing zone_crossing(TypeId, TypeId, TimeZone&&, const TimeZone&) = delete;
ZoneCrossing zone_crossing(TypeId, TypeId, const TimeZone&, TimeZone&&) = delete;
// "wall clock in Europe/Amsterdam -> instant": what plan prints; empty for none.
std::string describe(const ZoneCrossing& c);

// The zones of a copy from a connection with `timezone: source` to one with `target`
// (either empty when not set): the target's naive values mean the source's zone unless
// it names its own, so a naive value is never shifted by a zone set on one side only.
struct CopyZones {
  TimeZone from, to;
};
CopyZones copy_zones(const std::string& source, const std::string& target);

// Converts `v` in place as `c` says (a naive value, or text without an offset, through
// `c.from`; an instant into `c.to_zone`'s wall clock). Values of other kinds are left as
// they are: the sink's own conversion handles them. Throws a data Error for a wall clock
// the zone skipped.
void cross_zones(const ZoneCrossing& c, Value& v);

}  // namespace sluice
