#include "drivers/sql/sql_target.h"

#include "drivers/sql/sql_text.h"
#include "sluice/status.h"

namespace sluice::sql {

SqlTarget::SqlTarget(std::unique_ptr<Session> session, const Dialect& dialect, LoadRequest req, const Schema& target, bool swapped)
    : session_(std::move(session)), dialect_(dialect), req_(std::move(req)), state_(*session_, dialect_), swapped_(swapped) {
  write_table_ = req_.mode == LoadMode::replace ? staging_table(dialect_, req_.table) : req_.table;
  types_ = sql::target_types(req_.schema, target, req_.table);
  for (const auto& c : req_.schema.columns) columns_ += (columns_.empty() ? "" : ", ") + dialect_.quote(c.name);
}

void SqlTarget::begin() {
  session_->begin(dialect_.begin());
  in_tx_ = true;
  after_begin();
}

void SqlTarget::truncate() { session_->exec(dialect_.empty_table(req_.table)); }

void SqlTarget::write(const Batch& batch) {
  if (swapped_ && batch.size() > 0)
    throw Error(ErrorClass::internal, "replace of " + req_.table.display() + " was already swapped in, but the source has more rows");
  write_rows(batch);
}

void SqlTarget::commit(const Checkpoint& cp) {
  state_.save(req_.pipeline, req_.state_key, cp);
  session_->commit();
  in_tx_ = false;
  ++commits_;
}

void SqlTarget::rollback() noexcept {
  if (!in_tx_) return;
  in_tx_ = false;
  session_->rollback();
}

void SqlTarget::finish(const Checkpoint& cp) {
  if (!in_tx_) begin();
  if (req_.mode != LoadMode::replace) {
    before_completion();
    commit(cp);
    return;
  }
  if (!dialect_.ddl_commits()) {
    swap();
    before_completion();
    commit(cp);
    return;
  }
  // The swap's DDL would commit whatever is open: the rows are committed first (not
  // yet marked complete), then swapped, then the completion mark. A rerun after a
  // crash in between finds the staging table gone and only finishes up.
  Checkpoint pending = cp;
  pending.completed = false;
  commit(pending);
  swap();
  begin();
  before_completion();
  commit(cp);
}

void SqlTarget::swap() {
  if (!swapped_) {
    before_swap();
    for (const auto& statement : dialect_.swap_staging(req_.table, write_table_)) session_->exec(statement);
    after_swap();
  }
  for (const auto& statement : dialect_.after_swap(req_.table)) session_->exec(statement);
}

}  // namespace sluice::sql
