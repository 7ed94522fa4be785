#pragma once
// Pipeline files: YAML → interpolated, validated sluice::Pipeline.
// Loading is pure apart from reading the pipeline file itself, its connections_file,
// password_file and env files: it never touches a database.
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sluice/pipeline.h"

namespace sluice::config {

struct Diagnostic {
  SourceLocation location;
  std::string message;
  std::string display() const;  // "file:line:col: message"
};

// Built out of line: brace-initialising a Diagnostic in place trips a g++ 12 false
// -Wmaybe-uninitialized.
Diagnostic make_diagnostic(const std::string& file, int line, const std::string& message, int column = 0);

// Thrown with every problem found in a file, not just the first.
class ConfigErrors : public std::runtime_error {
 public:
  explicit ConfigErrors(std::vector<Diagnostic> d);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Variables for ${...}: the process environment, then an env file filling the gaps.
class Environment {
 public:
  static Environment from_process();
  // Adds KEY=VALUE lines of `path` for keys not already set. Throws ConfigErrors on a
  // malformed line (naming file:line) or an unreadable file.
  void add_env_file(const std::string& path);
  void set(const std::string& k, const std::string& v) { vars_[k] = v; }
  std::optional<std::string> get(const std::string& k) const;

 private:
  std::map<std::string, std::string> vars_;
};

// Expands ${VAR}, ${VAR:-default}, ${VAR:?message} and $$ (a literal $).
// On failure returns nullopt and sets `error`.
std::optional<std::string> interpolate(const std::string& text, const Environment& env, std::string& error);

// "500ms", "10s", "5m", "1h", "1m30s". nullopt if malformed.
std::optional<Millis> parse_duration(const std::string& text);

// Fills driver/host/port/database/user/password/path (and tls mode from sslmode=) from
// a connection URL. `base_dir` resolves relative sqlite/csv paths. Returns an error
// message, or empty on success.
std::string apply_url(const std::string& url, const std::string& base_dir, ConnectionConfig& out);

std::optional<TlsMode> parse_tls_mode(const std::string& s);

// %XX escapes of a URL part decoded; ok is cleared on a malformed escape.
std::string percent_decode(const std::string& s, bool& ok);
// key=value pairs of a URL's query, %-decoded (decoded false: a malformed escape).
struct QueryParameter {
  std::string key, value;
  bool decoded = true;
};
std::vector<QueryParameter> query_parameters(const std::string& query);

// The closest candidate within a small edit distance, for "did you mean" hints.
std::optional<std::string> did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

// Loads and validates a pipeline file. Throws ConfigErrors listing every problem.
Pipeline load_pipeline(const std::string& path, const Environment& env);

// What the single-table steps among `steps` (all when empty) would write, checked as
// one run: names that fit the target, one writer per table, no step writing a table
// the run reads (core/targets.h). Pure: touches no database.
std::vector<Diagnostic> check_targets(const Pipeline& p, const std::vector<std::string>& steps);

}  // namespace sluice::config
