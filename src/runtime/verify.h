#pragma once
// `sluice verify`: per step, digests of the canonical text per integer-key range
// (runtime/row_digest.h), computed by PostgreSQL and MySQL themselves and in process for
// the rest, both sides at once; only the ranges whose digests differ are read in key
// order side by side and compared value by value. Where the columns have no canonical
// text (floats, JSON) or neither database computes digests, the whole step is read so.
// Streams; never holds a table in memory.
#include <nlohmann/json.hpp>
#include <ostream>

#include "sluice/pipeline.h"
#include "sluice/registry.h"
#include "runtime/verify_values.h"  // same_value

namespace sluice::runtime {

// Prints per step the row counts and each differing key (up to max_differences);
// returns 0 when every step matches, 1 on any difference (SPEC §1 codes otherwise).
// `doc` gets the same as {"steps": [{step, status, source_rows, target_rows, differences,
// shown, method, ...}], "differing_steps", "error"} for --log-format json.
int verify_pipeline(const Pipeline& pipeline, const DriverRegistry& drivers, std::ostream& out, nlohmann::json& doc);

}  // namespace sluice::runtime
