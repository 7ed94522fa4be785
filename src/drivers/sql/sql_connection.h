#pragma once
// The half of a SQL driver's Connection that is the same for every database, written
// once over the driver's Dialect and Session: type names and CREATE TABLE, preparing a
// target (schema, table, the staging table of `replace`, sluice_state), checkpoints and
// `sluice state`, and the run lock. A driver adds introspection, its source, and the
// sink that writes rows (make_target).
#include <memory>

#include "drivers/sql/dialect.h"
#include "drivers/sql/session.h"
#include "sluice/connection.h"
#include "sluice/pipeline.h"

namespace sluice::sql {

class SqlConnection : public Connection {
 public:
  explicit SqlConnection(ConnectionConfig cfg) : cfg_(std::move(cfg)) {}

  // The extracted columns (the table's, projected, or the query's), then make_source.
  std::unique_ptr<Source> open_source(const ExtractRequest& req) final;
  std::unique_ptr<Sink> open_sink(const LoadRequest& req) final;
  std::optional<RangeDigests> digest(const DigestRequest& req) override;
  bool can_digest(const Schema& columns) override { return canonical_texts(columns).has_value(); }
  std::optional<KeyBounds> key_bounds(const ExtractRequest& req, const std::string& column) override;

  std::string column_type_sql(const TypeInfo& t) override { return dialect().type_sql(t); }
  void add_columns(const TableRef& table, const std::vector<Column>& columns) override;
  TypeInfo created_type(const TypeInfo& t) override { return dialect().created_type(t); }
  TableDdl table_ddl(const TableRef& table, const Schema& schema, const std::vector<std::string>& key,
                     const TableObjects& objects) override;
  void build_objects(const TableRef& table, const Schema& schema, const TableObjects& objects, bool foreign_keys,
                     const std::function<void(const std::string&)>& built) override;

  std::optional<Checkpoint> read_checkpoint(const std::string& pipeline, const std::string& state_key) override;
  void write_checkpoint(const std::string& pipeline, const std::string& state_key, const Checkpoint& cp) override;
  std::unique_ptr<RunLock> lock_run(const std::string& pipeline, const std::string& holder) override;
  std::vector<StateRow> read_state(const std::string& pipeline) override;
  void clear_state(const std::string& pipeline, const std::string& state_key_or_empty) override;

 protected:
  const ConnectionConfig& config() const { return cfg_; }
  virtual const Dialect& dialect() = 0;
  // The connection's own session, for introspection and state. `write`: the caller
  // writes (SQLite opens its file read-write only then).
  virtual Session& session(bool write) = 0;
  // A session of its own (a sink's, the run lock's).
  virtual std::unique_ptr<Session> open_session() = 0;
  // The source that streams `req`'s rows, whose columns are `schema`.
  virtual std::unique_ptr<Source> make_source(const ExtractRequest& req, Schema schema) = 0;
  // The sink that writes rows for `req` into the prepared target.
  virtual std::unique_ptr<Sink> make_target(const LoadRequest& req, const Schema& target, bool swapped) = 0;
  // Creates an empty `staging` with the definition of `live` when the dialect has no
  // CREATE TABLE ... LIKE (SQLite).
  virtual void copy_definition(const TableRef& staging, const TableRef& live);

 private:
  // The extracted columns of req, as open_source gives them to make_source.
  Schema extracted_schema(const ExtractRequest& req);
  // The canonical text of each column in this dialect; nullopt where it has none.
  std::optional<std::vector<std::string>> canonical_texts(const Schema& columns);
  // FROM and WHERE of req (its table or query, and its where).
  std::string from_where(const ExtractRequest& req);
  // Refuses a replace (or create: always) of a table that other objects depend on.
  void check_swappable(const LoadRequest& req);
  // Creates, recreates or checks the target table as req.create says; its columns.
  Schema prepare_table(const LoadRequest& req);
  // The staging table of a replace; true when a resumed replace was already swapped in.
  bool prepare_staging(const LoadRequest& req);

  ConnectionConfig cfg_;
};

}  // namespace sluice::sql
