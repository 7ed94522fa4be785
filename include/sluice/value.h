#pragma once
// Logical types shared by every driver, and the Value that carries one field of a row.
//
// Exactness rules: decimals travel as their decimal text (never a double), temporal
// values as integers at microsecond resolution, binary as raw bytes. A Value reuses its
// string buffer when reassigned, so a Batch refilled row by row stops allocating once
// its strings have grown to the data's size.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

enum class TypeId : std::uint8_t {
  boolean,
  int8, int16, int32, int64,  // with TypeInfo::is_unsigned for MySQL unsigned columns
  decimal,                    // precision/scale in TypeInfo; 0 precision = unconstrained
  float32, float64,
  char_,                      // fixed length (length in TypeInfo)
  varchar,                    // length in TypeInfo, 0 = no limit given
  text,
  bytes,                      // length > 0 for fixed/limited binary columns
  date, time,
  timestamp,                  // naive date-time
  timestamptz,                // instant, carried as UTC
  json, uuid,
  enum_,                      // enum_values in TypeInfo; loads as text where no enum exists
};

struct TypeInfo {
  TypeId id = TypeId::text;
  bool is_unsigned = false;
  int length = 0;     // char/varchar/bytes length; 0 = unlimited or unknown
  int precision = 0;  // decimal precision; time/timestamp fractional digits are in scale
  int scale = 0;
  std::vector<std::string> enum_values;
  std::string native;  // the source database's own spelling, for plans and messages

  static TypeInfo of(TypeId id) { TypeInfo t; t.id = id; return t; }
  bool operator==(const TypeInfo&) const = default;
};

inline bool is_integer(TypeId id) { return id == TypeId::int8 || id == TypeId::int16 || id == TypeId::int32 || id == TypeId::int64; }

const char* type_name(TypeId id);
// "decimal(38,10)", "varchar(20)", "int32 unsigned", ...
std::string describe(const TypeInfo& t);
// Parses the names used by `cast:` and `derive: {type:}` (bigint, int, decimal(14,2),
// varchar(10), text, timestamp, timestamptz, date, ...). Returns nullopt when unknown.
std::optional<TypeInfo> parse_type_name(std::string_view name);

class Value {
 public:
  enum class Kind : std::uint8_t {
    null, boolean, int64, uint64, float64,
    decimal,      // s: canonical decimal text
    text,         // s: UTF-8
    bytes,        // s: raw bytes
    date,         // i: days since 1970-01-01
    time,         // i: microseconds since midnight
    timestamp,    // i: microseconds since 1970-01-01T00:00:00 (naive)
    timestamptz,  // i: microseconds since the Unix epoch, UTC
    json,         // s: JSON text
    uuid,         // s: lowercase canonical text
  };

  Value() = default;

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::null; }

  void set_null() { kind_ = Kind::null; }
  void set_bool(bool b) { kind_ = Kind::boolean; i_ = b ? 1 : 0; }
  void set_int(std::int64_t v) { kind_ = Kind::int64; i_ = v; }
  void set_uint(std::uint64_t v) { kind_ = Kind::uint64; u_ = v; }
  void set_double(double v) { kind_ = Kind::float64; d_ = v; }
  void set_date(std::int64_t days) { kind_ = Kind::date; i_ = days; }
  void set_time(std::int64_t micros) { kind_ = Kind::time; i_ = micros; }
  void set_timestamp(std::int64_t micros) { kind_ = Kind::timestamp; i_ = micros; }
  void set_timestamptz(std::int64_t micros) { kind_ = Kind::timestamptz; i_ = micros; }
  // String-backed kinds keep the buffer's capacity across assignments.
  void set_string(Kind k, std::string_view s) { kind_ = k; s_.assign(s.data(), s.size()); }
  void set_text(std::string_view s) { set_string(Kind::text, s); }
  void set_bytes(std::string_view s) { set_string(Kind::bytes, s); }
  void set_decimal(std::string_view s) { set_string(Kind::decimal, s); }
  // Gives access to the buffer for in-place fills (e.g. a CSV parser appending bytes).
  std::string& string_buffer(Kind k) { kind_ = k; s_.clear(); return s_; }

  bool as_bool() const { return i_ != 0; }
  std::int64_t as_int() const { return i_; }
  std::uint64_t as_uint() const { return u_; }
  double as_double() const { return d_; }
  std::int64_t as_temporal() const { return i_; }
  const std::string& str() const { return s_; }

  // Human/text form used by CSV, logs, reject files and text-protocol drivers:
  // ISO dates, "YYYY-MM-DD HH:MM:SS[.ffffff]" timestamps, "+00" suffix for timestamptz,
  // shortest round-trip doubles, raw text. Bytes are returned raw (callers encode).
  std::string to_text() const;
  void append_text(std::string& out) const;

  bool operator==(const Value& o) const;

 private:
  Kind kind_ = Kind::null;
  union {
    std::int64_t i_ = 0;
    std::uint64_t u_;
    double d_;
  };
  std::string s_;
};

const char* kind_name(Value::Kind k);

// ---- exact text <-> value conversions (throw sluice::Error of class data) ----
namespace convert {
// Days since 1970-01-01 <-> civil date, proleptic Gregorian.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d);
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d);

std::optional<std::int64_t> parse_date(std::string_view s);       // YYYY-MM-DD
std::optional<std::int64_t> parse_time(std::string_view s);       // HH:MM:SS[.f{1,6}]
// YYYY-MM-DD[ T]HH:MM:SS[.f] ; with tz, an optional Z / +HH[:MM] / -HH[:MM] suffix,
// converted to UTC. Without one, a timestamptz is taken as UTC.
std::optional<std::int64_t> parse_timestamp(std::string_view s, bool with_tz);
void format_date(std::int64_t days, std::string& out);
void format_time(std::int64_t micros, std::string& out);
void format_timestamp(std::int64_t micros, std::string& out);

// Canonical decimal: optional '-', digits, optional '.' digits; no exponent, no '+'.
// Accepts "+1.50", "1.", ".5", "1e3" is rejected. Returns nullopt on bad input.
std::optional<std::string> canonical_decimal(std::string_view s);
// True when `s` already is in canonical form (the common case: no copy needed).
bool is_canonical_decimal(std::string_view s);
// True if the canonical decimal fits DECIMAL(precision, scale) without rounding.
bool decimal_fits(std::string_view canonical, int precision, int scale);
std::optional<std::int64_t> parse_int(std::string_view s);
std::optional<std::uint64_t> parse_uint(std::string_view s);
std::optional<double> parse_double(std::string_view s);
std::optional<bool> parse_bool(std::string_view s);
void format_double(double v, std::string& out);
bool valid_utf8(std::string_view s);
// Valid UTF-8 without NUL bytes: text every target can store.
inline bool clean_text(std::string_view s) { return s.find('\0') == std::string_view::npos && valid_utf8(s); }
// Repairs text that is not clean: invalid sequences and NUL bytes become U+FFFD
// (replace) or are removed (strip).
std::string repair_text(std::string_view s, bool replace);
// Decodes `in` from a single-byte encoding (latin1 | cp1252) into UTF-8; utf8 copies.
void to_utf8(std::string_view in, const std::string& encoding, std::string& out);
std::string hex_encode(std::string_view bytes);
std::optional<std::string> hex_decode(std::string_view hex);

// Converts `in` to the representation of `target`, exactly or not at all
// (throws a data error naming what did not fit). Used by cast and by sinks
// whose column type differs from the value's kind. `out` may be `in`.
void coerce(const Value& in, const TypeInfo& target, Value& out);
// True when a value of kind `k` is already in the representation sinks expect for
// `t` (so the hot path can skip coerce()).
bool natural_kind(Value::Kind k, TypeId t);
// True when a sink must run coerce() before binding: the kind is not the natural one,
// or the target is a constrained decimal (databases round excess scale silently).
inline bool needs_coercion(const Value& v, const TypeInfo& t) {
  return !v.is_null() && (!natural_kind(v.kind(), t.id) || (t.id == TypeId::decimal && t.precision > 0));
}
// The value a sink binds for a column of type `t`: `v` itself, or its exact conversion
// stored in `scratch`. Throws a data error naming `column`.
const Value& for_target(const Value& v, const TypeInfo& t, const std::string& column, Value& scratch);
}  // namespace convert

}  // namespace sluice
