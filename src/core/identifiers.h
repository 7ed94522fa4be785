#pragma once
// The one place that knows how long a name may be in each target and how sluice names
// its own objects. PostgreSQL silently truncates identifiers over 63 bytes and MySQL
// refuses names over 64 characters: a name that would be cut could equal another
// table's (a staging table equal to the live one, two source tables loaded into one),
// so every name sluice writes is checked here before anything is written, and every
// name it derives is built here to fit and to stay apart from user tables.
#include <cstddef>
#include <optional>
#include <string>

namespace sluice::ident {

// A target's naming rule. max_length 0 means no limit.
struct NameRule {
  std::string dialect;          // "PostgreSQL", "MySQL", ...: for messages
  std::size_t max_length = 0;
  bool counts_bytes = true;     // else UTF-8 characters
  bool folds_case = false;      // names differing only in ASCII case name one object
  bool file_names = false;      // CSV: names become file names (encoded, see file_stem)
  std::size_t state_key_max = 0;  // characters of a step's key in sluice_state (0: no limit)

  // The length of `name` as this rule measures it (the encoded file name for CSV).
  std::size_t length(const std::string& name) const;
  bool fits(const std::string& name) const { return max_length == 0 || length(name) <= max_length; }
  // The form two names are compared in to see whether they name one object.
  std::string key(const std::string& name) const;
};

// The rule of a driver, from its spec (core/driver_spec.h); unknown drivers: no limit.
const NameRule& rule_for(const std::string& driver);

// nullopt when `name` fits; else a message such as "table name 'x…' is 70 bytes, over
// PostgreSQL's limit of 63 (it would be truncated to 'x…')". `what` names the object.
std::optional<std::string> check(const NameRule& rule, const std::string& what, const std::string& name);

// A name for one of sluice's own objects beside `base` ("staging", "old"): always
// "<base>__sluice_<role>" when that fits, else a prefix of base, a hash of all of it
// and the suffix, within the limit. Distinct bases give distinct names, and the
// "__sluice_" marker keeps them apart from user tables (see is_reserved).
std::string derived(const NameRule& rule, const std::string& base, const std::string& role);

// `name` when it fits the rule, else a prefix of it and a hash of all of it, within
// the limit: distinct names stay distinct (index and constraint names sluice copies).
std::string fitted(const NameRule& rule, const std::string& name);

// sluice's own tables (sluice_state, sluice_lock and every derived name): never listed
// as source tables, never accepted as a target.
bool is_reserved(const std::string& name);

// A table name as a file name stem that cannot leave its folder: '%', '/', '\', NUL and
// other control characters are %-escaped, and so is a leading '.', so "..", "../x" and
// "/abs" stay plain file names inside the folder. table_of_stem reverses it.
std::string file_stem(const std::string& table);
std::string table_of_stem(const std::string& stem);

}  // namespace sluice::ident
