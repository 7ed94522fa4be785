#pragma once
// Rows into MySQL/MariaDB by LOAD DATA LOCAL INFILE fed from memory (write_method:
// load_data): each chunk of a batch is written as LOAD DATA's tab-separated text into a
// reused buffer, and Connector/C's local-infile handler hands the server that buffer —
// never a file: the handler answers only the statement this sink sent, so a server can
// not ask for anything else. The server parses plain text, which is its fastest load.
//
// LOAD DATA LOCAL turns what would be errors (a duplicate key, a value that does not
// fit) into warnings, since the server cannot stop a client mid-file. Exactness is kept
// by the sink: a statement with any warning, or fewer rows loaded than sent, is an error
// (its rows roll back with the transaction and are located or isolated as for any
// refused batch), carrying the server's first warning as its message.
#include <memory>

#include "drivers/mysql/mariadb_conn.h"
#include "drivers/sql/sql_target.h"

namespace sluice::mysql {

std::unique_ptr<Sink> make_infile_sink(std::unique_ptr<CSession> session, const sql::Dialect& dialect, const LoadRequest& req,
                                       const Schema& target, bool swapped);

}  // namespace sluice::mysql
