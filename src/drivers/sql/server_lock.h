#pragma once
// The run lock of a database target, over any dialect with session locks (PostgreSQL
// advisory locks, MySQL GET_LOCK): taken on a session of its own that lives as long as
// the run, so the server drops it when the process dies. sluice_lock records who holds
// it, for the message a second run gets.
#include <memory>
#include <string>

#include "drivers/sql/dialect.h"
#include "drivers/sql/session.h"
#include "sluice/connection.h"

namespace sluice::sql {

// Throws a transient Error naming the current holder when another run has the lock;
// never waits. `other` is any other session of the same database (to read the holder);
// `where` names the database in the message.
std::unique_ptr<RunLock> take_session_lock(std::unique_ptr<Session> own, Session& other, const Dialect& dialect,
                                           const std::string& pipeline, const std::string& holder, const std::string& where);

}  // namespace sluice::sql
