#include <algorithm>
#include <set>

#include "cli/commands/commands.h"
#include "runtime/on_schema_change.h"
#include "sluice/runner.h"
#include "sluice/status.h"

namespace sluice::cli {
namespace {
// The checkpoints of a step: its own, its tables' (step/table) and its shards'
// (step@K/N, step/table@K/N).
bool belongs_to_step(const std::string& key, const std::string& step) {
  if (key == step) return true;
  return key.size() > step.size() && key.compare(0, step.size(), step) == 0 && (key[step.size()] == '/' || key[step.size()] == '@');
}
}  // namespace

int state_command(const Pipeline& p, const DriverRegistry& drivers, const std::string& reset_step, bool reset_all,
                  std::ostream& out, nlohmann::json& doc) {
  doc["steps"] = nlohmann::json::array();
  if (!reset_step.empty()) {
    bool known = false;
    for (const auto& s : p.steps) known = known || s.name == reset_step;
    if (!known) {
      out << "no step named '" << reset_step << "' in " << p.file << "\n";
      doc["error"] = "no step named '" + reset_step + "' in " + p.file;
      return kExitUsage;
    }
  }
  std::set<std::string> targets;
  for (const auto& s : p.steps)
    if (reset_step.empty() || s.name == reset_step) targets.insert(s.load.to);
  try {
    for (const auto& t : targets) {
      auto conn = drivers.connect(p.connections.at(t));
      if (reset_all) {
        conn->clear_state(p.name, "");
        out << "cleared all checkpoints in " << t << "\n";
        doc["cleared"].push_back({{"target", t}, {"step", nullptr}});
        continue;
      }
      if (!reset_step.empty()) {
        for (const auto& row : conn->read_state(p.name))
          if (belongs_to_step(row.step, reset_step)) conn->clear_state(p.name, row.step);
        out << "cleared checkpoint of " << reset_step << " in " << t << "\n";
        doc["cleared"].push_back({{"target", t}, {"step", reset_step}});
        continue;
      }
      auto rows = conn->read_state(p.name);
      out << "target " << t << " (" << p.connections.at(t).display() << "):\n";
      if (std::all_of(rows.begin(), rows.end(), [](const StateRow& r) { return runtime::is_source_columns_key(r.step); }))
        out << "  no checkpoints\n";
      for (const auto& r : rows) {
        if (runtime::is_source_columns_key(r.step)) continue;  // not a checkpoint: what on_schema_change compares with
        doc["steps"].push_back({{"step", r.step}, {"target", t}, {"run_id", r.checkpoint.run_id}, {"rows", r.checkpoint.rows},
                                {"completed", r.checkpoint.completed},
                                {"last_key", r.checkpoint.last_key.empty() ? nlohmann::json(nullptr) : nlohmann::json(encode_key(r.checkpoint.last_key))},
                                {"updated_at", r.updated_at}});
        out << "  " << r.step << ": run " << r.checkpoint.run_id << ", " << r.checkpoint.rows << " rows, "
            << (r.checkpoint.completed ? "completed" : "in progress")
            << (r.checkpoint.last_key.empty() ? "" : ", last key " + encode_key(r.checkpoint.last_key)) << ", updated "
            << r.updated_at << "\n";
      }
    }
  } catch (const Error& e) {
    out << "error: " << e.what() << "\n";
    doc["error"] = e.what();
    return exit_code_for(e.error_class());
  }
  return 0;
}

}  // namespace sluice::cli
