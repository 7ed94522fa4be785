#pragma once
// What a transform says about itself: the key it has in a pipeline file, how its block
// is read and checked (problems reported with their file:line:column), and how it is
// built. Each transform's spec sits in its own file; the loader and make_transform go
// through transform_specs() (src/transforms/register.cpp), never through a list of kinds.
#include <memory>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "config/reader.h"
#include "sluice/pipeline.h"
#include "sluice/transform.h"

namespace sluice::transforms {

struct TransformSpec {
  const char* kind;  // the transform's key: rename, drop, ...
  TransformConfig::Kind id;
  // Reads the transform's block (`body`, the value under its key) into `t`.
  void (*read)(config::Reader& r, const YAML::Node& body, TransformConfig& t);
  std::unique_ptr<Transform> (*make)(const TransformConfig& t);
};

const std::vector<TransformSpec>& transform_specs();
const TransformSpec* find_transform(const std::string& kind);
const TransformSpec* find_transform(TransformConfig::Kind id);

}  // namespace sluice::transforms
