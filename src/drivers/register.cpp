// Every driver built into this sluice: one line each. A driver is its folder under
// src/drivers and a driver_spec() (name, URL schemes, keys, capabilities, connect).
#include "core/driver_spec.h"

namespace sluice {
namespace postgres { DriverSpec driver_spec(); }
namespace mysql { DriverSpec driver_spec(); }
namespace sqlite { DriverSpec driver_spec(); }
namespace csv { DriverSpec driver_spec(); }
namespace odbc { DriverSpec driver_spec(); }

const std::vector<DriverSpec>& driver_specs() {
  static const std::vector<DriverSpec> all = {
      postgres::driver_spec(),
      mysql::driver_spec(),
      sqlite::driver_spec(),
      csv::driver_spec(),
      odbc::driver_spec(),
  };
  return all;
}

void register_builtin_drivers(DriverRegistry& registry) {
  for (const auto& spec : driver_specs()) registry.add(spec.name, spec.connect);
}

}  // namespace sluice
