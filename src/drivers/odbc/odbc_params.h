#pragma once
// Column-wise parameter arrays: one buffer per column holding up to `capacity` rows,
// bound with SQL_ATTR_PARAMSET_SIZE so one SQLExecute sends them all (true
// executemany). Variable-width columns grow their element width to the widest value
// seen and keep it, so a steady load stops allocating; a memory budget bounds width
// times rows, and set() says when a row would exceed it.
#include <cstdint>
#include <string>
#include <vector>

#include "drivers/odbc/odbc_api.h"
#include "drivers/odbc/odbc_types.h"
#include "sluice/value.h"

namespace sluice::odbc {

class Conn;

class ParameterArrays {
 public:
  explicit ParameterArrays(std::size_t budget_bytes = 32u << 20) : budget_(budget_bytes) {}

  // Starts a new set of rows of columns `types`, at most `capacity` of them.
  void reset(const std::vector<TypeInfo>& types, std::size_t capacity);
  // Stores row `row`, values already in the natural kind of each column's type
  // (convert::for_target). False, with nothing stored, when the row would take the
  // buffers past the budget and row > 0: send rows [0, row) first.
  bool set_row(std::size_t row, const std::vector<const Value*>& values);
  // Binds every column for `rows` rows (column-wise).
  void bind(Conn& conn, Handle& stmt, std::size_t rows);

 private:
  struct Column {
    TypeInfo type;
    Carrier carrier = Carrier::wide;
    std::size_t width = 0;   // bytes per element
    std::vector<char> data;  // capacity * width
    std::vector<SQLLEN> ind;
    // The current row's value of a text column, converted once by needed_width and
    // copied into its slot by store.
    std::string text;
    WString wide;
  };
  std::size_t needed_width(Column& c, const Value& v);
  void store(Column& c, std::size_t row, const Value& v);
  void widen_column(Column& c, std::size_t width, std::size_t rows_kept);
  std::size_t bytes() const;

  std::vector<Column> columns_;
  std::size_t capacity_ = 0, budget_;
};

}  // namespace sluice::odbc
