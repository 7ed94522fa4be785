#pragma once
// sluice_state in a SQLite target: one row per (pipeline, step), written inside the
// transaction whose data it describes.
#include <optional>
#include <string>
#include <vector>

#include "drivers/sqlite/sqlite_db.h"
#include "sluice/connection.h"

namespace sluice::sqlite::state {

void save(Db& db, const std::string& pipeline, const std::string& step, const Checkpoint& cp);
std::optional<Checkpoint> load(Db& db, const std::string& pipeline, const std::string& step);
std::vector<StateRow> list(Db& db, const std::string& pipeline);
void clear(Db& db, const std::string& pipeline, const std::string& step_or_empty);

}  // namespace sluice::sqlite::state
