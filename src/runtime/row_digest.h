#pragma once
// The canonical text `sluice verify` hashes, defined here once. Dialects that compute
// digests on their server (Dialect::canonical_text) spell exactly this in SQL; for every
// other side verify computes it here from the rows it reads.
//
// Per column, by the column's type (sluice/digest.h: which types have which spelling):
//   char, varchar, text, enum, uuid: "<bytes>:<UTF-8 text>" as the database returns it
//   (char(n) padded where it pads, uuids lowercase), NULL "N";
//   every other type: its text followed by ",", NULL "N,": integers and booleans (1/0) in
//   decimal, exact decimals without trailing fractional zeros, bytes in lowercase hex,
//   dates YYYY-MM-DD, times HH:MM:SS.ffffff, timestamps (with time zone: in UTC)
//   YYYY-MM-DD HH:MM:SS.ffffff.
// Equal digests mean what reading the rows and comparing them would say (same_value).
// A row's text is its columns' texts in order; its hash is the first 60 bits of the MD5
// of that text; a range's digest is its row count and the sum of its rows' hashes.
// Floats and JSON have no text two databases agree on: steps with them are compared row by row.
#include <string>

#include "sluice/digest.h"
#include "sluice/value.h"

namespace sluice::runtime {

void append_canonical(const Value& v, const TypeInfo& t, std::string& out);
// The 60-bit hash of one row's canonical text, added to its range's digest.
void add_row(std::string_view canonical_row, RangeDigest& digest);
// The range of a key value: floor((k - base) / width); kNullRange for NULL.
std::int64_t range_of(const Value& key, std::int64_t base, std::int64_t width);

}  // namespace sluice::runtime
