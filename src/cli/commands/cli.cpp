#include "cli/commands/cli.h"

#include <spdlog/spdlog.h>

#include <boost/program_options.hpp>
#include <filesystem>
#include <fstream>
#include <cstring>
#include <iostream>
#include <sstream>

#include "cli/commands/commands.h"
#include "cli/commands/logging.h"
#include "cli/commands/run_command.h"
#include "core/redact.h"
#include "runtime/progress.h"
#include "runtime/service.h"
#include "runtime/signals.h"
#include "runtime/verify.h"
#include "sluice/config.h"
#include "sluice/registry.h"
#include "sluice/runner.h"

namespace po = boost::program_options;

namespace sluice::cli {
namespace {

const char* kUsage =
    "usage: sluice <command> PIPELINE.yaml [options]\n"
    "\n"
    "commands:\n"
    "  run       run all steps (or --step NAME)\n"
    "  validate  parse and check the pipeline file; touches no database\n"
    "  plan      connect, introspect, print what run would do; writes nothing\n"
    "  verify    compare source and target per step, print differing keys (exit 1 on any)\n"
    "  state     show saved checkpoints (--reset STEP | --reset-all to clear)\n"
    "  copy      sluice copy SRC_URL DST_URL [--table T | --tables GLOB...]: a one-step pipeline without a file\n"
    "  discover  sluice discover URL [--json]: tables, columns, keys, row estimates\n"
    "\n"
    "sluice <command> --help for the options of a command; sluice --version\n";


// plan/verify/state with --log-format json: one line per step, then one with the totals
// (and the error, if any) and the exit code. print_json_line masks secrets.
void print_report_lines(const std::string& command, const Pipeline& pipeline, int code, nlohmann::json& doc) {
  for (auto& step : doc["steps"]) {
    const std::string name = step.contains("step") ? step["step"].get<std::string>() : "";
    const bool bad = command == "verify" && step.value("status", "") != "equal";
    print_json_line(bad ? "warn" : "info", command + " step " + name, step, std::cout);
  }
  doc.erase("steps");
  doc["pipeline"] = pipeline.name;
  doc["exit_code"] = code;
  std::string msg = command + (code == 0 ? ": done" : ": exit " + std::to_string(code));
  if (doc.contains("error")) msg = command + ": " + doc["error"].get<std::string>();
  print_json_line(code == 0 ? "info" : "error", msg, doc, std::cout);
}

}  // namespace

po::options_description common_options() {
  po::options_description d("options");
  d.add_options()("help,h", "show this help")("env-file", po::value<std::string>(), "read variables from FILE (default: ./.env if present)")(
      "log-format", po::value<std::string>()->default_value("text"), "text | json")(
      "log-level", po::value<std::string>()->default_value("info"), "trace | debug | info | warn | error");
  return d;
}

po::options_description run_options() {
  po::options_description d("run options");
  d.add_options()("step", po::value<std::vector<std::string>>()->composing(), "run only this step (repeatable; default: every step)")(
      "dry-run", "extract and transform, load nothing (default: off)")("fresh", "ignore saved checkpoints and load from the start (default: off)")(
      "report", po::value<std::string>(), "write the run report as JSON to FILE (default: none)")(
      "progress", po::value<std::string>()->default_value("auto"), "auto | always | never (auto: only on a TTY)")(
      "parallel", po::value<int>()->default_value(1), "run up to N steps at once (a run of one table: N key ranges)")(
      "shard", po::value<std::string>(), "K/N: do shard K (0-based) of N; N runs with K = 0..N-1 do one run's work (default: the whole run)")(
      "every", po::value<std::string>(), "service mode: run again on this schedule (30s, 5m, 1h) until SIGTERM (default: run once)")(
      "health-file", po::value<std::string>(), "service mode: JSON status of the last pass, rewritten atomically after each (default: none)")(
      "listen", po::value<std::string>(), "service mode: serve /healthz and /metrics (Prometheus) on HOST:PORT, e.g. 127.0.0.1:9187 (default: none)");
  return d;
}

// Loads the pipeline with the environment the CLI options describe and checks what the
// chosen steps (all when empty) would write. Prints every problem and returns nullopt
// on failure.
std::optional<Pipeline> load(const std::string& path, const po::variables_map& vm, const std::vector<std::string>& steps,
                             bool check_writes) {
  try {
    auto env = config::Environment::from_process();
    if (vm.count("env-file")) env.add_env_file(vm["env-file"].as<std::string>());
    else if (std::filesystem::exists(".env")) env.add_env_file(".env");
    Pipeline p = config::load_pipeline(path, env);
    // verify only reads: steps that must run apart can still be compared together.
    auto problems = check_writes ? config::check_targets(p, steps) : std::vector<config::Diagnostic>{};
    if (!problems.empty()) throw config::ConfigErrors(std::move(problems));
    return p;
  } catch (const config::ConfigErrors& e) {
    print_diagnostics(e.diagnostics(), path);
    return std::nullopt;
  }
}

// run: the options checked, then the pipeline run, its summary and report.
int run_command(const Pipeline& loaded, const DriverRegistry& drivers, const po::variables_map& vm, RunOptions ro) {
  const Pipeline* pipeline = &loaded;
  const std::string& path = loaded.file;
  for (const auto& s : ro.steps) {
    bool known = false;
    for (const auto& st : pipeline->steps) known = known || st.name == s;
    if (!known) {
      print_problem("sluice run: no step named '" + s + "' in " + path);
      return kExitUsage;
    }
  }
  ro.dry_run = vm.count("dry-run") > 0;
  ro.fresh = vm.count("fresh") > 0;
  const std::string progress = vm["progress"].as<std::string>();
  if (progress != "auto" && progress != "always" && progress != "never") {
    print_problem("sluice run: --progress must be auto, always or never");
    return kExitUsage;
  }
  ro.parallel = vm["parallel"].as<int>();
  if (ro.parallel < 1 || ro.parallel > 64) {
    print_problem("sluice run: --parallel must be between 1 and 64");
    return kExitUsage;
  }
  if (vm.count("shard")) {
    const std::string spec = vm["shard"].as<std::string>();
    auto slash = spec.find('/');
    auto k = slash == std::string::npos ? std::nullopt : convert::parse_int(spec.substr(0, slash));
    auto n = slash == std::string::npos ? std::nullopt : convert::parse_int(spec.substr(slash + 1));
    if (!k || !n || *n < 1 || *n > 10000 || *k < 0 || *k >= *n) {
      print_problem("sluice run: --shard must be K/N with 0 <= K < N (for example 0/4), got '" + spec + "'");
      return kExitUsage;
    }
    ro.shard_index = static_cast<int>(*k);
    ro.shard_count = static_cast<int>(*n);
  }
  // With --parallel, the running steps' lines are drawn together (runtime/progress.h).
  ro.progress = runtime::progress_wanted(progress);
  // A report that was asked for but cannot be written is a failure: find out before
  // anything runs (nothing is written yet, so that is a usage error).
  const std::string report = vm.count("report") ? vm["report"].as<std::string>() : "";
  if (!report.empty()) {
    std::error_code ec;
    bool existed = std::filesystem::exists(report, ec);
    std::ofstream probe(report, std::ios::app);
    if (std::filesystem::is_directory(report, ec) || !probe) {
      spdlog::error("cannot write the report to {}: {}", report, std::filesystem::is_directory(report, ec) ? "it is a folder" : std::strerror(errno));
      return kExitUsage;
    }
    probe.close();
    if (!existed) std::filesystem::remove(report, ec);
  }
  runtime::ServiceOptions service;
  if (vm.count("every")) {
    auto every = config::parse_duration(vm["every"].as<std::string>());
    if (!every || every->count() < 1000 || every->count() > 366LL * 24 * 3600 * 1000) {
      print_problem("sluice run: --every must be a duration from 1s to 366 days (30s, 5m, 1h), got '" + vm["every"].as<std::string>() + "'");
      return kExitUsage;
    }
    service.every = *every;
  }
  if (vm.count("health-file")) {
    service.health_file = vm["health-file"].as<std::string>();
    if (service.every.count() == 0) {
      print_problem("sluice run: --health-file goes with --every (service mode)");
      return kExitUsage;
    }
  }
  if (vm.count("listen")) {
    service.listen = runtime::parse_listen_address(vm["listen"].as<std::string>());
    if (!service.listen) {
      print_problem("sluice run: --listen must be HOST:PORT (127.0.0.1:9187, [::1]:9187, 0.0.0.0:0 for any free port), got '" +
                    vm["listen"].as<std::string>() + "'");
      return kExitUsage;
    }
    if (service.every.count() == 0) {
      print_problem("sluice run: --listen goes with --every (service mode)");
      return kExitUsage;
    }
  }
  service.pipeline = pipeline->name;
  runtime::install_stop_handlers();
  // The summary (text, or one JSON line) and the report of a finished run or pass.
  auto finish = [&](RunResult& result) {
    if (json_logs()) print_json_line(result.exit_code == 0 ? "info" : "error", "summary", nlohmann::json::parse(format_report(*pipeline, result)), std::cout);
    else std::cout << redact::apply(format_summary(result)) << std::flush;
    if (!report.empty()) {
      std::ofstream out(report, std::ios::trunc);
      out << redact::apply(format_report(*pipeline, result));
      out.close();
      if (!out) {
        spdlog::error("cannot write the report to {}: {}", report, std::strerror(errno));
        if (result.exit_code == kExitOk) result.exit_code = kExitFailed;
      }
    }
    if (result.exit_code == 0) spdlog::info("run {} finished", result.run_id);
    else spdlog::error("run {} failed (exit {})", result.run_id, result.exit_code);
  };
  if (service.every.count() > 0) {
    try {
      auto pass = [&](const CommitListener& on_commit) {
        RunOptions with_listener = ro;
        with_listener.on_commit = on_commit;
        return Runner(*pipeline, drivers, with_listener).run();
      };
      return runtime::run_service(service, pass, [&](const RunResult& r) {
      RunResult copy = r;
      finish(copy);
    });
    } catch (const Error& e) {
      print_problem("sluice run: " + std::string(e.what()));
      return exit_code_for(e.error_class());
    }
  }
  RunResult result = Runner(*pipeline, drivers, ro).run();
  finish(result);
  return result.exit_code;
}

int main(int argc, char** argv) {
  if (argc < 2) { std::cerr << kUsage; return kExitUsage; }
  std::string command = argv[1];
  if (command == "--version" || command == "-V") { std::cout << "sluice " << SLUICE_VERSION << "\n"; return 0; }
  if (command == "--help" || command == "-h" || command == "help") { std::cout << kUsage; return 0; }

  if (command == "copy") return copy_command(argc - 1, argv + 1);
  if (command == "discover") return discover_command(argc - 1, argv + 1);
  auto opts = common_options();
  if (command == "run") {
    opts.add(run_options());
  } else if (command == "state") {
    opts.add_options()("reset", po::value<std::string>(), "clear the checkpoints of STEP, its tables and ranges too (default: show them)")("reset-all", "clear every checkpoint of the pipeline (default: off)");
  } else if (command != "validate" && command != "plan" && command != "verify") {
    std::cerr << "sluice: unknown command '" << command << "'\n" << kUsage;
    return kExitUsage;
  }
  po::options_description hidden;
  hidden.add_options()("pipeline", po::value<std::string>());
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("pipeline", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc - 1, argv + 1).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    // The options did not parse, but a JSON log reader still gets JSON.
    for (int i = 1; i + 1 < argc; ++i)
      if (std::string(argv[i]) == "--log-format" && std::string(argv[i + 1]) == "json") setup_logging("json", "info");
    for (int i = 1; i < argc; ++i)
      if (std::string(argv[i]) == "--log-format=json") setup_logging("json", "info");
    print_problem("sluice " + command + ": " + e.what());
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << "usage: sluice " << command << " PIPELINE.yaml [options]\n\n" << opts;
    return 0;
  }
  if (!setup_logging(vm["log-format"].as<std::string>(), vm["log-level"].as<std::string>())) {
    std::cerr << "sluice: --log-format must be text or json, --log-level trace, debug, info, warn or error\n";
    return kExitUsage;
  }
  if (!vm.count("pipeline")) {
    print_problem("sluice " + command + ": missing PIPELINE.yaml");
    return kExitUsage;
  }
  const std::string path = vm["pipeline"].as<std::string>();
  RunOptions ro;
  if (vm.count("step")) ro.steps = vm["step"].as<std::vector<std::string>>();
  auto pipeline = load(path, vm, ro.steps, command != "verify" && command != "state");
  if (!pipeline) return kExitUsage;

  DriverRegistry drivers;
  register_builtin_drivers(drivers);

  if (command == "validate") {
    const std::string ok = path + ": ok (" + std::to_string(pipeline->steps.size()) + " steps, " +
                           std::to_string(pipeline->connections.size()) + " connections)";
    if (json_logs()) print_json_line("info", ok, nlohmann::json::object(), std::cout);
    else std::cout << ok << "\n";
    return 0;
  }
  if (command == "plan" || command == "verify" || command == "state") {
    // Collected, then printed with secrets masked (an error text can quote a server's).
    std::ostringstream out;
    nlohmann::json doc = nlohmann::json::object();
    int code = 0;
    if (command == "plan") code = plan_command(*pipeline, drivers, out, doc);
    else if (command == "verify") code = runtime::verify_pipeline(*pipeline, drivers, out, doc);
    else code = state_command(*pipeline, drivers, vm.count("reset") ? vm["reset"].as<std::string>() : "", vm.count("reset-all") > 0, out, doc);
    if (!json_logs()) {
      std::cout << redact::apply(out.str());
      return code;
    }
    print_report_lines(command, *pipeline, code, doc);
    return code;
  }

  return run_command(*pipeline, drivers, vm, ro);
}

}  // namespace sluice::cli
