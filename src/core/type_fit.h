#pragma once
// Whether every value of a source column's type survives a target column's type. `plan`
// flags the columns where one may not ([LOSSY: why]); load.on_schema_change names a source
// column whose type changed into one its existing target column may not hold.
#include <string>

#include "sluice/value.h"

namespace sluice {

// Why a value of `from` could change (or be refused) in a column of `to`, or empty when
// every value fits. Unknown sizes on the source side (a text without a declared length)
// count as unlimited.
std::string lossy_mapping(const TypeInfo& from, const TypeInfo& to);

}  // namespace sluice
