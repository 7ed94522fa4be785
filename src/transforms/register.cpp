// Every transform built into this sluice: one line each (its spec is in its own file).
#include "transforms/transform_spec.h"

namespace sluice::transforms {

TransformSpec rename_spec();
TransformSpec drop_spec();
TransformSpec cast_spec();
TransformSpec default_spec();
TransformSpec filter_spec();
TransformSpec derive_spec();
TransformSpec mask_spec();
TransformSpec lua_spec();

const std::vector<TransformSpec>& transform_specs() {
  static const std::vector<TransformSpec> all = {rename_spec(), drop_spec(),   cast_spec(), default_spec(),
                                                 filter_spec(), derive_spec(), mask_spec(), lua_spec()};
  return all;
}

const TransformSpec* find_transform(const std::string& kind) {
  for (const auto& s : transform_specs())
    if (kind == s.kind) return &s;
  return nullptr;
}

const TransformSpec* find_transform(TransformConfig::Kind id) {
  for (const auto& s : transform_specs())
    if (s.id == id) return &s;
  return nullptr;
}

}  // namespace sluice::transforms
