#pragma once
// COPY's binary format both ways (PostgreSQL's send/recv representations): values
// encoded straight from the batch into the sink's reused buffer, and decoded straight
// from the source's COPY stream into the batch, no text in between. Used when every
// column has a type handled here; otherwise the sink writes COPY text and the source
// reads rows as text. A value that does not fit its column (an integer out of range, a
// NUL in text) is a data error, as PostgreSQL would raise for the text form; a value
// with no exact equivalent (numeric NaN, infinite dates) is one too.
#include <cstdint>
#include <string>
#include <vector>

#include "sluice/value.h"

namespace sluice::postgres {

// What COPY binary writes for one column, from the target column's PostgreSQL type.
enum class BinaryType { none, boolean, int2, int4, int8, float4, float8, numeric, text, bytea, date, time, timestamp, json, jsonb, uuid };

// The encoding of a column of `t` (its format_type() name in t.native); none: not encodable.
BinaryType binary_type(const TypeInfo& t);

// The 19 bytes every binary COPY stream starts with, and the int16 -1 that ends it.
void append_binary_header(std::string& out);
void append_binary_trailer(std::string& out);
// The int16 field count that starts a tuple.
void append_binary_tuple_start(std::size_t fields, std::string& out);
// One field: int32 length (-1 for NULL) and the value's bytes. `v` is in the natural
// kind of the column's logical type (convert::for_target).
void append_binary_field(const Value& v, BinaryType type, std::string& out);

// Reads the field at `p` (of `n` bytes) of a column of `type` into `out`, in the same
// form read_text (pg_types.h) gives the value's text.
void read_binary_field(const char* p, std::size_t n, BinaryType type, const TypeInfo& t, const std::string& column, Value& out);

// One CopyData message of a binary COPY TO: the header (first message only), then a
// tuple, or the trailer. Calls field(i, p, n) for each field (p null for NULL);
// returns false for the trailer. Throws an internal error for a malformed message.
class BinaryRowReader {
 public:
  template <typename Field>
  bool read(const char* msg, std::size_t len, Field&& field) {
    std::size_t at = 0;
    if (!header_seen_) {
      skip_header(msg, len, at);
      header_seen_ = true;
      if (at == len) return true;  // header alone
    }
    const int fields = static_cast<std::int16_t>(get16(msg, len, at));
    if (fields < 0) return false;
    for (int i = 0; i < fields; ++i) {
      const auto n = static_cast<std::int32_t>(get32(msg, len, at));
      if (n < 0) { field(static_cast<std::size_t>(i), nullptr, 0); continue; }
      need(len, at, static_cast<std::size_t>(n));
      field(static_cast<std::size_t>(i), msg + at, static_cast<std::size_t>(n));
      at += static_cast<std::size_t>(n);
    }
    return true;
  }

 private:
  static void need(std::size_t len, std::size_t at, std::size_t n);
  static std::uint16_t get16(const char* p, std::size_t len, std::size_t& at);
  static std::uint32_t get32(const char* p, std::size_t len, std::size_t& at);
  static void skip_header(const char* p, std::size_t len, std::size_t& at);
  bool header_seen_ = false;
};

}  // namespace sluice::postgres
