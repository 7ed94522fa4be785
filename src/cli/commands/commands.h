#pragma once
#include <ostream>
#include <string>

#include "sluice/pipeline.h"
#include "sluice/registry.h"

namespace sluice::cli {
int plan_command(const Pipeline& p, const DriverRegistry& drivers, std::ostream& out);
int state_command(const Pipeline& p, const DriverRegistry& drivers, const std::string& reset_step, bool reset_all,
                  std::ostream& out);
}  // namespace sluice::cli
