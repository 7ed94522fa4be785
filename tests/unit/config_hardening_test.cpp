// Hostile and careless pipeline files (issue 7): each input is a config error naming
// file:line, never a crash, never a secret in a message, never slow.
#include <gtest/gtest.h>

#include <chrono>

#include "sluice/config.h"
#include "support/config_load.h"
#include "support/temp_dir.h"

using namespace sluice;
using namespace sluice::config;
using test::expect_error;
using test::load_text;

namespace {

const std::string kHead = "version: 1\nname: h\n";
const std::string kSteps =
    "steps:\n"
    "  - name: s\n"
    "    extract: {from: src, table: t}\n"
    "    load: {to: dst, table: u}\n";

std::string with_connections(const std::string& connections) {
  return kHead + "connections:\n" + connections + kSteps;
}

// Item 7: inputs that used to escape as "internal error".
TEST(ConfigHardening, Item7_HugeTimeoutsAndDurationsAreConfigErrors) {
  expect_error(with_connections("  src: {url: \"postgres://u@h/db?connect_timeout=99999999999999999999\"}\n  dst: {url: sqlite:x.db}\n"),
               4, "connect_timeout is out of range");
  expect_error(with_connections("  src: {url: sqlite:a.db, connect_timeout: 99999999999999999999}\n  dst: {url: sqlite:x.db}\n"),
               4, "connect_timeout must be a duration");
  expect_error(kHead + "connections:\n  src: {url: sqlite:a.db}\n  dst: {url: sqlite:x.db}\n"
                       "defaults: {retry: {initial_backoff: 999999999999h999999999999h}}\n" + kSteps,
               6, "initial_backoff must be a duration");
  EXPECT_FALSE(parse_duration("999999999999h999999999999h"));
  EXPECT_FALSE(parse_duration("9223372036854775807ms"));
  EXPECT_EQ(parse_duration("1h30m")->count(), 5400000);
}

TEST(ConfigHardening, Item7_FoldersInsteadOfFilesAreConfigErrors) {
  test::TempDir dir;
  try {
    load_pipeline(dir.path(), {});
    FAIL();
  } catch (const ConfigErrors& e) {
    EXPECT_NE(std::string(e.what()).find("is a folder, not a YAML file"), std::string::npos) << e.what();
  }
  std::filesystem::create_directories(dir.file("conns"));
  test::write_file(dir.file("p.yaml"), kHead + "connections_file: conns\n" + kSteps);
  try {
    load_pipeline(dir.file("p.yaml"), {});
    FAIL();
  } catch (const ConfigErrors& e) {
    EXPECT_NE(e.diagnostics()[0].display().find("p.yaml:3:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("is a folder"), std::string::npos) << e.what();
  }
}

TEST(ConfigHardening, StepNamesCannotLookLikeTableOrShardKeys) {
  expect_error(kHead + "connections:\n  src: {url: sqlite:a.db}\n  dst: {url: sqlite:x.db}\nsteps:\n  - name: a/b\n"
                       "    extract: {from: src, table: t}\n    load: {to: dst}\n",
               7, "may not hold '/' or '@'");
}

TEST(ConfigHardening, Item7_EmptyConnectionNameAndMissingExtract) {
  std::string yaml = kHead + "connections:\n  \"\": {url: sqlite:a.db}\n  dst: {url: \"csv://./out\"}\nsteps:\n  - name: s\n    load: {to: \"\"}\n";
  expect_error(yaml, 4, "a connection needs a name");
  expect_error(yaml, 7, "needs extract:");
}

// Item 8: the suggestion search stays cheap on hostile names.
TEST(ConfigHardening, Item8_LongNamesDoNotMakeValidationSlow) {
  std::string yaml = kHead + "connections:\n  src: {url: sqlite:a.db}\n  dst: {url: sqlite:b.db}\nsteps:\n";
  for (int i = 0; i < 2; ++i) {
    std::string name(30000, static_cast<char>('a' + i));
    yaml += "  - name: s" + std::to_string(i) + "\n    " + name + ": 1\n    extract: {from: " + name + ", table: t}\n    load: {to: dst}\n";
  }
  ASSERT_GT(yaml.size(), 60000u);
  auto start = std::chrono::steady_clock::now();
  auto r = load_text(yaml);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_FALSE(r.pipeline);
  EXPECT_FALSE(r.errors.empty());
  // Not a benchmark: it took 45 s before the bound; anything quadratic fails this.
  EXPECT_LT(seconds, 5.0);
  EXPECT_FALSE(did_you_mean(std::string(30000, 'x'), {std::string(30000, 'y')}));
}

// Item 10: input that used to be accepted silently.
TEST(ConfigHardening, Item10_SecondDocumentMappingKeysNestingAliases) {
  expect_error(with_connections("  src: {url: sqlite:a.db}\n  dst: {url: sqlite:x.db}\n") + "---\nname: other\n", 10,
               "a second YAML document");
  expect_error(kHead + "connections:\n  ? {a: 1}\n  : {url: sqlite:a.db}\n  dst: {url: sqlite:x.db}\n" + kSteps, 4,
               "a key must be a plain name, got a mapping");
  std::string deep = kHead + "connections: " + std::string(5000, '[') + std::string(5000, ']') + "\n" + kSteps;
  expect_error(deep, 3, "YAML nesting deeper than");
  // A stray ',' made yaml-cpp's LoadAll collect empty documents until memory ran out.
  expect_error("{version: 1, name: h}\n,\n", 2, "unexpected ','");
  expect_error(",", 1, "must be a mapping");
  std::string nested = kHead + "connections:\n  src: {url: sqlite:a.db}\n  dst: {url: sqlite:x.db}\n" + kSteps +
                       "    transform: " + std::string(150, '[') + std::string(150, ']') + "\n";
  auto r = load_text(nested);
  ASSERT_FALSE(r.pipeline);
  EXPECT_NE(r.errors[0].message.find("nesting deeper than"), std::string::npos) << r.errors[0].display();
  expect_error(with_connections("  src: {url: sqlite:a.db}\n  dst: *missing_anchor\n"), 5, "alias '*missing_anchor'");
}

TEST(ConfigHardening, Item10_PasswordFileThatIsAFolder) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.file("secret"));
  test::write_file(dir.file("p.yaml"), with_connections("  src: {url: sqlite:a.db}\n  dst:\n    driver: postgres\n    database: d\n"
                                                        "    password_file: secret\n"));
  try {
    load_pipeline(dir.file("p.yaml"), {});
    FAIL() << "a folder was read as an empty password";
  } catch (const ConfigErrors& e) {
    EXPECT_NE(std::string(e.what()).find("password_file " + dir.file("secret") + " is a folder"), std::string::npos) << e.what();
    EXPECT_NE(e.diagnostics()[0].display().find("p.yaml:8:"), std::string::npos) << e.what();
  }
}

TEST(ConfigHardening, Item10_LuaThatDoesNotCompileIsFoundByValidate) {
  std::string conns = "connections:\n  src: {url: sqlite:a.db}\n  dst: {url: sqlite:x.db}\n";
  expect_error(kHead + conns + kSteps + "    transform:\n      - filter: \"id >\"\n", 11, "does not compile");
  expect_error(kHead + conns + kSteps + "    transform:\n      - derive: {x: \"1 +\", y: \"2\"}\n", 11, "derive of 'x'");
  test::TempDir dir;
  test::write_file(dir.file("bad.lua"), "function transform(row)\n  return row\n-- no end\n");
  test::write_file(dir.file("p.yaml"), kHead + conns + kSteps + "    transform:\n      - lua: bad.lua\n");
  try {
    load_pipeline(dir.file("p.yaml"), {});
    FAIL() << "a Lua file with a syntax error was accepted";
  } catch (const ConfigErrors& e) {
    EXPECT_NE(std::string(e.what()).find("bad.lua does not compile"), std::string::npos) << e.what();
    EXPECT_NE(e.diagnostics()[0].display().find("p.yaml:11:"), std::string::npos) << e.what();
  }
}

TEST(ConfigHardening, Item10_YamlNullsWhereTheSpecAllowsThem) {
  auto r = load_text(kHead + "connections:\n  src: {url: \"csv://./in\", null: \"\\\\N\"}\n  dst: {url: sqlite:x.db}\n" + kSteps +
                     "    transform:\n      - mask: {a: null, b: \"null\", c: sha256}\n");
  ASSERT_TRUE(r.pipeline) << (r.errors.empty() ? "" : r.errors[0].display());
  ASSERT_TRUE(r.pipeline->connections.at("src").null_marker);
  EXPECT_EQ(*r.pipeline->connections.at("src").null_marker, "\\N");
  const auto& mask = r.pipeline->steps[0].transforms[0].pairs;
  ASSERT_EQ(mask.size(), 3u);
  EXPECT_EQ(mask[0], (std::pair<std::string, std::string>{"a", "null"}));
  EXPECT_EQ(mask[1], (std::pair<std::string, std::string>{"b", "null"}));
}

// Items 1-3 at validate time: what single-table steps write is checked before anything.
TEST(ConfigHardening, Items1to3_TargetsAreCheckedByValidate) {
  auto p = load_text(kHead + "connections:\n  src: {url: sqlite:a.db}\n  pg: {url: \"postgres://u@h/db\"}\n"
                             "steps:\n"
                             "  - {name: long, extract: {from: src, table: t}, load: {to: pg, table: " + std::string(64, 'n') + "}}\n"
                             "  - {name: one, extract: {from: src, table: t}, load: {to: pg, schema: crm, table: c}}\n"
                             "  - {name: two, extract: {from: src, table: t}, load: {to: pg, table: crm.c}}\n");
  ASSERT_TRUE(p.pipeline);
  EXPECT_EQ(p.pipeline->steps[1].load.schema, "crm");
  auto problems = check_targets(*p.pipeline, {});
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_NE(problems[0].message.find("over PostgreSQL's limit of 63"), std::string::npos) << problems[0].display();
  EXPECT_EQ(problems[0].location.line, 7);
  EXPECT_NE(problems[1].message.find("step two and step one both write crm.c"), std::string::npos) << problems[1].display();
  EXPECT_EQ(problems[1].location.line, 9);
  // Run one step at a time and the overlap is gone.
  EXPECT_TRUE(check_targets(*p.pipeline, {"one"}).empty());
  expect_error(kHead + "connections:\n  src: {url: sqlite:a.db}\n  pg: {url: \"postgres://u@h/db\"}\n"
                       "steps:\n  - {name: s, extract: {from: src, table: t}, load: {to: pg, schema: a, table: b.c}}\n",
               7, "give the schema once");
  expect_error(kHead + "connections:\n  src: {url: sqlite:a.db}\n  out: {url: \"csv://./o\"}\n"
                       "steps:\n  - {name: s, extract: {from: src, table: t}, load: {to: out, schema: a}}\n",
               7, "does not apply to a csv target");
}

// Item 5: no message quotes a password, wherever it came from.
TEST(ConfigHardening, Item5_NoConfigErrorQuotesAPassword) {
  const std::string secret = "Zebra-Quartz-7719";
  test::TempDir dir;
  test::write_file(dir.file("pw"), secret + "\n");
  Environment env;
  env.set("SECRET", secret);
  std::vector<std::string> connections = {
      "  db: {url: \"postgres://sec:Zebra-Quartz-7719/x@h:5432/db\", hots: x}\n",  // unescaped '/' in the password
      "  db: {url: \"postgres://sec:Zebra?Quartz-7719@h/db?sslmode=nope\"}\n",
      "  db: {url: \"postgres://sec:Zebra-Quartz-7719#@h:notaport/db\"}\n",
      "  db: {url: \"postgres://sec:Zebra-${Quartz-7719@h/db\"}\n",            // '${' in the password
      "  db: {url: \"mysql://sec:Zebra-Quartz-7719@h:99999/db\"}\n",
      "  db: {url: \"postgres://sec:Zebra-Quartz-7719%zz@h/db\"}\n",
      "  db: {url: \"postgres://sec:Zebra-Quartz-7719\"}\n",                  // no '@': it reads as host:port
      "  db: \"postgres://sec:Zebra-Quartz-7719@h/db\"\n",                   // a URL where a mapping belongs
      "  db: {driver: postgres, host: h, password: \"Zebra-Quartz-7719\", port: x}\n",
      "  db: {driver: postgres, password: [\"Zebra-Quartz-7719\"]}\n",
      "  db: {driver: postgres, host: h, database: d, password: \"${SECRET}\", tls: {mode: verify-ca}}\n",
      "  db: {driver: postgres, host: h, database: d, password_file: pw, passwort: 1}\n",
      "  db: {driver: postgres, host: h, database: d, password: \"${SECRET\"}\n",
      "  db: {url: \"postgres://sec:${SECRET}@h/db?bad=1\"}\n",
      // A broken quote lets the password line run into the port (found by fuzz_pipeline).
      "  db:\n    driver: postgres\n    port: '{PGPORT}\n    password: ${SECRET}'\n    database: d\n",
      "  db:\n    driver: postgres\n    port: '{PGPORT}\n    password: Zebra-Quartz-7719'\n    database: d\n",
  };
  for (const auto& c : connections) {
    test::write_file(dir.file("p.yaml"), kHead + "connections:\n" + c + "  dst: {url: sqlite:x.db}\n" +
                                             "steps:\n  - {name: s, extract: {from: db, table: t}, load: {to: dst}}\n");
    try {
      load_pipeline(dir.file("p.yaml"), env);
      ADD_FAILURE() << "accepted: " << c;
    } catch (const ConfigErrors& e) {
      EXPECT_EQ(std::string(e.what()).find("Quartz"), std::string::npos) << c << " gave:\n" << e.what();
    }
  }
}

}  // namespace

namespace {
TEST(ConfigHardening, Item5_PasswordsWithUrlDelimitersParse) {
  ConnectionConfig c;
  ASSERT_EQ(apply_url("postgres://sec:Zeb/ra?x#y@db.example:6432/shop?sslmode=require", "/", c), "");
  EXPECT_EQ(c.user, "sec");
  EXPECT_EQ(c.password, "Zeb/ra?x#y");
  EXPECT_EQ(c.host, "db.example");
  EXPECT_EQ(c.port, 6432);
  EXPECT_EQ(c.database, "shop");
  EXPECT_EQ(c.tls.mode, TlsMode::require);
  ConnectionConfig d;
  EXPECT_NE(apply_url("postgres://u:p%00w@h/db", "/", d).find("NUL byte"), std::string::npos);
}
}  // namespace

namespace {

// Found by fuzz_pipeline: a name filled from ${VAR} and refused for its characters was
// quoted with the variable's value. Names are quoted as written.
TEST(ConfigHardening, RefusedNamesAreQuotedAsWrittenNotInterpolated) {
  test::Environment env;
  env.set("SECRET_VAR", "Zebra-Quartz-7719");
  const std::string yaml = "version: 1\nname: \"bad name ${SECRET_VAR}\"\nconnections:\n  a: {url: sqlite:a.db}\n"
                           "steps:\n  - {name: \"x/${SECRET_VAR}\", extract: {from: a, table: t}, load: {to: a, table: u}}\n";
  auto r = test::load_text(yaml, env);
  ASSERT_FALSE(r.pipeline);
  std::string all;
  for (const auto& d : r.errors) all += d.display() + "\n";
  EXPECT_EQ(all.find("Zebra-Quartz-7719"), std::string::npos) << all;
  EXPECT_NE(all.find("name 'bad name ${SECRET_VAR}' may hold only letters"), std::string::npos) << all;
  EXPECT_NE(all.find("step name 'x/${SECRET_VAR}' may not hold"), std::string::npos) << all;
}

}  // namespace
