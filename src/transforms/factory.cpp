#include "transforms/transforms.h"

namespace sluice {

std::unique_ptr<Transform> make_transform(const TransformConfig& cfg) {
  using K = TransformConfig::Kind;
  switch (cfg.kind) {
    case K::rename: return std::make_unique<transforms::Rename>(cfg.pairs, cfg.location);
    case K::drop: return std::make_unique<transforms::Drop>(cfg.columns, cfg.location);
    case K::cast: return std::make_unique<transforms::Cast>(cfg.pairs, cfg.location);
    case K::default_: return std::make_unique<transforms::Default>(cfg.pairs, cfg.location);
    case K::filter: return std::make_unique<transforms::Filter>(cfg.expression, cfg.location);
    case K::derive: return std::make_unique<transforms::Derive>(cfg.pairs, cfg.derive_types, cfg.location);
    case K::mask: return std::make_unique<transforms::Mask>(cfg.pairs, cfg.salt, cfg.location);
    case K::lua: return std::make_unique<transforms::LuaFile>(cfg.path, cfg.location);
  }
  throw Error(ErrorClass::internal, cfg.location.display() + ": unknown transform");
}

}  // namespace sluice
