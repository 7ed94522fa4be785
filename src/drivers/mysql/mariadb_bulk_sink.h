#pragma once
// Rows into MariaDB by bulk array binding (COM_STMT_BULK_EXECUTE): one prepared INSERT
// (or its ON DUPLICATE KEY UPDATE upsert) executed once per chunk of rows, the values
// bound column by column — integers and doubles as arrays, text, decimals, times and
// bytes as pointers into one reused arena — so the server parses one statement and
// receives the rows in its binary protocol. The session is Connector/C's own (CSession),
// so the checkpoint is written in the same transaction as the rows.
#include <memory>

#include "drivers/mysql/mariadb_conn.h"
#include "drivers/sql/sql_target.h"

namespace sluice::mysql {

std::unique_ptr<Sink> make_bulk_sink(std::unique_ptr<CSession> session, const sql::Dialect& dialect, const LoadRequest& req,
                                     const Schema& target, bool swapped);

}  // namespace sluice::mysql
