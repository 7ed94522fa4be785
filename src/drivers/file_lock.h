#pragma once
// Run locks for file targets (SQLite databases, CSV folders): flock() on a lock file.
// The kernel drops the lock when the holding process dies, so a crashed run never
// blocks the next one; the file's content only names the holder for messages.
#include <memory>
#include <string>

#include "sluice/connection.h"

namespace sluice::files {

std::unique_ptr<RunLock> lock_file(const std::string& path, const std::string& pipeline, const std::string& holder);

}  // namespace sluice::files
