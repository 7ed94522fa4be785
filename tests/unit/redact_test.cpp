// redact::apply: URL passwords and remembered secrets never reach printed text.
#include <gtest/gtest.h>

#include "core/redact.h"

using namespace sluice;

namespace {

TEST(Redact, UrlPasswordsAreMasked) {
  EXPECT_EQ(redact::apply("postgres://etl:Zebra@db:5432/x"), "postgres://etl:***@db:5432/x");
  EXPECT_EQ(redact::apply("see mysql://root:p/a?s#s@h/db now"), "see mysql://root:***@h/db now");
  EXPECT_EQ(redact::apply("'postgres://u:a@b@h/db'"), "'postgres://u:***@h/db'");
  EXPECT_EQ(redact::apply("postgres://user@h/db"), "postgres://user@h/db");
  EXPECT_EQ(redact::apply("csv:///tmp/out and sqlite:x.db"), "csv:///tmp/out and sqlite:x.db");
  EXPECT_EQ(redact::apply("postgres://etl:***@h/db"), "postgres://etl:***@h/db");
}

TEST(Redact, RememberedSecretsAreMaskedAnywhere) {
  redact::add_secret("Obsidian-Walrus-4411");
  redact::add_secret("short");  // too short to mask by value
  EXPECT_EQ(redact::apply("password is Obsidian-Walrus-4411, again Obsidian-Walrus-4411"), "password is ***, again ***");
  EXPECT_EQ(redact::apply("a short word"), "a short word");
}

}  // namespace
