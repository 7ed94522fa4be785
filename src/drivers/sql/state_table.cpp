#include "drivers/sql/state_table.h"

#include <cstdlib>

namespace sluice::sql {
namespace {

Checkpoint to_checkpoint(const std::vector<std::string>& row, std::size_t first) {
  Checkpoint cp;
  cp.run_id = row[first];
  cp.last_key = decode_key(row[first + 1]);
  cp.rows = std::atoll(row[first + 2].c_str());
  cp.completed = text_is_true(row[first + 3]);
  return cp;
}

}  // namespace

void StateTable::ensure() { session_.exec(dialect_.state_table_ddl()); }

bool StateTable::exists() { return !session_.query(dialect_.table_exists(), {"sluice_state"}).empty(); }

std::optional<Checkpoint> StateTable::load(const std::string& pipeline, const std::string& step) {
  if (!exists()) return std::nullopt;
  auto rows = session_.query(dialect_.state_select(), {pipeline, step});
  if (rows.empty()) return std::nullopt;
  return to_checkpoint(rows[0], 0);
}

void StateTable::save(const std::string& pipeline, const std::string& step, const Checkpoint& cp) {
  session_.exec(dialect_.state_upsert(),
                {pipeline, step, cp.run_id, encode_key(cp.last_key), std::to_string(cp.rows), cp.completed ? "1" : "0"});
}

std::vector<StateRow> StateTable::list(const std::string& pipeline) {
  std::vector<StateRow> out;
  if (!exists()) return out;
  for (auto& row : session_.query(dialect_.state_list(), {pipeline})) out.push_back({row[0], to_checkpoint(row, 1), row[5]});
  return out;
}

void StateTable::clear(const std::string& pipeline, const std::string& step) {
  if (!exists()) return;
  if (step.empty()) session_.exec(dialect_.state_delete(false), {pipeline});
  else session_.exec(dialect_.state_delete(true), {pipeline, step});
}

}  // namespace sluice::sql
