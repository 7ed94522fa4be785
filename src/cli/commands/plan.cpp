// `sluice plan`: connects and introspects, prints per step what run would do. Writes nothing.
#include "cli/commands/commands.h"
#include "core/schema_change.h"
#include "core/time_zone.h"
#include "core/type_fit.h"
#include "runtime/on_schema_change.h"
#include <map>

#include "plan/plan.h"
#include "sluice/runner.h"
#include "sluice/status.h"

namespace sluice::cli {
namespace {

// What load.on_schema_change will do with a source that no longer matches the table.
void schema_change_lines(const std::string& pipeline, const plan::UnitPlan& u, const Schema& loaded, const Schema& existing, Connection& dst,
                         std::ostream& out, nlohmann::json& step) {
  const SchemaChange change =
      compare_to_target(loaded, existing, recorded_source_columns(dst, pipeline, runtime::source_columns_key(u)));
  if (!change.empty()) {
    nlohmann::json added = nlohmann::json::array();
    for (std::size_t i : change.added) added.push_back(loaded.columns[i].name);
    nlohmann::json changed = nlohmann::json::array();
    for (const auto& c : change.changed) changed.push_back({{"name", c.name}, {"was", c.was}, {"now", c.now}, {"why", c.why}});
    step["schema_change"] = {{"added", added}, {"unfilled", change.unfilled}, {"removed", change.removed}, {"changed", changed},
                             {"on_schema_change", to_string(u.step->load.on_schema_change)}, {"statements", nlohmann::json::array()}};
  }
  if (!change.added.empty()) {
    out << "  schema change: the source has column(s) the target lacks: " << describe_added(loaded, change) << "\n";
    switch (u.step->load.on_schema_change) {
      case OnSchemaChange::fail: out << "          on_schema_change: fail -- run stops before writing\n"; break;
      case OnSchemaChange::add_columns:
        for (std::size_t i : change.added) {
          const std::string alter = "ALTER TABLE " + u.target_table.display() + " ADD COLUMN " + loaded.columns[i].name + " " +
                                    dst.column_type_sql(loaded.columns[i].type);
          out << "          " << alter << ";   -- on_schema_change: add_columns\n";
          step["schema_change"]["statements"].push_back(alter);
        }
        break;
      case OnSchemaChange::ignore: out << "          on_schema_change: ignore -- they are not loaded\n"; break;
    }
  }
  for (const auto& name : change.removed)
    out << "  schema change: target column " << name << " is no longer in the source: new rows get NULL"
        << (u.step->load.on_schema_change == OnSchemaChange::fail ? " -- on_schema_change: fail, run stops" : " -- the run warns") << "\n";
  for (const auto& c : change.changed)
    out << "  schema change: source column " << c.name << " changed since the last run (" << c.was << " -> " << c.now
        << ") and the target column may not hold it: " << c.why
        << (u.step->load.on_schema_change == OnSchemaChange::fail ? " -- on_schema_change: fail, run stops"
                                                                   : " -- the run warns; values that do not fit are refused")
        << "\n";
  for (const auto& name : change.unfilled)
    out << "  schema change: target column " << name << " is NOT NULL without a default and the source no longer gives it -- run stops\n";
}

// How a killed run continues the unit, and where a rerun starts: what run will do.
std::string resume_line(const plan::UnitPlan& u) {
  auto joined = [](const std::vector<std::string>& names) {
    std::string k;
    for (const auto& c : names) k += (k.empty() ? "" : ", ") + c;
    return k;
  };
  std::string line;
  switch (u.resume) {
    case plan::Resume::all_or_nothing:
      return "none (no primary key or order_by): loads all-or-nothing in one transaction";
    case plan::Resume::by_position: line = "by row position in the file"; break;
    case plan::Resume::by_key: line = "after the last committed key (" + joined(u.extract.order_by) + ")"; break;
  }
  const std::string& cursor = u.step->extract.incremental_cursor;
  if (!cursor.empty() && u.continues_completed)
    line += "; incremental on " + cursor + ": each run loads only rows after the previous run's last (" + joined(u.extract.order_by) + ")";
  else if (u.continues_completed && u.resume != plan::Resume::all_or_nothing)
    line += "; a rerun appends after the last row of the previous completed run (--fresh loads everything again)";
  return line;
}

}  // namespace

int plan_command(const Pipeline& p, const DriverRegistry& drivers, std::ostream& out, nlohmann::json& doc) {
  int flagged = 0, unmigrated = 0;
  doc["steps"] = nlohmann::json::array();
  try {
    // The same plan run makes, with the same checks: names that fit, one writer per table.
    const auto units = plan::plan_units(p, drivers, {});
    std::map<std::string, std::unique_ptr<Connection>> connections;
    auto connection = [&](const std::string& name) -> Connection& {
      auto& c = connections[name];
      if (!c) c = drivers.connect(p.connections.at(name));
      return *c;
    };
    for (const auto& u : units) {
      const StepConfig& step = *u.step;
      Connection& src = connection(step.extract.from);
      Connection& dst = connection(step.load.to);
      const TableRef& to = u.target_table;
      out << "step " << u.name << "\n";
      nlohmann::json sj = {{"step", u.name},
                           {"source", {{"connection", step.extract.from}, {"url", p.connections.at(step.extract.from).display()},
                                       {"table", step.extract.query.empty() ? nlohmann::json(u.source_table.display()) : nlohmann::json(nullptr)},
                                       {"query", !step.extract.query.empty()}}},
                           {"target", {{"connection", step.load.to}, {"url", p.connections.at(step.load.to).display()}, {"table", to.display()}}},
                           {"mode", to_string(step.load.mode)}, {"create", to_string(step.load.create)}, {"resume", resume_line(u)},
                           {"rows_estimate", nullptr}};
      out << "  source: " << p.connections.at(step.extract.from).display() << " "
          << (step.extract.query.empty() ? u.source_table.display() : "(query)") << "\n";
      out << "  target: " << p.connections.at(step.load.to).display() << " " << to.display() << "\n";
      out << "  mode:   " << to_string(step.load.mode) << ", create " << to_string(step.load.create) << "\n";
      if (step.extract.query.empty()) {
        auto est = src.estimate_rows(u.source_table);
        out << "  rows:   " << (est ? "about " + std::to_string(*est) : std::string("unknown")) << "\n";
        if (est) sj["rows_estimate"] = *est;
      } else {
        out << "  rows:   unknown (query)\n";
      }
      out << "  resume: " << resume_line(u) << "\n";
      if (u.parts > 1) {
        out << "  split:  " << u.parts << " key ranges of " << u.split_column << ", read under one snapshot and loaded side by side\n";
        sj["split"] = {{"ranges", u.parts}, {"column", u.split_column}};
      }
      const Schema& in = u.source_schema;
      const Schema& schema = u.load.schema;
      std::vector<std::string> not_migrated;
      auto existing = dst.describe(to);
      if (existing && step.load.create != CreateMode::always) {
        out << "  ddl:    none (target exists)\n";
        sj["ddl"] = {{"action", "none: the target exists"}, {"statements", nlohmann::json::array()}};
        schema_change_lines(p.name, u, schema, *existing, dst, out, sj);
      } else if (step.load.create == CreateMode::never) {
        out << "  ddl:    none (create: never) -- the target does not exist: run would fail\n";
        sj["ddl"] = {{"action", "none: create never, and the target does not exist; run would fail"}, {"statements", nlohmann::json::array()}};
      } else {
        const TableDdl ddl = dst.table_ddl(to, schema, u.load.key, u.load.objects);
        out << "  ddl:    " << ddl.create_table << ";\n";
        for (const auto& statement : ddl.with_table) out << "          " << statement << ";\n";
        for (const auto& statement : ddl.after_load) out << "          " << statement << ";   -- after the load\n";
        nlohmann::json statements = {ddl.create_table};
        for (const auto& statement : ddl.with_table) statements.push_back(statement);
        sj["ddl"] = {{"action", "create"}, {"statements", statements}, {"after_load", ddl.after_load}};
        not_migrated.insert(not_migrated.end(), ddl.not_migrated.begin(), ddl.not_migrated.end());
      }
      out << "  columns:\n";
      const CopyZones zones = copy_zones(p.connections.at(step.extract.from).timezone, p.connections.at(step.load.to).timezone);
      for (const auto& c : schema.columns) {
        auto orig = in.index_of(c.name);
        const TypeInfo& from_t = orig ? in.columns[*orig].type : c.type;
        TypeInfo to_t = dst.created_type(c.type);
        std::string target_sql = dst.column_type_sql(c.type);
        if (existing && step.load.create != CreateMode::always) {
          if (auto i = existing->index_of(c.name)) { to_t = existing->columns[*i].type; target_sql = to_t.native; }
        }
        std::string why = lossy_mapping(from_t, to_t);
        // A query's text column has no declared length to compare with (it is what the
        // expression yields); only a declared one can be narrowed.
        if (why == "text length" && !step.extract.query.empty() && from_t.length == 0) why.clear();
        const std::string source_type = from_t.native.empty() ? describe(from_t) : from_t.native;
        out << "    " << c.name << ": " << source_type << " -> " << target_sql;
        if (!why.empty()) { out << "   [LOSSY: " << why << "]"; ++flagged; }
        const std::string zone = describe(zone_crossing(c.type.id, to_t.id, zones.from, zones.to));
        if (!zone.empty()) out << "   [ZONE: " << zone << "]";
        sj["columns"].push_back({{"name", c.name}, {"source_type", source_type}, {"target_type", target_sql},
                                 {"lossy", why.empty() ? nlohmann::json(nullptr) : nlohmann::json(why)},
                                 {"zone", zone.empty() ? nlohmann::json(nullptr) : nlohmann::json(zone)}});
        out << "\n";
      }
      // Only a table sluice creates gets the source's objects; what it cannot give is said.
      if (!existing || step.load.create == CreateMode::always) {
        not_migrated.insert(not_migrated.begin(), u.not_migrated.begin(), u.not_migrated.end());
        for (const auto& what : not_migrated) out << "  not migrated: " << what << "\n";
        sj["not_migrated"] = not_migrated;
        unmigrated += static_cast<int>(not_migrated.size());
      }
      doc["steps"].push_back(std::move(sj));
    }
  } catch (const Error& e) {
    out << "error: " << e.what() << "\n";
    doc["error"] = e.what();
    return exit_code_for(e.error_class());
  }
  out << (flagged ? std::to_string(flagged) + " lossy conversion(s) flagged\n" : "no lossy conversions\n");
  if (unmigrated) out << unmigrated << " source object(s) not migrated\n";
  doc["lossy_conversions"] = flagged;
  doc["objects_not_migrated"] = unmigrated;
  return 0;
}

}  // namespace sluice::cli
