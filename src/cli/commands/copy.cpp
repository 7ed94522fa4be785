// sluice copy SRC_URL DST_URL: the one-step pipeline those arguments describe, written
// as YAML and then loaded and run exactly as `sluice run` runs a file (checkpoints,
// locks and all, under a name derived from the URLs so a rerun continues it).
// --print-pipeline writes that YAML instead, so an ad-hoc copy becomes a cron job.
// Passwords never appear in it: the URLs refer to ${SLUICE_COPY_SRC_PASSWORD} and
// ${SLUICE_COPY_DST_PASSWORD}, which this process sets for its own run.
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands/logging.h"
#include "cli/commands/run_command.h"
#include "sluice/config.h"
#include "sluice/status.h"

namespace po = boost::program_options;

namespace sluice::cli {
namespace {

std::string yaml_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The URL as the pipeline holds it: a relative file path made absolute (the pipeline is
// not where the user stands), the password replaced by a variable set to it.
std::string pipeline_url(const std::string& url, const std::string& variable, std::string& password, std::string& error) {
  ConnectionConfig cfg;
  error = config::apply_url(url, std::filesystem::current_path().string(), cfg);
  if (!error.empty()) return {};
  if (!cfg.path.empty() && cfg.path != ":memory:") return url.substr(0, url.find(':')) + ":" + cfg.path;
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos || cfg.password.empty()) return url;
  const auto authority = scheme_end + 3;
  const auto at = url.rfind('@', url.find('/', authority));
  const auto colon = url.find(':', authority);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return url;
  password = url.substr(colon + 1, at - colon - 1);
  return url.substr(0, colon + 1) + "${" + variable + "}" + url.substr(at);
}

// "copy-mysql-shop-to-postgres-warehouse": the URLs without their secrets, as a name.
std::string derived_name(const ConnectionConfig& src, const ConnectionConfig& dst, const std::string& table) {
  auto slug = [](const ConnectionConfig& c) {
    std::string raw = c.driver + "-" + (c.path.empty() ? c.host + "-" + c.database : std::filesystem::path(c.path).filename().string());
    std::string out;
    for (char ch : raw) {
      const bool keep = std::isalnum(static_cast<unsigned char>(ch));
      if (keep) out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      else if (!out.empty() && out.back() != '-') out += '-';
    }
    while (!out.empty() && out.back() == '-') out.pop_back();
    return out;
  };
  return "copy-" + slug(src) + "-to-" + slug(dst) + (table.empty() ? "" : "-" + table);
}

struct CopyArgs {
  std::string src, dst, table, schema, mode = "append", create = "if_missing";
  std::vector<std::string> tables, exclude;
};

std::string pipeline_yaml(const CopyArgs& a, std::string& src_password, std::string& dst_password, std::string& error) {
  const std::string src = pipeline_url(a.src, "SLUICE_COPY_SRC_PASSWORD", src_password, error);
  if (!error.empty()) return "source URL: " + error;
  const std::string dst = pipeline_url(a.dst, "SLUICE_COPY_DST_PASSWORD", dst_password, error);
  if (!error.empty()) return "target URL: " + error;
  ConnectionConfig src_cfg, dst_cfg;
  config::apply_url(a.src, ".", src_cfg);
  config::apply_url(a.dst, ".", dst_cfg);
  std::string y = "# written by sluice copy";
  if (!src_password.empty() || !dst_password.empty())
    y += std::string(": set") + (src_password.empty() ? "" : " SLUICE_COPY_SRC_PASSWORD") + (dst_password.empty() ? "" : " SLUICE_COPY_DST_PASSWORD") +
         " in the environment (or an --env-file)";
  y += "\nversion: 1\nname: " + derived_name(src_cfg, dst_cfg, a.table) + "\nconnections:\n  src: {url: " + yaml_quoted(src) +
       "}\n  dst: {url: " + yaml_quoted(dst) + "}\nsteps:\n  - name: copy\n    extract:\n      from: src\n";
  if (!a.schema.empty()) y += "      schema: " + yaml_quoted(a.schema) + "\n";
  if (!a.table.empty()) {
    y += "      table: " + yaml_quoted(a.table) + "\n";
  } else {
    y += "      tables:\n        include: [";
    for (std::size_t i = 0; i < a.tables.size(); ++i) y += (i ? ", " : "") + yaml_quoted(a.tables[i]);
    y += "]\n";
    if (!a.exclude.empty()) {
      y += "        exclude: [";
      for (std::size_t i = 0; i < a.exclude.size(); ++i) y += (i ? ", " : "") + yaml_quoted(a.exclude[i]);
      y += "]\n";
    }
  }
  y += "    load: {to: dst";
  if (!a.table.empty()) y += ", table: " + yaml_quoted(a.table);
  y += ", mode: " + a.mode + ", create: " + a.create + "}\n";
  return y;
}

}  // namespace

int copy_command(int argc, char** argv) {
  po::options_description copy_opts("copy options");
  copy_opts.add_options()("table", po::value<std::string>(), "copy this table, loaded under the same name (required unless --tables)")(
      "tables", po::value<std::vector<std::string>>()->composing(), "copy the tables matching GLOB (repeatable; required unless --table)")(
      "exclude", po::value<std::vector<std::string>>()->composing(), "leave out the tables matching GLOB (repeatable; default: none)")(
      "schema", po::value<std::string>(), "the source schema to read (default: the connection's own)")(
      "mode", po::value<std::string>()->default_value("append"), "append | truncate | replace | upsert")(
      "create", po::value<std::string>()->default_value("if_missing"), "if_missing | never | always")(
      "print-pipeline", "write the equivalent pipeline file to stdout instead of running it (default: off)");
  auto opts = common_options();
  opts.add(copy_opts).add(run_options());
  po::options_description hidden;
  hidden.add_options()("src", po::value<std::string>())("dst", po::value<std::string>());
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("src", 1).add("dst", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    print_problem(std::string("sluice copy: ") + e.what());
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << "usage: sluice copy SRC_URL DST_URL [--table T | --tables GLOB...] [--exclude GLOB...] [--schema S]\n"
                 "                   [--mode M] [--create C] [run options] [--print-pipeline]\n\n"
              << opts;
    return 0;
  }
  if (!setup_logging(vm["log-format"].as<std::string>(), vm["log-level"].as<std::string>())) {
    std::cerr << "sluice: --log-format must be text or json, --log-level trace, debug, info, warn or error\n";
    return kExitUsage;
  }
  CopyArgs a;
  if (!vm.count("src") || !vm.count("dst")) {
    print_problem("sluice copy: needs SRC_URL and DST_URL (sluice copy --help)");
    return kExitUsage;
  }
  a.src = vm["src"].as<std::string>();
  a.dst = vm["dst"].as<std::string>();
  if (vm.count("table")) a.table = vm["table"].as<std::string>();
  if (vm.count("tables")) a.tables = vm["tables"].as<std::vector<std::string>>();
  if (vm.count("exclude")) a.exclude = vm["exclude"].as<std::vector<std::string>>();
  if (vm.count("schema")) a.schema = vm["schema"].as<std::string>();
  a.mode = vm["mode"].as<std::string>();
  a.create = vm["create"].as<std::string>();
  if (a.table.empty() == a.tables.empty()) {
    print_problem("sluice copy: give either --table T or --tables GLOB (repeatable)");
    return kExitUsage;
  }
  if (!a.table.empty() && !a.exclude.empty()) {
    print_problem("sluice copy: --exclude goes with --tables");
    return kExitUsage;
  }
  std::string src_password, dst_password, error;
  const std::string yaml = pipeline_yaml(a, src_password, dst_password, error);
  if (!error.empty()) {
    print_problem("sluice copy: " + yaml);
    return kExitUsage;
  }
  if (vm.count("print-pipeline")) {
    std::cout << yaml;
    return 0;
  }
  // The pipeline lives in a folder of its own for the run; its paths are absolute.
  std::error_code ec;
  const auto dir = std::filesystem::temp_directory_path() / ("sluice-copy-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir, ec);
  const std::string file = (dir / "pipeline.yaml").string();
  std::ofstream(file) << yaml;
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } cleanup{dir};
  if (!src_password.empty()) ::setenv("SLUICE_COPY_SRC_PASSWORD", src_password.c_str(), 1);
  if (!dst_password.empty()) ::setenv("SLUICE_COPY_DST_PASSWORD", dst_password.c_str(), 1);
  auto pipeline = load(file, vm, {}, true);
  if (!pipeline) return kExitUsage;
  DriverRegistry drivers;
  register_builtin_drivers(drivers);
  return run_command(*pipeline, drivers, vm, RunOptions{});
}

}  // namespace sluice::cli
