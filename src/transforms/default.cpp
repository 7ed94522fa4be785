#include "transforms/transform_spec.h"
#include "transforms/transforms.h"

namespace sluice::transforms {

Schema Default::bind(const Schema& in) {
  fills_.clear();
  Schema out = in;
  for (const auto& [col, text] : pairs_) {
    auto idx = in.index_of(col);
    if (!idx) throw Error(ErrorClass::config, loc_.display() + ": default: no column '" + col + "'" + columns_hint(in));
    Value raw, typed;
    raw.set_text(text);
    try {
      convert::coerce(raw, in.columns[*idx].type, typed);
    } catch (const Error& e) {
      throw Error(ErrorClass::config, loc_.display() + ": default for '" + col + "': " + e.what());
    }
    fills_.emplace_back(*idx, std::move(typed));
    out.columns[*idx].nullable = false;
  }
  return out;
}

void Default::apply(Batch& batch) {
  for (std::size_t r = 0; r < batch.size(); ++r)
    for (const auto& [idx, value] : fills_)
      if (batch[r][idx].is_null()) batch[r][idx] = value;
}

namespace {

void read_default(config::Reader& r, const YAML::Node& body, TransformConfig& t) {
  t.pairs = config::read_pairs(r, body, "default");
}

std::unique_ptr<Transform> make_default(const TransformConfig& t) { return std::make_unique<Default>(t.pairs, t.location); }

}  // namespace

TransformSpec default_spec() { return {"default", TransformConfig::Kind::default_, read_default, make_default}; }

}  // namespace sluice::transforms
