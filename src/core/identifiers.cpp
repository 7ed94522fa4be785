#include "core/identifiers.h"

#include <cstdint>
#include <cstdio>

#include "core/driver_spec.h"
#include "sluice/value.h"

namespace sluice::ident {
namespace {

constexpr const char* kMarker = "__sluice_";
// A CSV table is <stem>.csv, rewritten through <stem>.csv.sluice-tmp; file names are at
// most 255 bytes on Linux file systems.
constexpr std::size_t kCsvSuffix = sizeof(".csv.sluice-tmp") - 1;

std::size_t utf8_chars(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The longest prefix of `s` within `limit` units that does not split a UTF-8 sequence.
std::string prefix(const std::string& s, std::size_t limit, bool bytes) {
  std::size_t units = 0, end = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = 1;
    while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0) == 0x80) ++len;
    std::size_t cost = bytes ? len : 1;
    if (units + cost > limit) break;
    units += cost;
    i += len;
    end = i;
  }
  return s.substr(0, end);
}

std::string hash8(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : s) { h ^= c; h *= 1099511628211ULL; }
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>((h >> 32) ^ (h & 0xffffffffu)));
  return buf;
}

}  // namespace

std::size_t NameRule::length(const std::string& name) const {
  if (file_names) return file_stem(name).size() + kCsvSuffix;
  return counts_bytes ? name.size() : utf8_chars(name);
}

std::string NameRule::key(const std::string& name) const {
  if (!folds_case) return name;
  std::string out = name;
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

const NameRule& rule_for(const std::string& driver) {
  static const NameRule none{"", 0, true, false, false};
  const DriverSpec* spec = find_driver(driver);
  return spec && spec->names ? spec->names() : none;
}

std::optional<std::string> check(const NameRule& rule, const std::string& what, const std::string& name) {
  if (name.empty()) return what + " is empty";
  if (name.find('\0') != std::string::npos) return what + " '" + name.substr(0, name.find('\0')) + "…' holds a NUL byte";
  if (rule.fits(name)) return std::nullopt;
  std::string unit = rule.counts_bytes ? "bytes" : "characters";
  if (rule.file_names)
    return what + " '" + name + "' gives a file name of " + std::to_string(rule.length(name)) +
           " bytes, over the file system's limit of 255";
  return what + " '" + name + "' is " + std::to_string(rule.length(name)) + " " + unit + ", over " + rule.dialect +
         "'s limit of " + std::to_string(rule.max_length) + " (it would become '" +
         prefix(name, rule.max_length, rule.counts_bytes) + "')";
}

std::string derived(const NameRule& rule, const std::string& base, const std::string& role) {
  std::string suffix = std::string(kMarker) + role;
  std::string whole = base + suffix;
  if (rule.max_length == 0 || rule.file_names || rule.fits(whole)) return whole;
  std::string tail = "_" + hash8(base) + suffix;
  std::size_t tail_len = rule.counts_bytes ? tail.size() : utf8_chars(tail);
  std::size_t room = rule.max_length > tail_len ? rule.max_length - tail_len : 0;
  return prefix(base, room, rule.counts_bytes) + tail;
}

std::string fitted(const NameRule& rule, const std::string& name) {
  if (rule.max_length == 0 || rule.file_names || rule.fits(name)) return name;
  const std::string tail = "_" + hash8(name);
  return prefix(name, rule.max_length - tail.size(), rule.counts_bytes) + tail;
}

bool is_reserved(const std::string& name) {
  if (name == "sluice_state" || name == "sluice_lock") return true;
  std::string lower = name;
  for (auto& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return lower.find(kMarker) != std::string::npos;
}

std::string file_stem(const std::string& table) {
  std::string out;
  out.reserve(table.size());
  for (std::size_t i = 0; i < table.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(table[i]);
    bool escape = c == '%' || c == '/' || c == '\\' || c < 0x20 || c == 0x7f || (i == 0 && c == '.');
    if (!escape) { out += static_cast<char>(c); continue; }
    char buf[4];
    std::snprintf(buf, sizeof buf, "%%%02X", c);
    out += buf;
  }
  return out;
}

std::string table_of_stem(const std::string& stem) {
  std::string out;
  for (std::size_t i = 0; i < stem.size(); ++i) {
    auto byte = stem[i] == '%' && i + 2 < stem.size() ? convert::hex_decode(std::string_view(stem).substr(i + 1, 2)) : std::nullopt;
    if (byte) {
      out += *byte;
      i += 2;
    } else {
      out += stem[i];
    }
  }
  return out;
}

}  // namespace sluice::ident
