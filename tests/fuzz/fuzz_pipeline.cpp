// Any bytes as a pipeline file: a valid pipeline or ConfigErrors, never another
// exception, never a crash; libFuzzer's -timeout and -rss_limit_mb bound time and memory.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "sluice/config.h"

namespace {
std::string& scratch_file() {
  static std::string path = [] {
    char tmpl[] = "/tmp/sluice-fuzz-pipeline-XXXXXX";
    int fd = ::mkstemp(tmpl);
    if (fd >= 0) ::close(fd);
    return std::string(tmpl);
  }();
  return path;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = scratch_file();
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  }
  sluice::config::Environment env;
  env.set("PGPASSWORD", "Zebra-Quartz-7719");
  env.set("EMPTY", "");
  try {
    auto p = sluice::config::load_pipeline(path, env);
    (void)sluice::config::check_targets(p, {});
  } catch (const sluice::config::ConfigErrors& e) {
    for (const auto& d : e.diagnostics())
      if (d.message.find("Zebra-Quartz-7719") != std::string::npos) {
        std::fprintf(stderr, "secret in a message: %s\n", d.display().c_str());
        std::abort();
      }
  }
  return 0;
}
