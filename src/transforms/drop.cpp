#include "transforms/transform_spec.h"
#include "transforms/transforms.h"

namespace sluice::transforms {

Schema Drop::bind(const Schema& in) {
  keep_.clear();
  Schema out;
  for (const auto& c : columns_)
    if (!in.index_of(c)) throw Error(ErrorClass::config, loc_.display() + ": drop: no column '" + c + "'" + columns_hint(in));
  for (std::size_t i = 0; i < in.columns.size(); ++i) {
    if (std::find(columns_.begin(), columns_.end(), in.columns[i].name) != columns_.end()) continue;
    keep_.push_back(i);
    out.columns.push_back(in.columns[i]);
  }
  for (const auto& k : in.primary_key)
    if (std::find(columns_.begin(), columns_.end(), k) == columns_.end()) out.primary_key.push_back(k);
  if (out.primary_key.size() != in.primary_key.size()) out.primary_key.clear();  // a partial key is no key
  return out;
}

void Drop::apply(Batch& batch) {
  for (std::size_t r = 0; r < batch.size(); ++r) {
    Row& row = batch[r];
    // keep_ is ascending, so moving left never overwrites a column still to be read.
    for (std::size_t i = 0; i < keep_.size(); ++i)
      if (keep_[i] != i) std::swap(row[i], row[keep_[i]]);
    row.resize(keep_.size());
  }
}

namespace {

void read_drop(config::Reader& r, const YAML::Node& body, TransformConfig& t) {
  t.columns = r.names(body, "drop");
}

std::unique_ptr<Transform> make_drop(const TransformConfig& t) { return std::make_unique<Drop>(t.columns, t.location); }

}  // namespace

TransformSpec drop_spec() { return {"drop", TransformConfig::Kind::drop, read_drop, make_drop}; }

}  // namespace sluice::transforms
