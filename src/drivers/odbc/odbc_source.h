#pragma once
// Rows out of an ODBC source, in a read-only snapshot: a block cursor
// (SQL_ATTR_ROW_ARRAY_SIZE rows per SQLFetchScroll into column-bound arrays) when
// every column has a bounded width; row by row when a column holds long data (text,
// blobs), which no bound buffer can be sized for: those columns are selected last and
// read with SQLGetData, the others stay bound. Where a driver holds
// whole results in memory, a keyed extract is read in pages of key ranges.
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
  // Runs the extract (or its next page, after the last key read) and binds its columns.
  void start_query();
  bool floats_as_text() const;
  Carrier carrier(const TypeInfo& t) const;
  void bind_columns();
  // By position in the SELECT (order_ maps it to the schema's column).
  void read_bound(std::size_t row, std::size_t pos, Value& out);
  void read_long(std::size_t pos, Value& out);
  void finish_value(std::size_t c, Value& out);

  std::unique_ptr<Conn> conn_;
  const sql::Dialect& dialect_;
  ExtractRequest req_;
  Schema schema_;
  std::size_t page_rows_ = 0, rows_in_page_ = 0;
  std::vector<std::size_t> key_columns_;
  std::vector<Value> last_key_;
  Handle stmt_;
  ParameterArrays key_params_;
  std::vector<Value> key_values_;
  bool block_ = false, done_ = false;
  std::size_t rowset_ = 1, fetched_ = 0, next_ = 0;
  SQLULEN rows_fetched_ = 0;
  std::vector<SQLUSMALLINT> row_status_;
  std::vector<std::size_t> order_;  // SELECT position -> schema column: bounded ones first
  std::vector<Bound> bound_;
  std::string text_;
  std::vector<SQLWCHAR> wide_;
  std::vector<char> bytes_;
  Value scratch_;
};

}  // namespace sluice::odbc
