#pragma once
#include <string>
namespace sluice::cli {
// format: text | json; level: trace | debug | info | warn | error. False if either is unknown.
bool setup_logging(const std::string& format, const std::string& level);
}
