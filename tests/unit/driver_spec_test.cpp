// Drivers bring their own config (issue 8, item 5): the loader reads the shape every
// connection shares and hands the rest to the driver's spec (src/core/driver_spec.h).
#include <gtest/gtest.h>

#include "core/driver_spec.h"
#include "support/config_load.h"

using namespace sluice;
using test::expect_error;
using test::load_text;

namespace {

std::string pipeline_with(const std::string& connection) {
  return "version: 1\nname: d\nconnections:\n  c:\n" + connection +
         "  out:\n    url: csv://./out\nsteps:\n  - {name: s, extract: {from: c, table: t}, load: {to: out, table: t}}\n";
}

TEST(DriverSpecs, EveryBuiltInDriverDescribesItself) {
  ASSERT_EQ(driver_specs().size(), 5u);
  for (const auto& s : driver_specs()) {
    EXPECT_FALSE(s.url_schemes.empty()) << s.name;
    EXPECT_TRUE(s.connect) << s.name;
    EXPECT_TRUE(s.validate) << s.name;
    ASSERT_NE(s.names, nullptr) << s.name;
    EXPECT_EQ(&ident::rule_for(s.name), &s.names()) << "the name rule is the driver's own";
  }
  EXPECT_EQ(driver_for_scheme("postgresql")->name, "postgres");
  EXPECT_EQ(driver_for_scheme("mariadb")->name, "mysql");
  EXPECT_EQ(driver_for_scheme("oracle"), nullptr);  // Oracle is reached through odbc:
  EXPECT_EQ(driver_for_scheme("odbc")->name, "odbc");
  EXPECT_FALSE(find_driver("csv")->can.upsert);
  EXPECT_FALSE(find_driver("sqlite")->can.schemas);
}

TEST(DriverSpecs, AKeyOfAnotherDriverDoesNotApply) {
  expect_error(pipeline_with("    url: postgres://u@h/db\n    delimiter: \";\"\n"), 6, "delimiter does not apply to a postgres connection");
  expect_error(pipeline_with("    url: sqlite:x.db\n    tls: {mode: require}\n"), 6, "tls does not apply to a sqlite connection");
}

TEST(DriverSpecs, UnknownKeysAreSuggestedFromEveryDriversKeys) {
  expect_error(pipeline_with("    url: csv://./in\n    delimter: \";\"\n"), 6, "did you mean 'delimiter'");
}

TEST(DriverSpecs, TheDriversOwnValidationReportsWithItsLine) {
  expect_error(pipeline_with("    url: csv://./in\n    delimiter: \";;\"\n"), 6, "delimiter must be one character");
  expect_error(pipeline_with("    driver: mysql\n    host: h\n"), 5, "(mysql) needs a database");
  auto r = load_text(pipeline_with("    url: csv://./in\n    delimiter: \";\"\n    \"null\": \"-\"\n"));
  ASSERT_TRUE(r.pipeline) << (r.errors.empty() ? "" : r.errors[0].display());
  EXPECT_EQ(r.pipeline->connections.at("c").delimiter, ';');
  EXPECT_EQ(*r.pipeline->connections.at("c").null_marker, "-");
}

TEST(DriverSpecs, CapabilitiesDecideWhatAStepMayAsk) {
  const std::string csv = "version: 1\nname: d\nconnections:\n  in: {url: csv://./in}\n  db: {url: sqlite:x.db}\nsteps:\n";
  expect_error(csv + "  - {name: s, extract: {from: in, query: \"SELECT 1\"}, load: {to: db, table: t}}\n", 7,
               "a CSV connection has no query language");
  expect_error(csv + "  - {name: s, extract: {from: db, table: t}, load: {to: in, table: t, mode: upsert, key: [id]}}\n", 7,
               "a CSV target supports append, truncate and replace, not upsert");
  expect_error(csv + "  - {name: s, extract: {from: in, table: t}, load: {to: db, schema: x, table: t}}\n", 7,
               "load schema: does not apply to a sqlite target");
}

}  // namespace
