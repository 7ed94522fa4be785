#pragma once
// Where a unit's naive date-times cross zones (core/time_zone.h): the source connection's
// `timezone:` says what its naive values mean, the target's what its naive columns hold
// (by default the source's meaning: naive values stay as they are). Run and verify add
// the same time_zone transform after the step's own, so verify compares what was loaded.
#include <optional>
#include <string>
#include <vector>

#include "sluice/connection.h"
#include "sluice/pipeline.h"

namespace sluice::runtime {

// `loaded`: the columns after the step's transforms, `target_names` theirs in the target
// table `table` of `dst` (its column types as it is, or as the run creates it). nullopt
// when no column crosses a zone (always, when neither connection sets a timezone).
std::optional<TransformConfig> zone_transform(const Pipeline& p, const StepConfig& step, const Schema& loaded,
                                              const std::vector<std::string>& target_names, Connection& dst, const TableRef& table);

}  // namespace sluice::runtime
