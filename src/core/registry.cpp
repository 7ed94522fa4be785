#include "sluice/registry.h"

#include "sluice/status.h"

namespace sluice {

void DriverRegistry::add(const std::string& name, Factory factory) { factories_[name] = std::move(factory); }

std::vector<std::string> DriverRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [k, _] : factories_) out.push_back(k);
  return out;
}

std::unique_ptr<Connection> DriverRegistry::connect(const ConnectionConfig& cfg) const {
  auto it = factories_.find(cfg.driver);
  if (it == factories_.end())
    throw Error(ErrorClass::config, "connection '" + cfg.name + "': driver '" + cfg.driver + "' is not built into this sluice");
  return it->second(cfg);
}

}  // namespace sluice
