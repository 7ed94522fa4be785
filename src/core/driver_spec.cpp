#include "core/driver_spec.h"

#include <algorithm>

namespace sluice {

const DriverSpec* find_driver(const std::string& name) {
  const auto& all = driver_specs();
  auto it = std::find_if(all.begin(), all.end(), [&](const DriverSpec& s) { return s.name == name; });
  return it == all.end() ? nullptr : &*it;
}

const DriverSpec* driver_for_scheme(const std::string& scheme) {
  for (const auto& s : driver_specs())
    if (std::find(s.url_schemes.begin(), s.url_schemes.end(), scheme) != s.url_schemes.end()) return &s;
  return nullptr;
}

}  // namespace sluice
