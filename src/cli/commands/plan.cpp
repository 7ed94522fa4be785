// `sluice plan`: connects and introspects, prints per step what run would do. Writes nothing.
#include "cli/commands/commands.h"
#include "drivers/sql/sql_text.h"
#include "sluice/runner.h"
#include "sluice/status.h"
#include "sluice/transform.h"

namespace sluice::cli {
namespace {

// Why a column's mapping could change a value, or empty when it cannot.
std::string lossy(const TypeInfo& from, const TypeInfo& to) {
  auto rank = [](TypeId t) {
    switch (t) {
      case TypeId::int8: return 1;
      case TypeId::int16: return 2;
      case TypeId::int32: return 3;
      case TypeId::int64: return 4;
      default: return 0;
    }
  };
  if (rank(from.id) && rank(to.id) && (rank(to.id) < rank(from.id) || (from.is_unsigned && !to.is_unsigned && rank(to.id) == rank(from.id))))
    return "narrowing integer";
  if (rank(from.id) && (to.id == TypeId::float32 || to.id == TypeId::float64)) return "integer to floating point";
  if (from.id == TypeId::decimal && (to.id == TypeId::float32 || to.id == TypeId::float64)) return "decimal to floating point";
  if (from.id == TypeId::decimal && to.id == TypeId::decimal && to.precision > 0 &&
      (from.precision == 0 || to.precision - to.scale < from.precision - from.scale || to.scale < from.scale))
    return "decimal precision";
  if (from.id == TypeId::float64 && to.id == TypeId::float32) return "double to float";
  if ((from.id == TypeId::varchar || from.id == TypeId::char_ || from.id == TypeId::text) &&
      (to.id == TypeId::varchar || to.id == TypeId::char_) && to.length > 0 && (from.length == 0 || from.length > to.length))
    return "text length";
  if (from.id == TypeId::timestamptz && to.id == TypeId::timestamp) return "time zone dropped";
  if (from.id == TypeId::enum_ && to.id != TypeId::enum_) return "enum to text";
  if (from.id == TypeId::time && to.id != TypeId::time) return "time";
  return {};
}

}  // namespace

int plan_command(const Pipeline& p, const DriverRegistry& drivers, std::ostream& out) {
  int flagged = 0;
  try {
    // The same checks run makes before it writes: names that fit, one writer per table.
    std::vector<std::pair<const StepConfig*, StepTable>> all;
    for (const auto& step : p.steps) {
      auto src = drivers.connect(p.connections.at(step.extract.from));
      for (auto& t : step_tables(step, *src)) all.push_back({&step, t});
    }
    check_step_tables(p, all, true);
    for (const auto& step : p.steps) {
      auto src = drivers.connect(p.connections.at(step.extract.from));
      auto dst = drivers.connect(p.connections.at(step.load.to));
      for (const auto& [from, to, name] : step_tables(step, *src)) {
        out << "step " << name << "\n";
        out << "  source: " << p.connections.at(step.extract.from).display() << " "
            << (step.extract.query.empty() ? from.display() : "(query)") << "\n";
        out << "  target: " << p.connections.at(step.load.to).display() << " " << to.display() << "\n";
        out << "  mode:   " << to_string(step.load.mode) << ", create " << to_string(step.load.create) << "\n";
        Schema schema;
        if (step.extract.query.empty()) {
          auto d = src->describe(from);
          if (!d) throw Error(ErrorClass::config, "step " + name + ": source table " + from.display() + " does not exist");
          if (!step.extract.columns.empty()) {
            Schema picked;
            picked.primary_key = d->primary_key;
            for (const auto& c : step.extract.columns) {
              auto i = d->index_of(c);
              if (!i) throw Error(ErrorClass::config, "step " + name + ": column '" + c + "' does not exist in " + from.display());
              picked.columns.push_back(d->columns[*i]);
            }
            d = picked;
          }
          schema = *d;
          auto est = src->estimate_rows(from);
          out << "  rows:   " << (est ? "about " + std::to_string(*est) : std::string("unknown")) << "\n";
        } else {
          ExtractRequest req;
          req.query = step.extract.query;
          req.order_by = step.extract.order_by;
          schema = src->open_source(req)->schema();
          out << "  rows:   unknown (query)\n";
        }
        auto key = step.extract.order_by.empty() ? schema.primary_key : step.extract.order_by;
        if (key.empty() && !src->resumes_by_position())
          out << "  resume: none (no primary key or order_by): loads all-or-nothing in one transaction\n";
        else if (!key.empty())
          out << "  resume: after the last committed key (" << [&] { std::string k; for (auto& c : key) k += (k.empty() ? "" : ", ") + c; return k; }() << ")\n";
        else
          out << "  resume: by row position in the file\n";
        Schema in = schema;
        for (const auto& tc : step.transforms) schema = make_transform(tc)->bind(schema);
        auto existing = dst->describe(to);
        if (existing && step.load.create != CreateMode::always) {
          out << "  ddl:    none (target exists)\n";
        } else if (step.load.create == CreateMode::never) {
          out << "  ddl:    none (create: never) -- the target does not exist: run would fail\n";
        } else {
          out << "  ddl:    " << dst->create_table_sql(to, schema, step.load.key) << ";\n";
        }
        out << "  columns:\n";
        for (const auto& c : schema.columns) {
          auto orig = in.index_of(c.name);
          const TypeInfo& from_t = orig ? in.columns[*orig].type : c.type;
          TypeInfo to_t = dst->created_type(c.type);
          std::string target_sql = dst->column_type_sql(c.type);
          if (existing && step.load.create != CreateMode::always) {
            if (auto i = existing->index_of(c.name)) { to_t = existing->columns[*i].type; target_sql = to_t.native; }
          }
          std::string why = lossy(from_t, to_t);
          out << "    " << c.name << ": " << (from_t.native.empty() ? describe(from_t) : from_t.native) << " -> "
              << target_sql;
          if (!why.empty()) { out << "   [LOSSY: " << why << "]"; ++flagged; }
          out << "\n";
        }
      }
    }
  } catch (const Error& e) {
    out << "error: " << e.what() << "\n";
    return exit_code_for(e.error_class());
  }
  out << (flagged ? std::to_string(flagged) + " lossy conversion(s) flagged\n" : "no lossy conversions\n");
  return 0;
}

}  // namespace sluice::cli
