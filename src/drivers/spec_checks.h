#pragma once
// Checks that several drivers' specs share (src/core/driver_spec.h).
#include "core/driver_spec.h"

namespace sluice::drivers {

// A database server: a database is required; the host defaults to loopback.
void check_server(ConnectionBlock& block, ConnectionConfig& cfg);
// A file or folder: a path is required.
void check_path(ConnectionBlock& block, ConnectionConfig& cfg);

}  // namespace sluice::drivers
