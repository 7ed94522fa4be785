#include "drivers/sqlite/sqlite_state.h"

namespace sluice::sqlite::state {
namespace {
const char* kCreate =
    "CREATE TABLE IF NOT EXISTS sluice_state (pipeline TEXT NOT NULL, step TEXT NOT NULL, run_id TEXT NOT NULL, "
    "last_key TEXT NOT NULL, rows_committed INTEGER NOT NULL, completed INTEGER NOT NULL, "
    "updated_at TEXT NOT NULL, PRIMARY KEY (pipeline, step))";

bool exists(Db& db) {
  Stmt st(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sluice_state'");
  return st.step();
}

void bind(Stmt& st, int i, const std::string& s) { sqlite3_bind_text(st.get(), i, s.c_str(), -1, SQLITE_TRANSIENT); }

Checkpoint row_to_checkpoint(Stmt& st, int first) {
  Checkpoint cp;
  cp.run_id = st.text(first);
  cp.last_key = decode_key(st.text(first + 1));
  cp.rows = sqlite3_column_int64(st.get(), first + 2);
  cp.completed = sqlite3_column_int(st.get(), first + 3) != 0;
  return cp;
}
}  // namespace

void save(Db& db, const std::string& pipeline, const std::string& step, const Checkpoint& cp) {
  db.exec(kCreate);
  Stmt st(db,
          "INSERT INTO sluice_state (pipeline, step, run_id, last_key, rows_committed, completed, updated_at) "
          "VALUES (?, ?, ?, ?, ?, ?, strftime('%Y-%m-%d %H:%M:%f', 'now')) ON CONFLICT (pipeline, step) DO UPDATE SET "
          "run_id = excluded.run_id, last_key = excluded.last_key, rows_committed = excluded.rows_committed, "
          "completed = excluded.completed, updated_at = excluded.updated_at");
  bind(st, 1, pipeline);
  bind(st, 2, step);
  bind(st, 3, cp.run_id);
  bind(st, 4, encode_key(cp.last_key));
  sqlite3_bind_int64(st.get(), 5, cp.rows);
  sqlite3_bind_int(st.get(), 6, cp.completed ? 1 : 0);
  st.step();
}

std::optional<Checkpoint> load(Db& db, const std::string& pipeline, const std::string& step) {
  if (!exists(db)) return std::nullopt;
  Stmt st(db, "SELECT run_id, last_key, rows_committed, completed FROM sluice_state WHERE pipeline = ? AND step = ?");
  bind(st, 1, pipeline);
  bind(st, 2, step);
  if (!st.step()) return std::nullopt;
  return row_to_checkpoint(st, 0);
}

std::vector<StateRow> list(Db& db, const std::string& pipeline) {
  std::vector<StateRow> out;
  if (!exists(db)) return out;
  Stmt st(db, "SELECT step, run_id, last_key, rows_committed, completed, updated_at FROM sluice_state "
              "WHERE pipeline = ? ORDER BY step");
  bind(st, 1, pipeline);
  while (st.step()) out.push_back({st.text(0), row_to_checkpoint(st, 1), st.text(5)});
  return out;
}

void clear(Db& db, const std::string& pipeline, const std::string& step) {
  if (!exists(db)) return;
  Stmt st(db, step.empty() ? "DELETE FROM sluice_state WHERE pipeline = ?"
                           : "DELETE FROM sluice_state WHERE pipeline = ? AND step = ?");
  bind(st, 1, pipeline);
  if (!step.empty()) bind(st, 2, step);
  st.step();
}

}  // namespace sluice::sqlite::state
