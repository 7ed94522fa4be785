#pragma once
// Test servers started by scripts/test.sh. A missing server fails the test unless
// SLUICE_TEST_ALLOW_SKIP=1 (then it is skipped, loudly).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace sluice::test {

inline std::string server_url(const char* var) {
  const char* v = std::getenv(var);
  return v ? v : "";
}

inline bool skip_allowed() {
  const char* v = std::getenv("SLUICE_TEST_ALLOW_SKIP");
  return v && std::string(v) == "1";
}

}  // namespace sluice::test

// Use at the top of a test: binds `url` or fails (skips only when allowed).
#define SLUICE_REQUIRE_SERVER(url, var)                                                              \
  const std::string url = ::sluice::test::server_url(var);                                          \
  if (url.empty()) {                                                                                 \
    if (::sluice::test::skip_allowed()) GTEST_SKIP() << var " is not set (SLUICE_TEST_ALLOW_SKIP=1)"; \
    FAIL() << var " is not set: run the tests through scripts/test.sh, which starts the servers";     \
  }
