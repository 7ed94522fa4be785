// What ships beside the code, checked as far as this machine can without Docker or a
// cluster: every pipeline in pipelines/ and docker/ validates, those that need only
// SQLite and CSV run; the compose file and Kubernetes manifests say what their comments
// promise (images, commands, secrets, health checks); the Dockerfile builds with the
// scripts CI runs and its runtime image has the package of every library the binary links.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "support/process.h"
#include "support/sqlite_client.h"
#include "support/temp_dir.h"

using namespace sluice;
namespace fs = std::filesystem;

namespace {

const std::string kSource = SLUICE_SOURCE_DIR;

// The connection variables the example pipelines require; validate touches no database.
const std::string kEnv =
    "PG_URL=postgres://u:p@127.0.0.1:1/x MYSQL_URL=mysql://u:p@127.0.0.1:1/x PROD_URL=postgres://u:p@127.0.0.1:1/x "
    "STAGING_URL=mysql://u:p@127.0.0.1:1/x ";

std::vector<std::string> pipeline_files() {
  std::vector<std::string> out;
  for (const char* folder : {"pipelines", "docker"})
    for (const auto& e : fs::recursive_directory_iterator(kSource + "/" + folder)) {
      if (e.path().extension() != ".yaml") continue;
      YAML::Node doc = YAML::LoadFile(e.path().string());
      if (doc.IsMap() && doc["steps"]) out.push_back(e.path().string());
    }
  return out;
}

// A mapping's key, looking through a YAML merge key (<<: *anchor) as compose files use them.
YAML::Node get(const YAML::Node& map, const std::string& key) {
  if (map[key]) return map[key];
  if (map["<<"] && map["<<"][key]) return map["<<"][key];
  return YAML::Node();
}

std::string joined(const YAML::Node& seq) {
  std::string out;
  for (const auto& item : seq) out += (out.empty() ? "" : " ") + item.as<std::string>();
  return out;
}

}  // namespace

// The README's tour pipeline is one a reader can run: it validates, and its SQLite step runs.
TEST(LocalExamples, TheReadmeTourRuns) {
  const std::string readme = test::read_file(std::string(SLUICE_SOURCE_DIR) + "/README.md");
  const auto begin = readme.find("```yaml\n# tour.yaml\n");
  ASSERT_NE(begin, std::string::npos) << "the README's tour lost its pipeline";
  const auto body = begin + std::string("```yaml\n").size();
  std::string yaml = readme.substr(body, readme.find("```", body) - body);
  const std::string folder = "csv:pipelines/fixtures";
  ASSERT_NE(yaml.find(folder), std::string::npos) << yaml;
  yaml.replace(yaml.find(folder), folder.size(), "csv:" + std::string(SLUICE_SOURCE_DIR) + "/pipelines/fixtures");
  test::TempDir dir;
  test::write_file(dir.file("tour.yaml"), yaml);
  std::string out;
  ASSERT_EQ(test::run_command("cd " + dir.path() + " && PG_PASSWORD=x " + SLUICE_BINARY + " validate tour.yaml", &out), 0) << out;
  ASSERT_EQ(test::run_command("cd " + dir.path() + " && mkdir -p out && PG_PASSWORD=x " + SLUICE_BINARY + " run tour.yaml --step customers", &out), 0) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("out/tour.db"), "SELECT count(*) FROM customers WHERE length(contact_email) = 64"), "6") << out;
}

// Every option of every command says its default (or that it has none) in --help.
TEST(LocalExamples, HelpNamesTheDefaultOfEveryOption) {
  for (const char* command : {"run", "plan", "verify", "state", "validate", "copy", "discover"}) {
    std::string out;
    ASSERT_EQ(test::run_command(std::string(SLUICE_BINARY) + " " + command + " --help", &out), 0) << command;
    // One block per option: its line and the indented lines that continue it.
    std::vector<std::string> blocks;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("  -", 0) == 0) blocks.push_back(line);
      else if (!blocks.empty() && line.rfind("      ", 0) == 0) blocks.back() += line;
    }
    EXPECT_GT(blocks.size(), 3u) << command << ":\n" << out;
    for (const auto& b : blocks) {
      if (b.find("--help") != std::string::npos) continue;
      EXPECT_TRUE(b.find("(=") != std::string::npos || b.find("default") != std::string::npos || b.find("required") != std::string::npos)
          << command << ": no default in: " << b;
    }
  }
}

TEST(LocalExamples, EveryPipelineValidatesAndTheLocalOnesRun) {
  const auto files = pipeline_files();
  std::set<std::string> names;
  for (const auto& f : files) names.insert(fs::path(f).filename().string());
  for (const char* expected : {"quickstart.yaml", "ci_seed.yaml", "mask_prod_to_staging.yaml"})
    EXPECT_TRUE(names.count(expected)) << expected << " is missing from pipelines/";
  for (const auto& f : files) {
    std::string out;
    EXPECT_EQ(test::run_command(kEnv + SLUICE_BINARY + " validate " + f, &out), 0) << f << ":\n" << out;
  }

  // The masking pipeline, run on SQLite: a subset, names and e-mails replaced, the same
  // fake for the same input.
  test::TempDir dir;
  test::sqlite_exec(dir.file("prod.db"), "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, email TEXT, country TEXT, signup_date DATE); "
                                         "INSERT INTO customers VALUES (1, 'Ada Lovelace', 'ada@example.org', 'GB', '2024-01-15'), "
                                         "(2, 'Alan Turing', 'alan@example.org', 'XX', '2024-02-01'), (3, 'Ada Lovelace', 'ada@example.org', 'NL', '2024-03-01')");
  std::string out;
  ASSERT_EQ(test::run_command("PROD_URL=sqlite:" + dir.file("prod.db") + " STAGING_URL=sqlite:" + dir.file("staging.db") + " " + SLUICE_BINARY +
                              " run " + kSource + "/pipelines/mask_prod_to_staging.yaml", &out), 0) << out;
  EXPECT_EQ(test::sqlite_scalar(dir.file("staging.db"), "SELECT group_concat(id || country, ',') FROM (SELECT * FROM staging_customers ORDER BY id)"), "1GB,3NL");
  EXPECT_EQ(test::sqlite_scalar(dir.file("staging.db"), "SELECT count(*) FROM staging_customers WHERE email LIKE '%example.org' OR name LIKE 'Ada%'"), "0");
  EXPECT_EQ(test::sqlite_scalar(dir.file("staging.db"), "SELECT count(DISTINCT email) || ':' || count(DISTINCT name) FROM staging_customers"), "1:1");

  // The quickstart, into a database of its own.
  ASSERT_EQ(test::run_command("SLUICE_QUICKSTART_DB=" + dir.file("qs.db") + " " + SLUICE_BINARY + " run " + kSource + "/pipelines/quickstart.yaml", &out), 0)
      << out;
  EXPECT_NE(test::sqlite_scalar(dir.file("qs.db"), "SELECT count(*) FROM contacts"), "0");
}

TEST(LocalExamples, ComposeAndKubernetesManifestsRunWhatTheySay) {
  YAML::Node compose = YAML::LoadFile(kSource + "/docker/compose.yaml");
  YAML::Node services = compose["services"];
  ASSERT_TRUE(services.IsMap());
  for (const char* name : {"postgres", "mariadb", "seed", "migrate", "sync"}) ASSERT_TRUE(services[name]) << name;
  for (const char* db : {"postgres", "mariadb"}) EXPECT_TRUE(services[db]["healthcheck"]["test"]) << db << " has a health check";
  for (const char* name : {"seed", "migrate", "sync"}) {
    const YAML::Node s = services[name];
    EXPECT_EQ(get(s, "image").as<std::string>(""), "sluice:latest") << name;
    EXPECT_EQ(get(s, "build")["dockerfile"].as<std::string>(""), "docker/Dockerfile") << name;
    EXPECT_TRUE(get(s, "environment")["PG_URL"] && get(s, "environment")["MYSQL_URL"]) << name;
    EXPECT_TRUE(get(s, "depends_on")) << name;
  }
  EXPECT_NE(joined(services["seed"]["command"]).find("/pipelines/ci_seed.yaml"), std::string::npos);
  EXPECT_NE(joined(services["migrate"]["command"]).find("sluice copy"), std::string::npos);
  const std::string sync = joined(services["sync"]["command"]);
  for (const char* part : {"--every", "--health-file /tmp/health.json", "--listen 0.0.0.0:9187"}) EXPECT_NE(sync.find(part), std::string::npos) << sync;
  EXPECT_NE(joined(services["sync"]["healthcheck"]["test"]).find("/tmp/health.json"), std::string::npos);
  EXPECT_EQ(services["sync"]["ports"][0].as<std::string>(), "127.0.0.1:9187:9187") << "the metrics port published on loopback only";
  EXPECT_EQ(services["sync"]["depends_on"]["migrate"]["condition"].as<std::string>(""), "service_completed_successfully");

  auto container_of = [](const YAML::Node& pod_spec) { return pod_spec["containers"][0]; };
  YAML::Node cron = YAML::LoadFile(kSource + "/docker/k8s/cronjob.yaml");
  EXPECT_EQ(cron["kind"].as<std::string>(), "CronJob");
  EXPECT_EQ(cron["spec"]["concurrencyPolicy"].as<std::string>(), "Forbid");
  YAML::Node c = container_of(cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]);
  EXPECT_EQ(c["image"].as<std::string>(), "sluice:latest");
  EXPECT_EQ(c["args"][0].as<std::string>(), "run");
  EXPECT_TRUE(c["envFrom"][0]["secretRef"]["name"]) << "credentials come from a Secret";

  YAML::Node job = YAML::LoadFile(kSource + "/docker/k8s/indexed-job.yaml");
  EXPECT_EQ(job["spec"]["completionMode"].as<std::string>(), "Indexed");
  c = container_of(job["spec"]["template"]["spec"]);
  const std::string args = joined(c["args"]);
  EXPECT_NE(args.find("--shard $(JOB_COMPLETION_INDEX)/$(SHARDS)"), std::string::npos) << args;
  EXPECT_EQ(c["env"][0]["name"].as<std::string>(), "SHARDS");
  EXPECT_EQ(c["env"][0]["value"].as<int>(), job["spec"]["completions"].as<int>());
  EXPECT_EQ(job["spec"]["parallelism"].as<int>(), job["spec"]["completions"].as<int>());
  EXPECT_TRUE(c["envFrom"][0]["secretRef"]["name"]);
}

TEST(LocalExamples, DockerfileBuildsWithCiScriptsAndShipsEveryLinkedLibrary) {
  const std::string dockerfile = test::read_file(kSource + "/docker/Dockerfile");
  EXPECT_NE(dockerfile.find("RUN scripts/install-deps.sh"), std::string::npos);
  EXPECT_NE(dockerfile.find("RUN scripts/build.sh"), std::string::npos);
  EXPECT_EQ(dockerfile.find("cmake"), std::string::npos) << "no build logic that only the Dockerfile has";
  EXPECT_NE(dockerfile.find("FROM debian:12 AS build"), std::string::npos);
  EXPECT_NE(dockerfile.find("FROM debian:12-slim"), std::string::npos);
  EXPECT_NE(dockerfile.find("USER sluice"), std::string::npos);
  EXPECT_NE(dockerfile.find("ENTRYPOINT [\"/usr/local/bin/sluice\"]"), std::string::npos);
  EXPECT_NE(test::read_file(kSource + "/scripts/quickstart.sh").find("scripts/build.sh"), std::string::npos)
      << "the quickstart builds with the same script";
  // The runtime stage's packages: the apt-get line after FROM debian:12-slim.
  const std::string runtime = dockerfile.substr(dockerfile.find("FROM debian:12-slim"));
  std::string needed;
  ASSERT_EQ(test::run_command(std::string("readelf -d ") + SLUICE_BINARY + " | awk '/NEEDED/ { gsub(/[][]/, \"\", $5); print $5 }'", &needed), 0);
  std::istringstream libs(needed);
  int checked = 0;
  for (std::string lib; std::getline(libs, lib);) {
    if (lib.find("clang_rt") != std::string::npos) continue;  // a sanitizer build's runtime, never shipped
    std::string owner;
    ASSERT_EQ(test::run_command("dpkg -S /usr/lib/x86_64-linux-gnu/" + lib + " /lib/x86_64-linux-gnu/" + lib + " 2>/dev/null | head -1 | cut -d: -f1", &owner), 0);
    while (!owner.empty() && (owner.back() == '\n' || owner.back() == ' ')) owner.pop_back();
    ASSERT_FALSE(owner.empty()) << "no Debian package owns " << lib;
    if (owner == "libc6" || owner == "libgcc-s1" || owner == "libstdc++6") continue;  // in debian:12-slim
    EXPECT_NE(runtime.find(" " + owner), std::string::npos) << lib << " (package " << owner << ") is not installed in the runtime image";
    ++checked;
  }
  EXPECT_GE(checked, 8) << needed;
}
