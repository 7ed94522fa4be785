#pragma once
// `sluice verify`: per step, the source (after its transforms) and the target read in
// key order side by side, compared value by value in a canonical form that is the same
// across dialects. Streams both sides; never holds a table in memory.
#include <ostream>

#include "sluice/pipeline.h"
#include "sluice/registry.h"

namespace sluice::runtime {

// Prints per step the row counts and each differing key (up to max_differences);
// returns 0 when every step matches, 1 on any difference (SPEC §1 codes otherwise).
int verify_pipeline(const Pipeline& pipeline, const DriverRegistry& drivers, std::ostream& out);

// Canonical comparison of two values read from different databases.
bool same_value(const Value& a, const Value& b, const std::optional<double>& float_tolerance);

}  // namespace sluice::runtime
