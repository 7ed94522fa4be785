#include <set>

#include "transforms/transform_spec.h"
#include "transforms/transforms.h"

namespace sluice::transforms {

Rename::Rename(std::vector<std::pair<std::string, std::string>> pairs, SourceLocation loc)
    : pairs_(std::move(pairs)), loc_(std::move(loc)) {}

Schema Rename::bind(const Schema& in) {
  Schema out = in;
  for (const auto& [from, to] : pairs_) {
    auto idx = out.index_of(from);
    if (!idx) throw Error(ErrorClass::config, loc_.display() + ": rename: no column '" + from + "'" + columns_hint(in));
    out.columns[*idx].name = to;
    for (auto& k : out.primary_key) if (k == from) k = to;
  }
  std::vector<std::string> names = out.names();
  std::sort(names.begin(), names.end());
  if (auto dup = std::adjacent_find(names.begin(), names.end()); dup != names.end())
    throw Error(ErrorClass::config, loc_.display() + ": rename gives two columns the name '" + *dup + "'");
  return out;
}

std::string columns_hint(const Schema& s) {
  std::string h;
  for (const auto& n : s.names()) h += (h.empty() ? "" : ", ") + n;
  return " (columns: " + h + ")";
}

namespace {

void read_rename(config::Reader& r, const YAML::Node& body, TransformConfig& t) {
  t.pairs = config::read_pairs(r, body, "rename");
  std::set<std::string> targets;
  for (const auto& [from, to] : t.pairs) {
    if (to.empty()) r.error(body, "rename of '" + from + "' gives an empty name");
    if (!targets.insert(to).second) r.error(body, "rename gives two columns the name '" + to + "'");
  }
}

std::unique_ptr<Transform> make_rename(const TransformConfig& t) { return std::make_unique<Rename>(t.pairs, t.location); }

}  // namespace

TransformSpec rename_spec() { return {"rename", TransformConfig::Kind::rename, read_rename, make_rename}; }

}  // namespace sluice::transforms
