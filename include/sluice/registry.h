#pragma once
// Drivers are registered by name, explicitly, from main (no static initialisers a
// linker could drop).
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sluice/connection.h"
#include "sluice/pipeline.h"

namespace sluice {

class DriverRegistry {
 public:
  using Factory = std::function<std::unique_ptr<Connection>(const ConnectionConfig&)>;

  void add(const std::string& name, Factory factory);
  bool has(const std::string& name) const { return factories_.count(name) > 0; }
  std::vector<std::string> names() const;
  // Throws a config Error for an unknown driver, or the driver's connect error.
  std::unique_ptr<Connection> connect(const ConnectionConfig& cfg) const;

 private:
  std::map<std::string, Factory> factories_;
};

// Adds every driver compiled into this build.
void register_builtin_drivers(DriverRegistry& registry);

}  // namespace sluice
