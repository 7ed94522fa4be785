#pragma once
// A driver's open connection to one configured database or folder. Everything the
// runner and the CLI need from a database goes through this interface; drivers map
// their library's errors to sluice::Error before they leave these methods.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/digest.h"
#include "sluice/status.h"
#include "sluice/sink.h"
#include "sluice/source.h"

namespace sluice {

struct StateRow {
  std::string step;
  Checkpoint checkpoint;
  std::string updated_at;
};

// A pipeline's run lock in one target, held until destroyed. If the process dies the
// server (session locks) or the kernel (file locks) releases it.
class RunLock {
 public:
  virtual ~RunLock() = default;
};

// The statements that make a table sluice creates: CREATE TABLE (columns with their
// defaults and identity, primary key, checks), then, once its rows are loaded, the
// secondary indexes and foreign keys; and what of the definition the target cannot say.
struct TableDdl {
  std::string create_table;
  std::vector<std::string> with_table;  // right after it (the partitions of a partitioned table)
  std::vector<std::string> after_load;
  std::vector<std::string> not_migrated;
};

// A moment of a source database that several of its connections read under (a table
// split into key ranges, read side by side): sources opened with ExtractRequest::snapshot
// = id() while it is held see the same rows. Released when destroyed.
class SharedSnapshot {
 public:
  virtual ~SharedSnapshot() = default;
  virtual const std::string& id() const = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;

  // Throws a config Error when this connection cannot be a source at all (a SQLite file
  // or CSV folder that does not exist), naming what is missing.
  virtual void check_readable() {}

  virtual std::vector<TableRef> list_tables(const std::string& schema) = 0;
  // Columns and primary key of a table; nullopt if it does not exist.
  virtual std::optional<Schema> describe(const TableRef& table) = 0;
  virtual std::optional<std::int64_t> estimate_rows(const TableRef& table) = 0;
  // The columns a query: returns, without reading its rows (a LIMIT 0 probe in a
  // read-only transaction). Throws a config Error when the driver has no queries.
  virtual Schema describe_query(const std::string& query) = 0;
  // Secondary indexes, foreign keys and checks of a table, and what it has that sluice
  // does not copy (triggers, full-text indexes, ...). Empty where the driver has none.
  virtual TableObjects describe_objects(const TableRef&) { return {}; }
  // What a schema has besides tables that sluice does not copy (functions, procedures,
  // events), one line each, for plan's "not migrated" list.
  virtual std::vector<std::string> schema_not_migrated(const std::string& /*schema*/) { return {}; }
  // (table, referenced table) pairs of the schema's foreign keys, for copying parents first.
  virtual std::vector<std::pair<std::string, std::string>> foreign_keys(const std::string& /*schema*/) { return {}; }

  virtual std::unique_ptr<Source> open_source(const ExtractRequest& req) = 0;
  // Whether share_snapshot() can give sources of this connection one snapshot.
  virtual bool shares_snapshots() const { return false; }
  // A snapshot of `table` for sources to open under; hold it until each has started.
  virtual std::unique_ptr<SharedSnapshot> share_snapshot(const TableRef& /*table*/) { return nullptr; }
  // verify's digests computed by the database (sluice/digest.h): nullopt when this
  // connection cannot compute them itself, and verify computes them from read rows.
  virtual std::optional<RangeDigests> digest(const DigestRequest&) { return std::nullopt; }
  // Whether digest() is computed by the database for an extract of these columns.
  virtual bool can_digest(const Schema&) { return false; }
  // Smallest and largest value of an integer column of an extract; nullopt when the
  // extract has no rows or the connection cannot say without reading them.
  virtual std::optional<KeyBounds> key_bounds(const ExtractRequest&, const std::string& /*column*/) { return std::nullopt; }
  // Adds nullable columns to an existing target table (on_schema_change: add_columns),
  // typed as a created table's would be. Throws a config Error where it cannot.
  virtual void add_columns(const TableRef& table, const std::vector<Column>& /*columns*/) {
    throw Error(ErrorClass::config, "cannot add columns to " + table.display() + " (on_schema_change: add_columns needs a SQL target)");
  }
  // Prepares the target (schema, table per req.create) and returns a sink for it.
  virtual std::unique_ptr<Sink> open_sink(const LoadRequest& req) = 0;

  // The target type this dialect stores a logical type as, and the DDL for a table.
  virtual std::string column_type_sql(const TypeInfo& t) = 0;
  // The logical type a column created for `t` reads back as (for plan's lossy flags).
  virtual TypeInfo created_type(const TypeInfo& t) = 0;
  virtual TableDdl table_ddl(const TableRef& table, const Schema& schema, const std::vector<std::string>& key,
                             const TableObjects& objects) = 0;
  // After a load: creates each secondary index (or, with `foreign_keys`, each foreign
  // key) of `objects` that `table` does not have yet, one statement each, so that a
  // rerun after a kill builds only what is missing. Calls built("index x") after each.
  virtual void build_objects(const TableRef& /*table*/, const Schema& /*schema*/, const TableObjects& /*objects*/,
                             bool /*foreign_keys*/, const std::function<void(const std::string&)>& /*built*/) {}

  // The checkpoint saved for one step (state_key), if any.
  virtual std::optional<Checkpoint> read_checkpoint(const std::string& pipeline, const std::string& state_key) = 0;
  // Writes a checkpoint in a transaction of its own (run start markers).
  virtual void write_checkpoint(const std::string& pipeline, const std::string& state_key, const Checkpoint& cp) = 0;
  // Sources whose rows have no key but a stable order (CSV files) resume by row count.
  virtual bool resumes_by_position() const { return false; }

  // Takes the run lock of `pipeline` in this target, recording `holder` (host, pid,
  // start time) for the message a second run gets. Throws a transient Error naming the
  // current holder when another run has it; never waits.
  virtual std::unique_ptr<RunLock> lock_run(const std::string& pipeline, const std::string& holder) = 0;

  // sluice_state maintenance for `sluice state`.
  virtual std::vector<StateRow> read_state(const std::string& pipeline) = 0;
  // Removes the checkpoint saved under exactly `state_key`, or every checkpoint of the
  // pipeline when it is empty. (Which keys belong to a step is decided by the caller.)
  virtual void clear_state(const std::string& pipeline, const std::string& state_key_or_empty) = 0;
};

}  // namespace sluice
