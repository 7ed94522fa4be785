#pragma once
// How verify compares what two databases returned: values in a canonical form that is
// the same across dialects, keys in the order the databases are asked to sort them.
#include <optional>
#include <string>
#include <vector>

#include "sluice/value.h"

namespace sluice::runtime {

// Canonical comparison of two values read from different databases.
bool same_value(const Value& a, const Value& b, const std::optional<double>& float_tolerance);
// <0, 0, >0 as key a sorts before, with or after key b (numbers numerically, text by bytes).
int compare_keys(const std::vector<Value>& a, const std::vector<Value>& b);
// "(id=3, part=x)" for messages.
std::string show_key(const std::vector<std::string>& names, const std::vector<Value>& key);

}  // namespace sluice::runtime
