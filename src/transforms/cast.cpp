#include "transforms/transforms.h"

namespace sluice::transforms {

Schema Cast::bind(const Schema& in) {
  Schema out = in;
  targets_.clear();
  for (const auto& [col, type] : pairs_) {
    auto idx = out.index_of(col);
    if (!idx) throw Error(ErrorClass::config, loc_.display() + ": cast: no column '" + col + "'" + columns_hint(in));
    TypeInfo t = *parse_type_name(type);  // validated when the file was loaded
    t.native.clear();
    out.columns[*idx].type = t;
    targets_.emplace_back(*idx, t);
  }
  names_ = out.names();
  return out;
}

void Cast::apply(Batch& batch) {
  for (std::size_t r = 0; r < batch.size(); ++r) {
    for (const auto& [idx, type] : targets_) {
      Value& v = batch[r][idx];
      if (v.is_null() || convert::natural_kind(v.kind(), type.id)) {
        if (type.id != TypeId::decimal && type.length == 0) continue;
      }
      try {
        convert::coerce(v, type, scratch_);
      } catch (const Error& e) {
        throw RowError(r, loc_.display() + ": cast of column " + names_[idx] + ": " + e.what());
      }
      std::swap(v, scratch_);
    }
  }
}

}  // namespace sluice::transforms
