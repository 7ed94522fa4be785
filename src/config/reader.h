#pragma once
// Reading one pipeline file's YAML: values interpolated and type-checked, every problem
// collected with its file:line:column (never thrown one at a time). The loader reads the
// shared shape with it; drivers' and transforms' specs read their own blocks with it.
#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "core/redact.h"
#include "sluice/config.h"
#include "sluice/value.h"

namespace sluice::config {

class Reader {
 public:
  Reader(std::string file, const Environment& env, std::string base_dir)
      : file_(std::move(file)), env_(env), base_dir_(std::move(base_dir)) {}

  std::vector<Diagnostic>& errors() { return *errors_; }
  void share_errors(std::vector<Diagnostic>* e) { errors_ = e; }
  const std::string& base_dir() const { return base_dir_; }

  SourceLocation at(const YAML::Node& n) const {
    auto m = n.Mark();
    if (m.is_null()) return {file_, 0, 0};
    return {file_, m.line + 1, m.column + 1};
  }

  void error(const YAML::Node& n, std::string msg) { errors_->push_back({at(n), std::move(msg)}); }
  void error(const SourceLocation& l, std::string msg) { errors_->push_back({l, std::move(msg)}); }

  bool is_map(const YAML::Node& n, const std::string& what) {
    if (n.IsMap()) return true;
    error(n, what + " must be a mapping (key: value), got " + kind(n));
    return false;
  }

  // A scalar as written (before ${...} is filled in, so no variable's value), for a
  // message: short, a URL's password masked, and cut where a broken file let a password
  // line run into it.
  static std::string quoted(const YAML::Node& n) {
    std::string v = redact::url_userinfo(n.Scalar());
    std::string lower = v;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::size_t cut = std::min({lower.find("passw"), lower.find("pwd"), lower.find('\n'), std::size_t{60}});
    return "'" + (cut < v.size() ? v.substr(0, cut) + "..." : v) + "'";
  }

  static std::string kind(const YAML::Node& n) {
    switch (n.Type()) {
      case YAML::NodeType::Null: return "nothing";
      case YAML::NodeType::Scalar: return "a scalar " + quoted(n);
      case YAML::NodeType::Sequence: return "a list";
      case YAML::NodeType::Map: return "a mapping";
      default: return "an undefined node";
    }
  }

  // Reports keys of `n` not in `allowed`, with a suggestion; also duplicates.
  void check_keys(const YAML::Node& n, const std::vector<std::string>& allowed, const std::string& where) {
    std::set<std::string> seen;
    for (const auto& kv : n) {
      std::string key = kv.first.Scalar();
      if (!seen.insert(key).second) {
        error(kv.first, "duplicate key '" + key + "' in " + where);
        continue;
      }
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string msg = "unknown key '" + key + "' in " + where;
      if (auto s = did_you_mean(key, allowed)) msg += "; did you mean '" + *s + "'?";
      else msg += " (expected one of: " + join(allowed) + ")";
      error(kv.first, msg);
    }
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  }

  std::optional<std::string> scalar(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      error(n, what + " must be a single value, got " + kind(n));
      return std::nullopt;
    }
    std::string err;
    auto v = interpolate(n.Scalar(), env_, err);
    if (!v) error(n, what + ": " + err);
    return v;
  }

  std::optional<std::string> nonempty(const YAML::Node& n, const std::string& what) {
    auto v = scalar(n, what);
    if (v && v->empty()) { error(n, what + " must not be empty"); return std::nullopt; }
    return v;
  }

  std::optional<long long> integer(const YAML::Node& n, const std::string& what, long long lo, long long hi) {
    auto v = scalar(n, what);
    if (!v) return std::nullopt;
    auto i = convert::parse_int(*v);
    if (!i) { error(n, what + " must be a whole number, got " + quoted(n)); return std::nullopt; }
    if (*i < lo || *i > hi) {
      error(n, what + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got " + quoted(n));
      return std::nullopt;
    }
    return *i;
  }

  std::optional<Millis> duration(const YAML::Node& n, const std::string& what) {
    auto v = scalar(n, what);
    if (!v) return std::nullopt;
    auto d = parse_duration(*v);
    if (!d) error(n, what + " must be a duration such as 500ms, 10s or 5m, got " + quoted(n));
    return d;
  }

  std::optional<std::string> one_of(const YAML::Node& n, const std::string& what, const std::vector<std::string>& options) {
    auto v = scalar(n, what);
    if (!v) return std::nullopt;
    if (std::find(options.begin(), options.end(), *v) != options.end()) return v;
    std::string msg = what + " must be one of " + join(options) + ", got " + quoted(n);
    if (auto s = did_you_mean(*v, options)) msg += "; did you mean '" + *s + "'?";
    error(n, msg);
    return std::nullopt;
  }

  // A list of names; a single scalar counts as a one-element list.
  std::vector<std::string> names(const YAML::Node& n, const std::string& what) {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      if (auto v = nonempty(n, what)) out.push_back(*v);
      return out;
    }
    if (!n.IsSequence()) {
      error(n, what + " must be a list of names, got " + kind(n));
      return out;
    }
    for (const auto& item : n)
      if (auto v = nonempty(item, what + " entry")) out.push_back(*v);
    return out;
  }

  std::string path(const std::string& p) const {
    std::filesystem::path fp(p);
    return (fp.is_absolute() ? fp : std::filesystem::path(base_dir_) / fp).lexically_normal().string();
  }

  const Environment& env() const { return env_; }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  const Environment& env_;
  std::string base_dir_;
  std::vector<Diagnostic> own_errors_;
  std::vector<Diagnostic>* errors_ = &own_errors_;
};

// `null_value`: what a YAML null value stands for (none: an error).
inline std::vector<std::pair<std::string, std::string>> read_pairs(Reader& r, const YAML::Node& n, const std::string& what,
                                                            const char* null_value = nullptr) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!r.is_map(n, what)) return out;
  if (n.size() == 0) r.error(n, what + " is empty");
  for (const auto& kv : n) {
    if (null_value && kv.second.IsNull()) {
      out.emplace_back(kv.first.Scalar(), null_value);
      continue;
    }
    auto v = r.scalar(kv.second, what + " value of '" + kv.first.Scalar() + "'");
    if (v) out.emplace_back(kv.first.Scalar(), *v);
  }
  return out;
}

}  // namespace sluice::config
