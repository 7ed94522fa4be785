#pragma once
// Rows out of an ODBC source, in a read-only snapshot: a block cursor
// (SQL_ATTR_ROW_ARRAY_SIZE rows per SQLFetchScroll into column-bound arrays) when
// every column has a bounded width; row by row with SQLGetData when a column holds
// long data (text, blobs), which no bound buffer can be sized for.
#include "drivers/odbc/odbc_conn.h"
#include "drivers/odbc/odbc_params.h"
#include "drivers/sql/dialect.h"
#include "sluice/source.h"

namespace sluice::odbc {

class OdbcSource final : public Source {
 public:
  OdbcSource(std::unique_ptr<Conn> conn, const sql::Dialect& dialect, const ExtractRequest& req, Schema schema);
  ~OdbcSource() override;

  const Schema& schema() const override { return schema_; }
  bool read(Batch& batch) override;

 private:
  struct Bound {
    Carrier carrier = Carrier::wide;
    std::size_t width = 0;
    std::vector<char> data;
    std::vector<SQLLEN> ind;
  };
  void bind_columns();
  void read_bound(std::size_t row, std::size_t c, Value& out);
  void read_long(std::size_t c, Value& out);
  void finish_value(std::size_t c, Value& out);

  std::unique_ptr<Conn> conn_;
  Schema schema_;
  Handle stmt_;
  ParameterArrays key_params_;
  std::vector<Value> key_values_;
  bool block_ = false, done_ = false;
  std::size_t rowset_ = 1, fetched_ = 0, next_ = 0;
  SQLULEN rows_fetched_ = 0;
  std::vector<SQLUSMALLINT> row_status_;
  std::vector<Bound> bound_;
  std::string text_;
  std::vector<SQLWCHAR> wide_;
  std::vector<char> bytes_;
  Value scratch_;
};

}  // namespace sluice::odbc
