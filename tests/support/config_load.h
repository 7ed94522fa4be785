#pragma once
// Loads pipeline text from a temporary file, for tests of the file format.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "sluice/config.h"
#include "support/temp_dir.h"

namespace sluice::test {

using config::Diagnostic;
using config::Environment;

struct Loaded {
  std::optional<Pipeline> pipeline;
  std::vector<Diagnostic> errors;
};

inline Loaded load_text(const std::string& yaml, Environment env = {}) {
  static int counter = 0;
  test::TempDir dir;
  std::string path = dir.file("p" + std::to_string(counter++) + ".yaml");
  test::write_file(path, yaml);
  Loaded out;
  try {
    out.pipeline = config::load_pipeline(path, env);
  } catch (const config::ConfigErrors& e) {
    out.errors = e.diagnostics();
  }
  return out;
}

// Asserts that loading fails with a diagnostic at `line` containing `needle`.
inline void expect_error(const std::string& yaml, int line, const std::string& needle, Environment env = {}) {
  auto r = load_text(yaml, env);
  ASSERT_FALSE(r.pipeline) << "expected an error containing: " << needle;
  std::string all;
  for (const auto& d : r.errors) {
    all += d.display() + "\n";
    if (d.message.find(needle) != std::string::npos) {
      EXPECT_EQ(d.location.line, line) << d.display();
      EXPECT_GT(d.location.column, 0) << d.display();
      EXPECT_NE(d.display().find(".yaml:" + std::to_string(line) + ":"), std::string::npos) << d.display();
      return;
    }
  }
  ADD_FAILURE() << "no error containing '" << needle << "' in:\n" << all;
}

}  // namespace sluice::test
