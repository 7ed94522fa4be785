#pragma once
// COPY's binary format for writing (PostgreSQL's `recv` representations): each value
// encoded straight from the batch into the sink's reused buffer, no text in between.
// Used when every target column has a type encoded here; otherwise the sink writes
// COPY text. A value that does not fit its column (an integer out of range, a NUL in
// text) is a data error, as PostgreSQL would raise for the text form.
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

}  // namespace sluice::postgres
