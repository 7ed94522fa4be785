#pragma once
// SHA-256 and MD5 as lowercase hex, for the mask transform (written out here rather
// than pulling in a crypto library for two digests).
#include <string>
#include <string_view>

namespace sluice::transforms {

std::string sha256_hex(std::string_view data);
std::string md5_hex(std::string_view data);

}  // namespace sluice::transforms
