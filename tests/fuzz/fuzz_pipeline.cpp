// Any bytes as a pipeline file: a valid pipeline or ConfigErrors, never another
// exception, never a crash; libFuzzer's -timeout and -rss_limit_mb bound time and memory.
//
// Secrets: the file is loaded twice, with two different values of ${PGPASSWORD}. A
// message that shows the variable's value leaks it; a message that repeats text written
// in the file itself (a key the fuzzer spelled like the secret) does not. So the check
// is that the first secret appears no more often under its own value than under the
// other one: only text that came from the environment can make the counts differ.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sluice/config.h"

namespace {
constexpr std::string_view kSecret = "Zebra-Quartz-7719";
constexpr std::string_view kOtherSecret = "Heron-Basalt-3052";

std::string& scratch_file() {
  static std::string path = [] {
    char tmpl[] = "/tmp/sluice-fuzz-pipeline-XXXXXX";
    int fd = ::mkstemp(tmpl);
    if (fd >= 0) ::close(fd);
    return std::string(tmpl);
  }();
  return path;
}

std::size_t occurrences(const std::string& text, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

// Every message of loading the file with PGPASSWORD set to `secret`, one per line.
std::string messages_with(const std::string& path, std::string_view secret) {
  sluice::config::Environment env;
  env.set("PGPASSWORD", std::string(secret));
  env.set("EMPTY", "");
  std::string messages;
  try {
    auto p = sluice::config::load_pipeline(path, env);
    (void)sluice::config::check_targets(p, {});
  } catch (const sluice::config::ConfigErrors& e) {
    for (const auto& d : e.diagnostics()) messages += d.display() + "\n";
  }
  return messages;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = scratch_file();
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  const std::string with_secret = messages_with(path, kSecret);
  if (occurrences(with_secret, kSecret) == 0) return 0;
  const std::string with_other = messages_with(path, kOtherSecret);
  if (occurrences(with_secret, kSecret) > occurrences(with_other, kSecret)) {
    std::fprintf(stderr, "secret in a message:\n%s", with_secret.c_str());
    std::abort();
  }
  return 0;
}
