#include "sluice/registry.h"

namespace sluice {
namespace sqlite { void register_driver(DriverRegistry&); }
namespace csv { void register_driver(DriverRegistry&); }
namespace postgres { void register_driver(DriverRegistry&); }
namespace mysql { void register_driver(DriverRegistry&); }

void register_builtin_drivers(DriverRegistry& registry) {
  sqlite::register_driver(registry);
  csv::register_driver(registry);
  postgres::register_driver(registry);
  mysql::register_driver(registry);
}

}  // namespace sluice
