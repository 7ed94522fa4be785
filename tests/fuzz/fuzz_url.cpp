// URL parsing and ${...} interpolation: a secret in a URL's password or in a variable
// interpolated into one never appears in an error message.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sluice/config.h"

namespace {
const std::string kSecret = "Zebra-Quartz-7719";

void refuse_leak(const std::string& what, const std::string& message) {
  if (message.find(kSecret) == std::string::npos) return;
  std::fprintf(stderr, "secret in a %s error: %s\n", what.c_str(), message.c_str());
  std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  // The input is a URL whose password is the secret: everything before the first NUL
  // comes before it, the rest after ("postgres://u:" + secret + "@h/db" and worse).
  auto cut = input.find('\0');
  std::string before = input.substr(0, cut), after = cut == std::string::npos ? "" : input.substr(cut + 1);
  sluice::ConnectionConfig c;
  std::string url = before + kSecret + after;
  refuse_leak("URL", sluice::config::apply_url(url, "/tmp", c));

  // The input as a scalar with ${...}, the secret the value of a variable it may use.
  sluice::config::Environment env;
  env.set("PW", kSecret);
  env.set("EMPTY", "");
  std::string error;
  auto value = sluice::config::interpolate(input, env, error);
  // (A message the user wrote, as in ${X:?...}, may say what it likes.)
  if (!value && input.find(kSecret) == std::string::npos) refuse_leak("interpolation", error);
  return 0;
}
