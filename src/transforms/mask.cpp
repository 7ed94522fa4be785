#include <algorithm>
#include <set>

#include "transforms/hash.h"
#include "transforms/transform_spec.h"
#include "transforms/transforms.h"

namespace sluice::transforms {
namespace {
const char* kFirst[] = {"Alex", "Sam", "Robin", "Kim", "Jordan", "Taylor", "Morgan", "Casey", "Jamie", "Riley",
                        "Avery", "Quinn", "Charlie", "Drew", "Emery", "Frankie"};
const char* kLast[] = {"Smith", "Jansen", "Müller", "Garcia", "Rossi", "Novak", "Kowalski", "Silva", "Dubois", "Nielsen",
                       "Costa", "Horvat", "Andersen", "Moreau", "Fischer", "Ito"};
}  // namespace

Schema Mask::bind(const Schema& in) {
  Schema out = in;
  targets_.clear();
  for (const auto& [col, method] : methods_) {
    auto idx = in.index_of(col);
    if (!idx) throw Error(ErrorClass::config, loc_.display() + ": mask: no column '" + col + "'" + columns_hint(in));
    targets_.emplace_back(*idx, method);
    // A digest or a fake value is text whatever the column held.
    if (method != "null") out.columns[*idx].type = TypeInfo::of(TypeId::text);
  }
  return out;
}

void Mask::apply(Batch& batch) {
  for (std::size_t r = 0; r < batch.size(); ++r) {
    for (const auto& [idx, method] : targets_) {
      Value& v = batch[r][idx];
      if (v.is_null()) continue;
      if (method == "null") { v.set_null(); continue; }
      if (method == "redact") { v.set_text("***"); continue; }
      text_ = salt_;
      v.append_text(text_);
      if (method == "sha256") v.set_text(sha256_hex(text_));
      else if (method == "md5") v.set_text(md5_hex(text_));
      else {
        std::string h = sha256_hex(text_);
        if (method == "fake_email") {
          v.set_text("user_" + h.substr(0, 12) + "@example.com");
        } else {  // fake_name
          unsigned a = static_cast<unsigned>(std::stoul(h.substr(0, 4), nullptr, 16)) % 16;
          unsigned b = static_cast<unsigned>(std::stoul(h.substr(4, 4), nullptr, 16)) % 16;
          v.set_text(std::string(kFirst[a]) + " " + kLast[b]);
        }
      }
    }
  }
}

namespace {

void read_mask(config::Reader& r, const YAML::Node& body, TransformConfig& t) {
  // `col: null` (YAML's null) selects the null method, as "null" does.
  t.pairs = config::read_pairs(r, body, "mask", "null");
  // "salt" is the one key that is not a column.
  for (auto it = t.pairs.begin(); it != t.pairs.end(); ++it)
    if (it->first == "salt") { t.salt = it->second; t.pairs.erase(it); break; }
  static const std::vector<std::string> methods = {"sha256", "md5", "null", "redact", "fake_email", "fake_name"};
  for (const auto& [col, m] : t.pairs)
    if (std::find(methods.begin(), methods.end(), m) == methods.end()) {
      std::string msg = "mask of '" + col + "': unknown method '" + m + "' (expected " + config::Reader::join(methods) + ")";
      if (auto s = config::did_you_mean(m, methods)) msg += "; did you mean '" + *s + "'?";
      r.error(body[col], msg);
    }
}

std::unique_ptr<Transform> make_mask(const TransformConfig& t) { return std::make_unique<Mask>(t.pairs, t.salt, t.location); }

}  // namespace

TransformSpec mask_spec() { return {"mask", TransformConfig::Kind::mask, read_mask, make_mask}; }

}  // namespace sluice::transforms
