#pragma once
// Rows into an ODBC target: one prepared INSERT (or the dialect's upsert statement) run
// with parameter arrays — one SQLExecute per chunk of up to 1,000 rows
// (rows_per_execute) — and the
// per-row status array read after every execute, so that a refused row is named (the
// reject isolation then starts at it) and a driver that reports partial success
// (SQL_SUCCESS_WITH_INFO) cannot drop a row unnoticed.
#include "drivers/odbc/odbc_conn.h"
#include "drivers/odbc/odbc_params.h"
#include "drivers/sql/sql_target.h"

namespace sluice::odbc {

class OdbcSink final : public sql::SqlTarget {
 public:
  OdbcSink(std::unique_ptr<OdbcSession> session, const sql::Dialect& dialect, LoadRequest req, const Schema& target, bool swapped);

 private:
  void after_begin() override;
  void write_rows(const Batch& batch) override;
  void before_completion() override;
  void execute(std::size_t first_row, std::size_t rows);

  Conn* conn_ = nullptr;
  std::string insert_sql_;
  Handle stmt_;
  bool prepared_ = false;
  ParameterArrays params_;
  std::vector<SQLUSMALLINT> status_;
  SQLULEN processed_ = 0;
  std::vector<const Value*> row_values_;
  std::vector<Value> coerced_;
};

}  // namespace sluice::odbc
