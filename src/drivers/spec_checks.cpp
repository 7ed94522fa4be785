#include "drivers/spec_checks.h"

namespace sluice::drivers {

void check_server(ConnectionBlock& block, ConnectionConfig& cfg) {
  if (cfg.host.empty()) cfg.host = "127.0.0.1";
  if (cfg.database.empty()) block.error("", block.where() + " (" + cfg.driver + ") needs a database");
}

void check_path(ConnectionBlock& block, ConnectionConfig& cfg) {
  if (cfg.path.empty())
    block.error("", block.where() + " (" + cfg.driver + ") needs a path (or a url such as " + cfg.driver + ":file)");
}

}  // namespace sluice::drivers
