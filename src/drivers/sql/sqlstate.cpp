#include "drivers/sql/sqlstate.h"

namespace sluice::sql {

ErrorClass classify_sqlstate(const std::string& s) {
  if (s.empty()) return ErrorClass::internal;
  // 40001 serialization failure, 40P01 deadlock, 55P03 lock not available,
  // 57P01..03 admin shutdown / crash shutdown / cannot connect now, 08xxx connection,
  // 53xxx insufficient resources, HYT00/HYT01 ODBC timeouts.
  if (s == "40001" || s == "40P01" || s == "55P03" || s == "57P01" || s == "57P02" || s == "57P03" || s == "HYT00" ||
      s == "HYT01" || s.rfind("08", 0) == 0 || s.rfind("53", 0) == 0)
    return ErrorClass::transient;
  if (s == "28P01" || s == "28000" || s == "3D000" || s == "42501") return ErrorClass::connect;
  // 22 data exception, 23 integrity constraint violation.
  if (s.rfind("22", 0) == 0 || s.rfind("23", 0) == 0) return ErrorClass::data;
  if (s.rfind("42", 0) == 0) return ErrorClass::config;  // undefined table/column, syntax: the pipeline is wrong
  return ErrorClass::internal;
}

}  // namespace sluice::sql
