#include "drivers/odbc/odbc_sink.h"

#include "drivers/odbc/odbc_dialects.h"

namespace sluice::odbc {
OdbcSink::OdbcSink(std::unique_ptr<OdbcSession> session, const sql::Dialect& dialect, LoadRequest req, const Schema& target, bool swapped)
    : SqlTarget(std::move(session), dialect, std::move(req), target, swapped) {
  conn_ = &static_cast<OdbcSession&>(this->session()).conn();
  const LoadRequest& r = request();
  std::vector<std::string> marks;
  for (std::size_t i = 0; i < r.schema.columns.size(); ++i) marks.push_back(dialect.placeholder(i));
  if (r.mode == LoadMode::upsert) {
    insert_sql_ = dialect.upsert(write_table(), r.schema.names(), r.key, marks);
  } else {
    std::string values;
    for (const auto& m : marks) values += (values.empty() ? "" : ", ") + m;
    insert_sql_ = "INSERT INTO " + dialect.quote_table(write_table()) + " (" + column_list() + ") VALUES (" + values + ")";
  }
  coerced_.resize(r.schema.columns.size());
  row_values_.resize(r.schema.columns.size());
}

// Explicit keys into a SQL Server IDENTITY column need IDENTITY_INSERT (per session,
// one table at a time); a table without one refuses it, so it is only set when the
// load schema says the table numbers a column.
void OdbcSink::after_begin() {
  bool identity = false;
  for (const auto& c : request().schema.columns) identity = identity || c.identity;
  if (identity)
    if (auto on = dialect().identity_insert(write_table())) conn_->exec(*on);
  // A commit may close or delete prepared statements (SQL_CURSOR_COMMIT_BEHAVIOR):
  // each transaction prepares its own.
  prepared_ = false;
}

void OdbcSink::write_rows(const Batch& batch) {
  const auto& types = target_types();
  const auto& columns = request().schema.columns;
  if (!prepared_) {
    stmt_ = conn_->statement();
    WString w = widen(insert_sql_);
    if (!succeeded(SQLPrepareW(stmt_.get(), w.data(), static_cast<SQLINTEGER>(w.size()))))
      conn_->raise(stmt_, "preparing the insert into " + write_table().display());
    prepared_ = true;
  }
  std::size_t start = 0;
  while (start < batch.size()) {
    const std::size_t capacity = std::min(rows_per_execute(conn_->dbms()), batch.size() - start);
    params_.reset(types, capacity);
    std::size_t n = 0;
    while (n < capacity) {
      const Row& row = batch[start + n];
      for (std::size_t c = 0; c < types.size(); ++c) {
        try {
          row_values_[c] = &convert::for_target(row[c], types[c], columns[c].name, coerced_[c]);
        } catch (Error& e) {
          throw e.at_row(start + n);
        }
      }
      if (!params_.set_row(n, row_values_)) break;
      ++n;
    }
    execute(start, n);
    start += n;
  }
}

void OdbcSink::execute(std::size_t first_row, std::size_t rows) {
  status_.assign(rows, SQL_PARAM_UNUSED);
  processed_ = 0;
  SQLSetStmtAttr(stmt_.get(), SQL_ATTR_PARAM_BIND_TYPE, reinterpret_cast<SQLPOINTER>(SQL_PARAM_BIND_BY_COLUMN), 0);
  SQLSetStmtAttr(stmt_.get(), SQL_ATTR_PARAMSET_SIZE, reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(rows)), 0);
  SQLSetStmtAttr(stmt_.get(), SQL_ATTR_PARAM_STATUS_PTR, status_.data(), 0);
  SQLSetStmtAttr(stmt_.get(), SQL_ATTR_PARAMS_PROCESSED_PTR, &processed_, 0);
  params_.bind(*conn_, stmt_, rows);
  SQLRETURN rc = SQLExecute(stmt_.get());
  // Drain further results (a batch of statements reports one per parameter set).
  if (succeeded(rc)) while (SQLMoreResults(stmt_.get()) == SQL_SUCCESS) {}
  std::optional<std::size_t> refused;
  std::size_t errors = 0;
  bool clean_before = true;
  for (std::size_t i = 0; i < rows; ++i) {
    if (status_[i] == SQL_PARAM_ERROR) {
      if (!refused) refused = i;
      ++errors;
    } else if (!refused && status_[i] != SQL_PARAM_SUCCESS && status_[i] != SQL_PARAM_SUCCESS_WITH_INFO) {
      clean_before = false;
    }
  }
  if (succeeded(rc) && errors == 0) return;
  // One refused row with every earlier row written: the driver's word is exact enough
  // to start the isolation there (it still proves the row alone before rejecting it).
  const bool named = refused && errors == 1 && clean_before;
  if (succeeded(rc))  // some parameter sets failed, the others went in
    throw Error(ErrorClass::data, conn_->name() + ": inserting into " + write_table().display() + ": the driver refused row " +
                                      std::to_string(first_row + *refused + 1) + " of the batch")
        .at_row(first_row + *refused);
  try {
    conn_->raise(stmt_, "inserting into " + write_table().display());
  } catch (Error& e) {
    if (named && e.is_data()) e.at_row(first_row + *refused);
    throw;
  }
}

// Rows arrive with their keys: sequences (Oracle identities, PostgreSQL's) move past them.
void OdbcSink::before_completion() {
  for (const auto& c : request().schema.columns)
    if (c.identity)
      if (auto reset = dialect().sequence_reset(request().table, c.name)) conn_->exec(*reset);
}

}  // namespace sluice::odbc
