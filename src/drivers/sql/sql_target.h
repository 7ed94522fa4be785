#pragma once
// The base of every SQL sink. It owns what must be the same in every database (the
// lifecycle in sluice/sink.h): a transaction per commit, the checkpoint written inside
// the data's transaction, commit counting, a rollback that never throws, and the
// staging-table lifecycle of `replace` (rows go to the staging table, which is swapped
// in only by finish(), after the last batch). A driver subclass only writes rows
// (write_rows: COPY, multi-row INSERT, ...) and may add to a transaction's start or to
// the swap; the statements themselves come from the Dialect.
#include <memory>

#include "drivers/sql/dialect.h"
#include "drivers/sql/session.h"
#include "drivers/sql/state_table.h"
#include "sluice/sink.h"

namespace sluice::sql {

class SqlTarget : public Sink {
 public:
  // `target` are the columns of the existing target table; `swapped` says a resumed
  // replace finds its staging table already swapped in (a DDL-committing dialect that
  // crashed between the swap and the completion mark).
  SqlTarget(std::unique_ptr<Session> session, const Dialect& dialect, LoadRequest req, const Schema& target, bool swapped);

  void begin() final;
  void truncate() final;
  void write(const Batch& batch) final;
  void commit(const Checkpoint& cp) final;
  void rollback() noexcept final;
  void finish(const Checkpoint& cp) final;
  std::int64_t commits() const final { return commits_; }

  // Where `replace` writes its rows until the swap.
  static TableRef staging_table(const Dialect& dialect, const TableRef& live) { return dialect.derived_table(live, "staging"); }

 protected:
  // Writes the batch's rows (converted to `target_types()`) into write_table().
  virtual void write_rows(const Batch& batch) = 0;
  // After BEGIN: per-transaction setup (PostgreSQL's upsert temp table).
  virtual void after_begin() {}
  // In the swap's transaction, right before and after the swap statements.
  virtual void before_swap() {}
  virtual void after_swap() {}
  // In the transaction that marks the step completed, after the last rows (and the
  // swap, where it is transactional): PostgreSQL sets its sequences past the keys loaded.
  virtual void before_completion() {}

  Session& session() { return *session_; }
  const Dialect& dialect() const { return dialect_; }
  const LoadRequest& request() const { return req_; }
  const TableRef& write_table() const { return write_table_; }
  const std::vector<TypeInfo>& target_types() const { return types_; }
  // "a", "b", ...: the request's columns, quoted, comma-separated.
  const std::string& column_list() const { return columns_; }

 private:
  void swap();

  std::unique_ptr<Session> session_;
  const Dialect& dialect_;
  LoadRequest req_;
  TableRef write_table_;
  std::vector<TypeInfo> types_;
  std::string columns_;
  StateTable state_;
  bool swapped_;
  bool in_tx_ = false;
  std::int64_t commits_ = 0;
};

}  // namespace sluice::sql
