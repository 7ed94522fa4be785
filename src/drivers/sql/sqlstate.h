#pragma once
// The standard SQLSTATE classes as sluice's error classes, for every driver whose server
// reports SQLSTATEs (PostgreSQL natively, any database through ODBC).
#include <string>

#include "sluice/status.h"

namespace sluice::sql {

ErrorClass classify_sqlstate(const std::string& sqlstate);

}  // namespace sluice::sql
