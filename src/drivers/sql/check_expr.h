#pragma once
// CHECK constraints that mean the same in every dialect. A source's expression is
// tokenized; it is portable when it holds only column names, numbers, string literals,
// comparison and arithmetic operators, AND/OR/NOT, IN, BETWEEN, LIKE, IS [NOT] NULL
// and a few functions every database spells alike (PostgreSQL's casts of literals,
// "(0)::numeric", are dropped). Anything else — other functions, casts of columns,
// PostgreSQL's "= ANY (ARRAY[...])" — is not portable, and the check is reported as
// not migrated rather than guessed at.
#include <functional>
#include <optional>
#include <string>

#include "sluice/schema.h"

namespace sluice::sql {

// nullopt when not portable. `columns`: the table's column names.
std::optional<std::vector<CheckDef::Token>> read_check(const std::string& expression, const std::vector<std::string>& columns);

// The expression with each column name written by `quote`.
std::string write_check(const std::vector<CheckDef::Token>& expression, const std::function<std::string(const std::string&)>& quote);

}  // namespace sluice::sql
