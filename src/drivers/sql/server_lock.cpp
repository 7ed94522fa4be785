#include "drivers/sql/server_lock.h"

#include "sluice/status.h"

namespace sluice::sql {
namespace {

class SessionLock final : public RunLock {
 public:
  explicit SessionLock(std::unique_ptr<Session> session) : session_(std::move(session)) {}

 private:
  std::unique_ptr<Session> session_;
};

bool truthy(const Session::Rows& rows) {
  return !rows.empty() && !rows[0].empty() && text_is_true(rows[0][0]);
}

}  // namespace

std::unique_ptr<RunLock> take_session_lock(std::unique_ptr<Session> own, Session& other, const Dialect& dialect,
                                           const std::string& pipeline, const std::string& holder, const std::string& where) {
  const auto try_lock = dialect.try_session_lock();
  if (!try_lock) throw Error(ErrorClass::internal, dialect.names().dialect + " has no session locks");
  if (!truthy(own->query(*try_lock, {pipeline}))) {
    std::string who = "unknown holder";
    if (!other.query(dialect.table_exists(), {"sluice_lock"}).empty()) {
      auto rows = other.query(dialect.lock_holder(), {pipeline});
      if (!rows.empty()) who = rows[0][0] + ", since " + rows[0][1];
    }
    throw Error(ErrorClass::transient, "pipeline " + pipeline + " is already running (" + who + "; " + dialect.lock_kind() + " in " + where + ")");
  }
  own->exec(dialect.lock_table_ddl());
  own->exec(dialect.lock_record(), {pipeline, holder});
  return std::make_unique<SessionLock>(std::move(own));
}

}  // namespace sluice::sql
