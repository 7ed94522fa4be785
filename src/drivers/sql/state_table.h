#pragma once
// sluice_state in a SQL target, over any dialect: one row per (pipeline, step). The
// sink's commit writes it in the data's own transaction (sql_target.cpp).
#include "drivers/sql/dialect.h"
#include "drivers/sql/session.h"
#include "drivers/state_store.h"

namespace sluice::sql {

class StateTable final : public StateStore {
 public:
  StateTable(Session& session, const Dialect& dialect) : session_(session), dialect_(dialect) {}

  // Creates sluice_state when missing: once per step, before its first transaction.
  void ensure();
  std::optional<Checkpoint> load(const std::string& pipeline, const std::string& step) override;
  void save(const std::string& pipeline, const std::string& step, const Checkpoint& cp) override;
  std::vector<StateRow> list(const std::string& pipeline) override;
  void clear(const std::string& pipeline, const std::string& step_or_empty) override;

 private:
  bool exists();

  Session& session_;
  const Dialect& dialect_;
};

}  // namespace sluice::sql
