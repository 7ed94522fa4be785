#pragma once
// What `sluice verify` asks of each side before it streams anything: per range of an
// integer key, the row count and an order-independent checksum of the rows' canonical
// text. A database computes it itself where its dialect can spell the canonical text
// (runtime/row_digest.h defines it, once, and computes it in process for the others);
// only ranges whose digests differ are then read row by row.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/source.h"
#include "sluice/value.h"

namespace sluice {

struct DigestRequest {
  ExtractRequest extract;    // table or query, columns (in the compared order), where
  std::string range_column;  // integer key column the ranges are cut on; empty: one range
  std::int64_t range_base = 0, range_width = 1;  // range of key k: (k - base) / width
};

// The digest of one range: rows, and the sum of the first 60 bits of each row's MD5.
struct RangeDigest {
  std::int64_t rows = 0;
  __int128 sum = 0;
  bool operator==(const RangeDigest&) const = default;
};

// Keyed by range number; kNullRange holds rows whose range column is NULL.
using RangeDigests = std::map<std::int64_t, RangeDigest>;
inline constexpr std::int64_t kNullRange = INT64_MIN;

struct KeyBounds {
  std::int64_t min = 0, max = 0;
  std::int64_t rows = 0;  // the table's estimated rows (0: unknown)
};

// Whether a type has a canonical text (floats and JSON have none two databases agree
// on), and whether it is spelled "<bytes>:<text>" (text types) or "<text>," (the rest).
bool has_digest_text(const TypeInfo& t);
bool digest_text_is_text(const TypeInfo& t);

// A range's sum as a server prints it (PostgreSQL numeric, MySQL DECIMAL); nullopt when
// it is not an integer.
std::optional<__int128> parse_digest_sum(std::string_view text);

}  // namespace sluice
