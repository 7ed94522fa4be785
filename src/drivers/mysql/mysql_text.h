#pragma once
// How the MySQL sinks hand a value to the server as text (bulk-bound strings, LOAD DATA).
#include "sluice/value.h"

namespace sluice::mysql {

// Decimals, text, bytes, JSON and uuids are sent as the string they hold; dates, times
// and timestamps (and numbers) as their text form (Value::append_text).
inline bool server_text_is_string(const Value& v) {
  using K = Value::Kind;
  return v.kind() >= K::decimal && v.kind() != K::date && v.kind() != K::time && v.kind() != K::timestamp && v.kind() != K::timestamptz;
}

}  // namespace sluice::mysql
