// sluice discover URL: what a database holds, before a pipeline is written for it — its
// tables (of --schema, or the connection's own), their columns with types, primary keys
// and the database's own row estimates; --json for scripts. Reads only catalogs.
#include <algorithm>
#include <filesystem>
#include <sstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands/logging.h"
#include "cli/commands/run_command.h"
#include "core/redact.h"
#include "sluice/config.h"
#include "sluice/connection.h"
#include "sluice/status.h"

namespace po = boost::program_options;

namespace sluice::cli {
namespace {

std::string type_of(const Column& c) { return c.type.native.empty() ? describe(c.type) : c.type.native; }

nlohmann::json table_json(const TableRef& t, const Schema& s, std::optional<std::int64_t> rows) {
  nlohmann::json columns = nlohmann::json::array();
  for (const auto& c : s.columns) columns.push_back({{"name", c.name}, {"type", type_of(c)}, {"nullable", c.nullable}, {"identity", c.identity}});
  nlohmann::json j = {{"schema", t.schema}, {"name", t.name}, {"primary_key", s.primary_key}, {"columns", columns}};
  j["rows_estimate"] = rows ? nlohmann::json(*rows) : nlohmann::json(nullptr);
  return j;
}

void print_table(const TableRef& t, const Schema& s, std::optional<std::int64_t> rows, std::ostream& out) {
  out << t.display() << "  (" << (rows ? "about " + std::to_string(*rows) + " rows" : std::string("row count unknown")) << ")\n";
  for (const auto& c : s.columns) {
    const bool key = std::find(s.primary_key.begin(), s.primary_key.end(), c.name) != s.primary_key.end();
    out << "  " << c.name << "  " << type_of(c) << (c.nullable ? "" : " NOT NULL") << (c.identity ? " identity" : "")
        << (key ? "  [primary key]" : "") << "\n";
  }
  if (s.primary_key.empty()) out << "  (no primary key: a copy resumes only with order_by:, else loads all-or-nothing)\n";
}

}  // namespace

int discover_command(int argc, char** argv) {
  po::options_description opts = common_options();
  opts.add_options()("json", "print one JSON document (default: text)")("schema", po::value<std::string>(), "the schema to list (default: the connection's own)");
  po::options_description hidden;
  hidden.add_options()("url", po::value<std::string>());
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("url", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    print_problem(std::string("sluice discover: ") + e.what());
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << "usage: sluice discover URL [--schema S] [--json]\n\n" << opts;
    return 0;
  }
  if (!setup_logging(vm["log-format"].as<std::string>(), vm["log-level"].as<std::string>())) {
    std::cerr << "sluice: --log-format must be text or json, --log-level trace, debug, info, warn or error\n";
    return kExitUsage;
  }
  if (!vm.count("url")) {
    print_problem("sluice discover: needs a URL (postgres://..., mysql://..., sqlite:file.db, csv://folder)");
    return kExitUsage;
  }
  ConnectionConfig cfg;
  cfg.name = "discover";
  if (auto error = config::apply_url(vm["url"].as<std::string>(), std::filesystem::current_path().string(), cfg); !error.empty()) {
    print_problem("sluice discover: " + error);
    return kExitUsage;
  }
  const std::string schema = vm.count("schema") ? vm["schema"].as<std::string>() : "";
  DriverRegistry drivers;
  register_builtin_drivers(drivers);
  try {
    auto conn = drivers.connect(cfg);
    conn->check_readable();
    nlohmann::json tables = nlohmann::json::array();
    std::ostringstream text;
    text << cfg.display() << "\n";
    for (auto t : conn->list_tables(schema)) {
      if (t.schema.empty()) t.schema = schema;
      auto described = conn->describe(t);
      if (!described) continue;  // dropped while listing
      const auto rows = conn->estimate_rows(t);
      if (vm.count("json")) tables.push_back(table_json(t, *described, rows));
      else print_table(t, *described, rows, text);
    }
    if (vm.count("json")) std::cout << redact::apply(nlohmann::json({{"connection", cfg.display()}, {"tables", tables}}).dump(2)) << "\n";
    else std::cout << redact::apply(text.str());
    return 0;
  } catch (const Error& e) {
    print_problem("sluice discover: " + std::string(e.what()));
    return exit_code_for(e.error_class());
  }
}

}  // namespace sluice::cli
