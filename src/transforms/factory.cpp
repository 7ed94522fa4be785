#include "transforms/transforms.h"

namespace sluice {

std::unique_ptr<Transform> make_transform(const TransformConfig& cfg) {
  using K = TransformConfig::Kind;
  switch (cfg.kind) {
    case K::rename: return std::make_unique<transforms::Rename>(cfg.pairs, cfg.location);
    case K::drop: return std::make_unique<transforms::Drop>(cfg.columns, cfg.location);
    case K::cast: return std::make_unique<transforms::Cast>(cfg.pairs, cfg.location);
    case K::default_: return std::make_unique<transforms::Default>(cfg.pairs, cfg.location);
    case K::filter: case K::derive: case K::mask: case K::lua: break;
  }
  static const char* names[] = {"rename", "drop", "cast", "default", "filter", "derive", "mask", "lua"};
  throw Error(ErrorClass::config, cfg.location.display() + ": the " + names[static_cast<int>(cfg.kind)] +
                                      " transform is not available in this version of sluice yet (see README, Status)");
}

}  // namespace sluice
