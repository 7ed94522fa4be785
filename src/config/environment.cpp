#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "sluice/config.h"

extern char** environ;

namespace sluice::config {


std::string Diagnostic::display() const { return location.display() + ": " + message; }

namespace {
std::string join_messages(const std::vector<Diagnostic>& d) {
  std::string s;
  for (const auto& x : d) {
    if (!s.empty()) s += '\n';
    s += x.display();
  }
  return s;
}
}  // namespace

Diagnostic make_diagnostic(const std::string& file, int line, const std::string& message, int column) {
  Diagnostic d;
  d.location.file = file;
  d.location.line = line;
  d.location.column = column ? column : (line > 0 ? 1 : 0);
  d.message = message;
  return d;
}

ConfigErrors::ConfigErrors(std::vector<Diagnostic> d)
    : std::runtime_error(join_messages(d)), diagnostics_(std::move(d)) {}

Environment Environment::from_process() {
  Environment e;
  for (char** p = environ; p && *p; ++p) {
    std::string kv = *p;
    auto eq = kv.find('=');
    if (eq != std::string::npos) e.vars_[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return e;
}

std::optional<std::string> Environment::get(const std::string& k) const {
  auto it = vars_.find(k);
  if (it == vars_.end()) return std::nullopt;
  return it->second;
}

void Environment::add_env_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigErrors({make_diagnostic(path, 0, "cannot read env file")});
  std::vector<Diagnostic> errors;
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    line = line.substr(first);
    if (line.rfind("export ", 0) == 0) line = line.substr(7);
    auto eq = line.find('=');
    std::string key = eq == std::string::npos ? "" : line.substr(0, eq);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    bool valid_key = !key.empty() && !std::isdigit(static_cast<unsigned char>(key[0]));
    for (char c : key) valid_key = valid_key && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    if (!valid_key) {
      errors.push_back(make_diagnostic(path, lineno, "expected KEY=VALUE"));
      continue;
    }
    std::string value = line.substr(eq + 1);
    auto vstart = value.find_first_not_of(" \t");
    value = vstart == std::string::npos ? "" : value.substr(vstart);
    if (value.size() >= 2 && (value[0] == '"' || value[0] == '\'') && value.back() == value[0]) {
      value = value.substr(1, value.size() - 2);
    } else {
      // An unquoted value ends at a comment.
      auto hash = value.find(" #");
      if (hash != std::string::npos) value = value.substr(0, hash);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    }
    if (!vars_.count(key)) vars_[key] = value;
  }
  if (!errors.empty()) throw ConfigErrors(std::move(errors));
}

std::optional<std::string> interpolate(const std::string& text, const Environment& env, std::string& error) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c != '$') { out += c; ++i; continue; }
    if (i + 1 < text.size() && text[i + 1] == '$') { out += '$'; i += 2; continue; }
    if (i + 1 >= text.size() || text[i + 1] != '{') { out += c; ++i; continue; }
    auto close = text.find('}', i + 2);
    if (close == std::string::npos) {
      error = "unterminated ${ at character " + std::to_string(i + 1) + " (write $$ for a literal $)";
      return std::nullopt;
    }
    std::string body = text.substr(i + 2, close - i - 2);
    std::string name = body, op, arg;
    auto colon = body.find(':');
    if (colon != std::string::npos) {
      name = body.substr(0, colon);
      op = body.substr(colon, 2);
      arg = body.substr(std::min(body.size(), colon + 2));
      if (op != ":-" && op != ":?") {
        error = "unsupported ${...} at character " + std::to_string(i + 1) + ": expected ${VAR}, ${VAR:-default} or ${VAR:?message}";
        return std::nullopt;
      }
    }
    bool valid = !name.empty();
    for (char ch : name) valid = valid && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
    if (!valid) {
      error = "invalid variable name in the ${...} at character " + std::to_string(i + 1) + " (letters, digits and _)";
      return std::nullopt;
    }
    auto v = env.get(name);
    if (v && !(op.size() && v->empty())) {
      out += *v;
    } else if (op == ":-") {
      out += arg;
    } else if (op == ":?") {
      error = "variable " + name + " is not set: " + (arg.empty() ? "it is required" : arg);
      return std::nullopt;
    } else if (v) {
      out += *v;  // set but empty, plain ${VAR}
    } else {
      error = "variable " + name + " is not set (use ${" + name + ":-default} to give a default)";
      return std::nullopt;
    }
    i = close + 1;
  }
  return out;
}

std::optional<Millis> parse_duration(const std::string& text) {
  if (text.empty()) return std::nullopt;
  // Bounded far below overflow, so that code adding to or scaling a duration is safe.
  constexpr long long kMaxMillis = 1000LL * 1000 * 1000 * 1000 * 1000;  // ~31,700 years
  long long total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i - start > 12) return std::nullopt;
    long long n = std::stoll(text.substr(start, i - start));
    std::size_t ustart = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string unit = text.substr(ustart, i - ustart);
    long long scale = unit == "ms" ? 1 : unit == "s" ? 1000 : unit == "m" ? 60000 : unit == "h" ? 3600000 : 0;
    if (scale == 0) return std::nullopt;
    long long part = 0;
    if (__builtin_mul_overflow(n, scale, &part) || __builtin_add_overflow(total, part, &total) || total > kMaxMillis)
      return std::nullopt;
  }
  return Millis(total);
}

std::optional<std::string> did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  // Suggestions are for typos in short names: a long word (or one far longer or shorter
  // than a candidate) cannot be within 3 edits, and skipping it keeps validation of a
  // hostile file linear in its size.
  constexpr std::size_t kMaxWord = 64, kMaxDistance = 3;
  if (word.size() > kMaxWord) return std::nullopt;
  auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
  // Optimal string alignment distance: edits plus adjacent transpositions ("laod").
  auto distance = [&](const std::string& a, const std::string& b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t cost = lower(a[i - 1]) != lower(b[j - 1]);
        d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
        if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    return d[a.size()][b.size()];
  };
  std::optional<std::string> best;
  std::size_t best_d = 0;
  for (const auto& c : candidates) {
    if (c.size() > kMaxWord || (c.size() > word.size() ? c.size() - word.size() : word.size() - c.size()) > kMaxDistance) continue;
    std::size_t d = distance(word, c);
    std::size_t limit = std::max<std::size_t>(1, std::min<std::size_t>(3, (c.size() + 2) / 3));
    if (d <= limit && (!best || d < best_d)) { best = c; best_d = d; }
  }
  return best;
}

}  // namespace sluice::config
