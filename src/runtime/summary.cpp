// The end-of-run summary table and the --report document (SPEC §7).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

#include "sluice/runner.h"

namespace sluice {

std::string format_report(const Pipeline& pipeline, const RunResult& r) {
  nlohmann::json j;
  j["pipeline"] = pipeline.name;
  j["run_id"] = r.run_id;
  j["version"] = SLUICE_VERSION;
  j["started_at"] = r.started_at;
  j["finished_at"] = r.finished_at;
  j["exit_code"] = r.exit_code;
  j["steps"] = nlohmann::json::array();
  for (const auto& s : r.steps) {
    nlohmann::json step = {{"name", s.name},           {"source", s.source},
                           {"target", s.target},       {"status", s.status},
                           {"rows_read", s.rows_read}, {"rows_written", s.rows_written},
                           {"rows_rejected", s.rows_rejected}, {"retries", s.retries},
                           {"values_changed", s.values_changed}, {"seconds", s.seconds},
                           {"objects_built", s.objects_built}, {"objects_not_migrated", s.objects_not_migrated}};
    if (!s.error.empty()) step["error"] = s.error;
    j["steps"].push_back(step);
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string format_summary(const RunResult& r) {
  std::vector<std::vector<std::string>> rows = {{"step", "status", "read", "written", "rejected", "changed", "retries", "seconds", "rows/s"}};
  for (const auto& s : r.steps) {
    char secs[32], rate[32];
    std::snprintf(secs, sizeof secs, "%.2f", s.seconds);
    std::snprintf(rate, sizeof rate, "%.0f", s.seconds > 0 ? static_cast<double>(s.rows_written ? s.rows_written : s.rows_read) / s.seconds : 0.0);
    rows.push_back({s.name, s.status, std::to_string(s.rows_read), std::to_string(s.rows_written),
                    std::to_string(s.rows_rejected), std::to_string(s.values_changed), std::to_string(s.retries), secs, rate});
  }
  std::vector<std::size_t> width(rows[0].size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      const auto& cell = rows[r][i];
      std::string pad(width[i] - cell.size(), ' ');
      out += i == 0 || i == 1 ? cell + pad : pad + cell;  // names left, numbers right
      out += i + 1 < rows[r].size() ? "  " : "\n";
    }
    if (r == 0) {
      std::size_t total = 0;
      for (auto w : width) total += w + 2;
      out += std::string(total - 2, '-') + "\n";
    }
  }
  for (const auto& s : r.steps)
    if (s.objects_built || s.objects_not_migrated)
      out += s.name + ": " + std::to_string(s.objects_built) + " index(es) and foreign key(s) built" +
             (s.objects_not_migrated ? ", " + std::to_string(s.objects_not_migrated) + " source object(s) not migrated (see sluice plan)" : "") + "\n";
  return out;
}

}  // namespace sluice
