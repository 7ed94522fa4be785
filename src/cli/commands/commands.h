#pragma once
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

#include "sluice/pipeline.h"
#include "sluice/registry.h"

namespace sluice::cli {
// plan, verify (runtime/verify.h) and state write their report twice: as text for a
// person to `out`, and into `doc` for --log-format json: {"steps": [one object per
// step], the totals, "error" when it failed}, which the CLI prints as JSON lines.
int plan_command(const Pipeline& p, const DriverRegistry& drivers, std::ostream& out, nlohmann::json& doc);
int state_command(const Pipeline& p, const DriverRegistry& drivers, const std::string& reset_step, bool reset_all,
                  std::ostream& out, nlohmann::json& doc);
}  // namespace sluice::cli
