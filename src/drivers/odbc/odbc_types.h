#pragma once
// ODBC's type codes and the servers' own type names as sluice's logical types, and how
// a column of each logical type travels through ODBC buffers.
#include <sql.h>
#include <sqlext.h>

#include <string>

#include "drivers/odbc/odbc_conn.h"
#include "sluice/value.h"

namespace sluice::odbc {

// A column as SQLColumns or SQLDescribeCol reports it: the ODBC type code, the server's
// type name, the size (characters, bytes or digits) and the decimal digits.
struct OdbcColumnType {
  SQLSMALLINT data_type = SQL_UNKNOWN_TYPE;
  std::string type_name;
  SQLULEN size = 0;
  SQLSMALLINT digits = 0;
  bool is_unsigned = false;
};
TypeInfo logical_type(const OdbcColumnType& c, Dbms dbms);

// SQL Server and Oracle type names (as their dialects write them and their catalogs
// report them) as logical types; len/precision 0 = none or MAX.
TypeInfo type_from_sqlserver(const std::string& type_name, int length_or_precision, int scale);
TypeInfo type_from_oracle(const std::string& type_name, int precision, int scale);

// How values of one column travel through ODBC buffers.
enum class Carrier {
  int64,    // SQL_C_SBIGINT
  uint64,   // SQL_C_UBIGINT
  float64,  // SQL_C_DOUBLE
  boolean,  // SQL_C_BIT
  ascii,    // SQL_C_CHAR: numbers, dates and times as their canonical text
  wide,     // SQL_C_WCHAR: text, as UTF-16
  binary,   // SQL_C_BINARY
};
Carrier carrier_for(const TypeInfo& t);
SQLSMALLINT c_type(Carrier c);
// The SQL type a parameter of logical type `t` is declared as.
SQLSMALLINT parameter_sql_type(const TypeInfo& t);

}  // namespace sluice::odbc
