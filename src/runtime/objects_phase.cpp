#include "runtime/objects_phase.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "sluice/status.h"

namespace sluice::runtime {
namespace {

bool has_objects(const plan::UnitPlan& u) { return !u.load.objects.indexes.empty() || !u.load.objects.foreign_keys.empty(); }

std::set<std::string> tables_of(const Checkpoint& cp) {
  std::set<std::string> out;
  for (const auto& v : cp.last_key) out.insert(std::string(v.str()));
  return out;
}

}  // namespace

std::string objects_state_key(const StepConfig& step) { return step.name + "@objects"; }

void mark_objects_to_build(const Pipeline& p, Connection& target, std::span<const plan::UnitPlan> step_units,
                           const std::string& run_id) {
  Checkpoint cp;
  cp.run_id = run_id;
  for (const auto& u : step_units) {
    if (!has_objects(u) || u.shard_empty) continue;
    const bool creates = u.load.create == CreateMode::always || (u.load.create == CreateMode::if_missing && !target.describe(u.load.table));
    if (!creates) continue;
    Value name;
    name.set_string(Value::Kind::text, u.load.table.display());
    cp.last_key.push_back(name);
  }
  if (cp.last_key.empty()) return;
  cp.rows = static_cast<std::int64_t>(cp.last_key.size());
  target.write_checkpoint(p.name, objects_state_key(*step_units.front().step), cp);
}

bool objects_pending(const Pipeline& p, Connection& target, const StepConfig& step, std::string* run_id) {
  auto cp = target.read_checkpoint(p.name, objects_state_key(step));
  if (!cp || cp->completed) return false;
  if (run_id) *run_id = cp->run_id;
  return true;
}

int build_step_objects(const Pipeline& p, const DriverRegistry& drivers, std::span<const plan::UnitPlan> step_units,
                       const std::string& run_id, std::span<std::optional<StepResult>> results) {
  const StepConfig& step = *step_units.front().step;
  const std::string key = objects_state_key(step);
  try {
    auto target = drivers.connect(p.connections.at(step.load.to));
    auto cp = target->read_checkpoint(p.name, key);
    if (!cp || cp->completed || cp->run_id != run_id) return kExitOk;
    const auto tables = tables_of(*cp);
    std::vector<std::size_t> mine;
    for (std::size_t i = 0; i < step_units.size(); ++i)
      if (tables.count(step_units[i].load.table.display())) mine.push_back(i);
    // Every table's indexes first (a foreign key may need the referenced side's), then
    // every foreign key.
    for (bool foreign_keys : {false, true})
      for (std::size_t i : mine) {
        const plan::UnitPlan& u = step_units[i];
        target->build_objects(u.load.table, u.load.schema, u.load.objects, foreign_keys, [&](const std::string& what) {
          spdlog::info("step {}: created {} on {}", u.name, what, u.load.table.display());
          ++results[i]->objects_built;
        });
      }
    for (std::size_t i : mine) {
      const plan::UnitPlan& u = step_units[i];
      const auto left_out = target->table_ddl(u.load.table, u.load.schema, u.load.key, u.load.objects).not_migrated;
      results[i]->objects_not_migrated = static_cast<int>(u.not_migrated.size() + left_out.size());
      if (results[i]->objects_not_migrated)
        spdlog::warn("step {}: {} source object(s) not migrated ('sluice plan' lists them)", u.name, results[i]->objects_not_migrated);
    }
    cp->completed = true;
    target->write_checkpoint(p.name, key, *cp);
    return kExitOk;
  } catch (const Error& e) {
    spdlog::error("step {}: building indexes and foreign keys: {}", step.name, e.what());
    for (auto& r : results)
      if (r && r->error.empty()) r->error = e.what();
    return exit_code_for(e.error_class()) == kExitUsage ? kExitFailed : exit_code_for(e.error_class());
  }
}

}  // namespace sluice::runtime
