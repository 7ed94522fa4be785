// Pipeline file parsing: malformed files, each asserting the message and its line.
#include <gtest/gtest.h>

#include "sluice/config.h"
#include "support/config_load.h"
#include "support/temp_dir.h"

using namespace sluice;
using namespace sluice::config;
using test::expect_error;
using test::load_text;

namespace {

const char* kGood = R"(version: 1
name: demo
connections:
  src:
    url: sqlite:src.db
  dst:
    url: csv://./out
steps:
  - name: copy
    extract: {from: src, table: items}
    load: {to: dst, table: items}
)";


std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  return s.replace(p, from.size(), to);
}

}  // namespace

TEST(Config, GoodFileLoads) {
  auto r = load_text(kGood);
  ASSERT_TRUE(r.pipeline) << (r.errors.empty() ? "" : r.errors[0].display());
  EXPECT_EQ(r.pipeline->name, "demo");
  ASSERT_EQ(r.pipeline->steps.size(), 1u);
  EXPECT_EQ(r.pipeline->steps[0].load.settings.batch_size, 5000);
  EXPECT_EQ(r.pipeline->connections.at("src").driver, "sqlite");
  EXPECT_EQ(r.pipeline->connections.at("dst").driver, "csv");
}

TEST(ConfigMalformed, YamlSyntax) { expect_error("version: 1\nname: [unclosed\n", 3, "YAML syntax error"); }
TEST(ConfigMalformed, TopLevelNotMap) { expect_error("- a\n- b\n", 1, "must be a mapping"); }
TEST(ConfigMalformed, MissingVersion) { expect_error(replace(kGood, "version: 1\n", ""), 1, "missing version"); }
TEST(ConfigMalformed, WrongVersion) { expect_error(replace(kGood, "version: 1", "version: 2"), 1, "version must be between 1 and 1"); }
TEST(ConfigMalformed, VersionNotNumber) { expect_error(replace(kGood, "version: 1", "version: one"), 1, "version must be a whole number"); }
TEST(ConfigMalformed, MissingName) { expect_error(replace(kGood, "name: demo\n", ""), 1, "missing name"); }
TEST(ConfigMalformed, BadNameCharacters) { expect_error(replace(kGood, "name: demo", "name: my pipeline!"), 2, "may hold only letters"); }
TEST(ConfigMalformed, UnknownTopLevelKeyWithSuggestion) {
  expect_error(replace(kGood, "steps:", "stepz:"), 8, "unknown key 'stepz' in the pipeline; did you mean 'steps'?");
}
TEST(ConfigMalformed, UnknownConnectionKey) {
  expect_error(replace(kGood, "    url: sqlite:src.db", "    url: sqlite:src.db\n    passwrd: x"), 6, "did you mean 'password'?");
}
TEST(ConfigMalformed, UnknownStepKey) {
  expect_error(replace(kGood, "    load: {to: dst", "    laod: {}\n    load: {to: dst"), 11, "did you mean 'load'?");
}
TEST(ConfigMalformed, UnknownExtractKey) {
  expect_error(replace(kGood, "{from: src, table: items}", "{from: src, tabel: items}"), 10, "did you mean 'table'?");
}
TEST(ConfigMalformed, UnknownLoadKey) { expect_error(replace(kGood, "{to: dst, table: items}", "{to: dst, table: items, mdoe: append}"), 11, "did you mean 'mode'?"); }
TEST(ConfigMalformed, UnknownScheme) { expect_error(replace(kGood, "sqlite:src.db", "oracle://h/db"), 5, "unknown URL scheme 'oracle'"); }
TEST(ConfigMalformed, BadPort) { expect_error(replace(kGood, "sqlite:src.db", "postgres://u@h:99999/db"), 5, "out of range"); }
TEST(ConfigMalformed, PortNotNumber) { expect_error(replace(kGood, "sqlite:src.db", "mysql://u@h:abc/db"), 5, "is not a number"); }
TEST(ConfigMalformed, ConnectionWithoutDriver) {
  expect_error(replace(kGood, "    url: sqlite:src.db", "    host: localhost"), 5, "needs url: or driver:");
}
TEST(ConfigMalformed, UnknownDriver) {
  expect_error(replace(kGood, "    url: sqlite:src.db", "    driver: postgress\n    database: x"), 5, "did you mean 'postgres'?");
}
TEST(ConfigMalformed, ServerWithoutDatabase) {
  expect_error(replace(kGood, "    url: sqlite:src.db", "    driver: postgres\n    host: h"), 5, "needs a database");
}
TEST(ConfigMalformed, HostOnSqlite) { expect_error(replace(kGood, "    url: sqlite:src.db", "    url: sqlite:src.db\n    host: h"), 6, "does not apply to a sqlite connection"); }
TEST(ConfigMalformed, BadConnectTimeout) {
  expect_error(replace(kGood, "    url: sqlite:src.db", "    url: postgres://u@h/db\n    connect_timeout: 10 seconds"), 6, "must be a duration");
}
TEST(ConfigMalformed, BadTlsMode) {
  expect_error(replace(kGood, "    url: sqlite:src.db", "    url: postgres://u@h/db\n    tls: {mode: verify}"), 6, "tls mode must be one of");
}
TEST(ConfigMalformed, VerifyFullWithoutCa) {
  expect_error(replace(kGood, "    url: sqlite:src.db", "    url: postgres://u@h/db\n    tls: {mode: verify-full}"), 6, "needs ca:");
}
TEST(ConfigMalformed, MissingVariable) {
  expect_error(replace(kGood, "sqlite:src.db", "sqlite:${NO_SUCH_VAR_XYZ}.db"), 5, "variable NO_SUCH_VAR_XYZ is not set");
}
TEST(ConfigMalformed, RequiredVariableMessage) {
  expect_error(replace(kGood, "sqlite:src.db", "\"sqlite:${DB_FILE:?DB_FILE must be set}\""), 5, "DB_FILE must be set");
}
TEST(ConfigMalformed, UnterminatedInterpolation) { expect_error(replace(kGood, "sqlite:src.db", "sqlite:${OOPS"), 5, "unterminated ${"); }
TEST(ConfigMalformed, StepsEmpty) { expect_error(replace(kGood, kGood + std::string(kGood).find("steps:"), "steps: []\n"), 8, "non-empty list"); }
TEST(ConfigMalformed, StepWithoutName) { expect_error(replace(kGood, "  - name: copy\n    extract", "  - extract"), 9, "needs a name"); }
TEST(ConfigMalformed, DuplicateStepNames) {
  std::string two = std::string(kGood) + "  - name: copy\n    extract: {from: src, table: b}\n    load: {to: dst, table: b}\n";
  expect_error(two, 12, "step name 'copy' is used twice");
}
TEST(ConfigMalformed, UnknownSourceConnection) { expect_error(replace(kGood, "from: src", "from: scr"), 10, "no connection named 'scr'; did you mean 'src'?"); }
TEST(ConfigMalformed, UnknownTargetConnection) { expect_error(replace(kGood, "to: dst", "to: warehouse"), 11, "no connection named 'warehouse'"); }
TEST(ConfigMalformed, TableAndQuery) {
  expect_error(replace(kGood, "{from: src, table: items}", "{from: src, table: items, query: SELECT 1}"), 10, "exactly one of table:, query: or tables:");
}
TEST(ConfigMalformed, QueryWithoutOrderBy) {
  expect_error(replace(kGood, "{from: src, table: items}", "{from: src, query: \"SELECT * FROM t\"}"), 10, "needs order_by");
}
TEST(ConfigMalformed, BadMode) { expect_error(replace(kGood, "{to: dst, table: items}", "{to: dst, table: items, mode: upsret}"), 11, "did you mean 'upsert'?"); }
TEST(ConfigMalformed, BadCreate) { expect_error(replace(kGood, "{to: dst, table: items}", "{to: dst, table: items, create: sometimes}"), 11, "create must be one of"); }
TEST(ConfigMalformed, BatchSizeZero) { expect_error(replace(kGood, "{to: dst, table: items}", "{to: dst, table: items, batch_size: 0}"), 11, "batch_size must be between 1"); }
TEST(ConfigMalformed, CommitEveryText) {
  expect_error(std::string(kGood) + "defaults:\n  commit_every: often\n", 13, "commit_every must be a whole number");
}
TEST(ConfigMalformed, UnknownDefaultsKey) { expect_error(std::string(kGood) + "defaults:\n  batchsize: 10\n", 13, "did you mean 'batch_size'?"); }
TEST(ConfigMalformed, BadRetryBackoff) {
  expect_error(std::string(kGood) + "defaults:\n  retry: {attempts: 3, initial_backoff: fast}\n", 13, "initial_backoff must be a duration");
}
TEST(ConfigMalformed, BadOnError) { expect_error(std::string(kGood) + "defaults:\n  on_error: ignore\n", 13, "on_error must be one of abort, reject"); }
TEST(ConfigMalformed, UnknownTransform) {
  expect_error(replace(kGood, "    load: {to: dst", "    transform:\n      - renmae: {a: b}\n    load: {to: dst"), 12, "unknown transform 'renmae'; did you mean 'rename'?");
}
TEST(ConfigMalformed, TransformTwoKinds) {
  expect_error(replace(kGood, "    load: {to: dst", "    transform:\n      - {rename: {a: b}, drop: [c]}\n    load: {to: dst"), 12, "exactly one of");
}
TEST(ConfigMalformed, CastUnknownType) {
  expect_error(replace(kGood, "    load: {to: dst", "    transform:\n      - cast: {id: bigintt}\n    load: {to: dst"), 12, "unknown type 'bigintt'");
}
TEST(ConfigMalformed, MaskUnknownMethod) {
  expect_error(replace(kGood, "    load: {to: dst", "    transform:\n      - mask: {email: sha265}\n    load: {to: dst"), 12, "did you mean 'sha256'?");
}
TEST(ConfigMalformed, TransformNotList) {
  expect_error(replace(kGood, "    load: {to: dst", "    transform: {rename: {a: b}}\n    load: {to: dst"), 11, "must be a list of transforms");
}
TEST(ConfigMalformed, IncrementalWithTruncate) {
  expect_error(replace(kGood, "{from: src, table: items}\n    load: {to: dst, table: items}",
                       "{from: src, table: items, incremental: {cursor: updated_at}}\n    load: {to: dst, table: items, mode: truncate}"),
               11, "incremental loads work with append or upsert");
}
TEST(ConfigMalformed, DuplicateKey) { expect_error(replace(kGood, "name: demo\n", "name: demo\nname: again\n"), 3, "duplicate key 'name'"); }
TEST(ConfigMalformed, MissingConnectionsFile) { expect_error(replace(kGood, "connections:", "connections_file: nowhere.yaml\nconnections:"), 3, "cannot read"); }
TEST(ConfigMalformed, PasswordAndPasswordFile) {
  expect_error(replace(kGood, "    url: sqlite:src.db", "    url: postgres://u@h/db\n    password: x\n    password_file: /nonexistent"), 7, "not both");
}
TEST(ConfigMalformed, WholeDbWithLoadTable) {
  expect_error(replace(kGood, "{from: src, table: items}", "{from: src, tables: {include: [\"*\"]}}"), 11, "use schema: instead of table:");
}

TEST(ConfigMalformed, UpsertIntoCsv) {
  expect_error(replace(kGood, "{to: dst, table: items}", "{to: dst, table: items, mode: upsert, key: [id]}"), 11, "a CSV target supports append, truncate and replace");
}

TEST(ConfigMalformed, WhereOnCsvSource) {
  std::string swapped = replace(replace(kGood, "{from: src,", "{from: dst, where: \"x > 1\","), "{to: dst,", "{to: src,");
  expect_error(swapped, 10, "a CSV connection cannot apply where:");
}

TEST(ConfigMalformed, AnUnknownTimezoneIsAnErrorAtItsLine) {
  expect_error(replace(kGood, "    url: sqlite:src.db", "    url: postgres://u@h/db\n    timezone: Europe/Amsterdm"), 6,
               "unknown time zone 'Europe/Amsterdm'");
  // As written: a variable's value is never shown.
  Environment env;
  env.set("ZONE", "Zebra-Quartz-7719");
  auto secret = load_text(replace(kGood, "    url: sqlite:src.db", "    url: postgres://u@h/db\n    timezone: ${ZONE}"), env);
  ASSERT_EQ(secret.errors.size(), 1u);
  EXPECT_NE(secret.errors[0].message.find("unknown time zone '${ZONE}'"), std::string::npos) << secret.errors[0].message;
  EXPECT_EQ(secret.errors[0].message.find("Zebra"), std::string::npos) << secret.errors[0].message;
  auto r = load_text(replace(kGood, "    url: sqlite:src.db", "    url: postgres://u@h/db\n    timezone: Europe/Amsterdam"));
  ASSERT_TRUE(r.pipeline);
  EXPECT_EQ(r.pipeline->connections.at("src").timezone, "Europe/Amsterdam");
}

TEST(ConfigMalformed, ReportsAllErrorsAtOnce) {
  std::string bad = replace(replace(replace(kGood, "version: 1", "version: 9"), "from: src", "from: nope"), "to: dst", "to: nada");
  auto r = load_text(bad);
  ASSERT_FALSE(r.pipeline);
  EXPECT_GE(r.errors.size(), 3u);
}

TEST(ConfigInterpolation, SetDefaultAndRequired) {
  Environment env;
  env.set("HOST", "db.internal");
  std::string err;
  EXPECT_EQ(*interpolate("${HOST}:5432", env, err), "db.internal:5432");
  EXPECT_EQ(*interpolate("${PORT:-5433}", env, err), "5433");
  EXPECT_EQ(*interpolate("${HOST:-x}", env, err), "db.internal");
  EXPECT_EQ(*interpolate("cost $$5", env, err), "cost $5");
  EXPECT_EQ(*interpolate("plain $HOME text", env, err), "plain $HOME text");
  EXPECT_FALSE(interpolate("${PW:?PW must be set}", env, err));
  EXPECT_NE(err.find("PW must be set"), std::string::npos);
  EXPECT_FALSE(interpolate("${MISSING}", env, err));
  EXPECT_NE(err.find("MISSING is not set"), std::string::npos);
  env.set("EMPTY", "");
  EXPECT_EQ(*interpolate("${EMPTY:-fallback}", env, err), "fallback");
  EXPECT_EQ(*interpolate("[${EMPTY}]", env, err), "[]");
}

TEST(ConfigInterpolation, EnvFileFillsOnlyUnset) {
  test::TempDir dir;
  test::write_file(dir.file(".env"), "# comment\nA=from_file\nexport B=\"quoted # not comment\"\nC=plain # comment\n");
  Environment env;
  env.set("A", "from_env");
  env.add_env_file(dir.file(".env"));
  EXPECT_EQ(*env.get("A"), "from_env");
  EXPECT_EQ(*env.get("B"), "quoted # not comment");
  EXPECT_EQ(*env.get("C"), "plain");
}

TEST(ConfigInterpolation, EnvFileBadLineNamesLine) {
  test::TempDir dir;
  test::write_file(dir.file("bad.env"), "A=1\nthis is not an assignment\n");
  Environment env;
  try {
    env.add_env_file(dir.file("bad.env"));
    FAIL() << "expected an error";
  } catch (const ConfigErrors& e) {
    EXPECT_EQ(e.diagnostics()[0].location.line, 2);
  }
}

TEST(ConfigInterpolation, InPipelineWithPasswordNeverShown) {
  Environment env;
  env.set("PGPASSWORD", "s3cr3t");
  auto r = load_text(replace(kGood, "sqlite:src.db", "postgres://etl:${PGPASSWORD}@db:5433/shop?sslmode=require"), env);
  ASSERT_TRUE(r.pipeline);
  const auto& c = r.pipeline->connections.at("src");
  EXPECT_EQ(c.password, "s3cr3t");
  EXPECT_EQ(c.display(), "postgres://etl:***@db:5433/shop");
  EXPECT_EQ(c.tls.mode, TlsMode::require);
}

TEST(ConfigDuration, Forms) {
  EXPECT_EQ(parse_duration("500ms")->count(), 500);
  EXPECT_EQ(parse_duration("10s")->count(), 10000);
  EXPECT_EQ(parse_duration("5m")->count(), 300000);
  EXPECT_EQ(parse_duration("1h")->count(), 3600000);
  EXPECT_EQ(parse_duration("1m30s")->count(), 90000);
  EXPECT_FALSE(parse_duration("10"));
  EXPECT_FALSE(parse_duration("fast"));
  EXPECT_FALSE(parse_duration("-1s"));
}

TEST(ConfigUrl, AllDrivers) {
  ConnectionConfig c;
  EXPECT_EQ(apply_url("postgresql://u%40x:p%3Aw@[::1]:6543/my%20db?sslmode=verify-full&sslrootcert=ca.pem", "/base", c), "");
  EXPECT_EQ(c.driver, "postgres");
  EXPECT_EQ(c.user, "u@x");
  EXPECT_EQ(c.password, "p:w");
  EXPECT_EQ(c.host, "::1");
  EXPECT_EQ(c.port, 6543);
  EXPECT_EQ(c.database, "my db");
  EXPECT_EQ(c.tls.mode, TlsMode::verify_full);
  EXPECT_EQ(c.tls.ca, "/base/ca.pem");

  ConnectionConfig m;
  EXPECT_EQ(apply_url("mariadb://root@127.0.0.1/shop", "/base", m), "");
  EXPECT_EQ(m.driver, "mysql");
  EXPECT_EQ(m.port, 0);
  EXPECT_EQ(m.database, "shop");

  ConnectionConfig s1, s2, s3;
  EXPECT_EQ(apply_url("sqlite:///var/lib/app.db", "/base", s1), "");
  EXPECT_EQ(s1.path, "/var/lib/app.db");
  EXPECT_EQ(apply_url("sqlite:rel/app.db", "/base", s2), "");
  EXPECT_EQ(s2.path, "/base/rel/app.db");
  EXPECT_EQ(apply_url("sqlite::memory:", "/base", s3), "");
  EXPECT_EQ(s3.path, ":memory:");

  ConnectionConfig f1, f2;
  EXPECT_EQ(apply_url("csv://./fixtures", "/base", f1), "");
  EXPECT_EQ(f1.path, "/base/fixtures");
  EXPECT_EQ(apply_url("csv:///data/in", "/base", f2), "");
  EXPECT_EQ(f2.path, "/data/in");

  ConnectionConfig bad;
  EXPECT_NE(apply_url("postgres://h/db?sslmode=maybe", "/", bad), "");
  EXPECT_NE(apply_url("postgres://h/db?foo=1", "/", bad), "");
  EXPECT_NE(apply_url("ftp://h/x", "/", bad), "");
}

TEST(ConfigSuggest, DidYouMean) {
  EXPECT_EQ(did_you_mean("batchsize", {"batch_size", "commit_every"}), "batch_size");
  EXPECT_EQ(did_you_mean("tabel", {"table", "tables", "query"}), "table");
  EXPECT_FALSE(did_you_mean("zzzzzz", {"table", "query"}));
}

TEST(ConfigConnectionsFile, SharedProfilesAndOverride) {
  test::TempDir dir;
  test::write_file(dir.file("config/connections.yaml"), "connections:\n  src: {url: sqlite:shared.db}\n  dst: {url: csv://./shared}\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: d\nconnections_file: config/connections.yaml\nconnections:\n  dst: {url: csv://./mine}\n"
                                       "steps:\n  - name: s\n    extract: {from: src, table: t}\n    load: {to: dst}\n");
  auto p = load_pipeline(dir.file("p.yaml"), {});
  EXPECT_EQ(p.connections.at("src").path, dir.file("config/shared.db"));  // relative to the connections file
  EXPECT_EQ(p.connections.at("dst").path, dir.file("mine"));
  EXPECT_EQ(p.steps[0].load.table, "t");  // defaults to the source table name
}

TEST(ConfigConnectionsFile, ErrorsNameThatFile) {
  test::TempDir dir;
  test::write_file(dir.file("c.yaml"), "src:\n  url: sqlite:x.db\n  hots: h\n");
  test::write_file(dir.file("p.yaml"), "version: 1\nname: d\nconnections_file: c.yaml\nsteps:\n  - name: s\n    extract: {from: src, table: t}\n    load: {to: src}\n");
  try {
    load_pipeline(dir.file("p.yaml"), {});
    FAIL();
  } catch (const ConfigErrors& e) {
    EXPECT_NE(e.diagnostics()[0].display().find("c.yaml:3:3"), std::string::npos) << e.what();
  }
}
