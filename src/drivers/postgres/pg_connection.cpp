// PostgreSQL: streaming source (single-row mode in a REPEATABLE READ READ ONLY
// transaction), COPY sink, upsert through a temporary table, sluice_state.
#include <algorithm>

#include "drivers/postgres/pg_conn.h"
#include "drivers/postgres/pg_types.h"
#include "core/identifiers.h"
#include "drivers/sql_text.h"
#include "sluice/connection.h"
#include "sluice/registry.h"

namespace sluice::postgres {
namespace {

const std::string& placeholder(std::size_t i) {
  static std::vector<std::string> cache;
  while (cache.size() <= i) cache.push_back("$" + std::to_string(cache.size() + 1));
  return cache[i];
}

std::string q(const std::string& ident) { return sql::quote(ident, '"'); }
std::string qt(const TableRef& t) { return sql::quote_table(t, '"'); }

const char* kStateDdl =
    "CREATE TABLE IF NOT EXISTS sluice_state (pipeline text NOT NULL, step text NOT NULL, run_id text NOT NULL, "
    "last_key text NOT NULL, rows_committed bigint NOT NULL, completed boolean NOT NULL, "
    "updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (pipeline, step))";

class PgSource final : public Source {
 public:
  PgSource(std::unique_ptr<Conn> conn, const ExtractRequest& req, Schema schema)
      : conn_(std::move(conn)), schema_(std::move(schema)) {
    conn_->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    auto sel = sql::keyed_select(req, '"', schema_.names(), &placeholder);
    std::vector<std::string> texts;
    for (const Value* v : sel.params) texts.push_back(v->kind() == Value::Kind::bytes ? "\\x" + convert::hex_encode(v->str()) : v->to_text());
    std::vector<const char*> params;
    for (auto& t : texts) params.push_back(t.c_str());
    if (!PQsendQueryParams(conn_->get(), sel.sql.c_str(), static_cast<int>(params.size()), nullptr, params.data(), nullptr,
                           nullptr, 0))
      conn_->raise(nullptr, "starting the extract");
    // Rows arrive one result at a time: memory stays flat whatever the table size.
    PQsetSingleRowMode(conn_->get());
  }

  const Schema& schema() const override { return schema_; }

  bool read(Batch& batch) override {
    batch.clear();
    const std::size_t width = schema_.size();
    while (!batch.full() && !done_) {
      Result r(PQgetResult(conn_->get()));
      if (!r) { done_ = true; break; }
      auto st = PQresultStatus(r.get());
      if (st == PGRES_TUPLES_OK) continue;  // end of rows; the next PQgetResult returns null
      if (st != PGRES_SINGLE_TUPLE) conn_->raise(r.get(), "reading");
      Row& row = batch.append_row(width);
      for (std::size_t c = 0; c < width; ++c) {
        int ci = static_cast<int>(c);
        if (PQgetisnull(r.get(), 0, ci)) { row[c].set_null(); continue; }
        read_text(std::string_view(PQgetvalue(r.get(), 0, ci), static_cast<std::size_t>(PQgetlength(r.get(), 0, ci))),
                  schema_.columns[c].type, schema_.columns[c].name, row[c]);
      }
    }
    return !batch.empty();
  }

 private:
  std::unique_ptr<Conn> conn_;
  Schema schema_;
  bool done_ = false;
};

class PgSink final : public Sink {
 public:
  PgSink(std::unique_ptr<Conn> conn, LoadRequest req, const Schema& target) : conn_(std::move(conn)), req_(std::move(req)) {
    write_table_ = req_.mode == LoadMode::replace ? staging(req_.table) : req_.table;
    types_ = sql::target_types(req_.schema, target, req_.table);
    for (const auto& c : req_.schema.columns) cols_ += (cols_.empty() ? "" : ", ") + q(c.name);
    // Once per step, not per commit: the checkpoints of every transaction go here.
    conn_->exec(kStateDdl);
  }

  static TableRef staging(const TableRef& t) { return {t.schema, ident::derived(ident::rule_for("postgres"), t.name, "staging")}; }

  void begin() override {
    conn_->exec("BEGIN");
    in_tx_ = true;
    if (req_.mode == LoadMode::upsert) {
      conn_->exec("CREATE TEMP TABLE IF NOT EXISTS sluice_upsert (LIKE " + qt(req_.table) + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
    }
  }

  void truncate() override { conn_->exec("TRUNCATE " + qt(req_.table)); }

  void write(const Batch& batch) override {
    std::string into = req_.mode == LoadMode::upsert ? "sluice_upsert" : qt(write_table_);
    Result start(PQexec(conn_->get(), ("COPY " + into + " (" + cols_ + ") FROM STDIN").c_str()));
    if (PQresultStatus(start.get()) != PGRES_COPY_IN) conn_->raise(start.get(), "starting COPY into " + write_table_.display());
    buf_.clear();
    for (std::size_t r = 0; r < batch.size(); ++r) {
      const Row& row = batch[r];
      for (std::size_t c = 0; c < row.size(); ++c) {
        if (c) buf_ += '\t';
        const Value* v = nullptr;
        try {
          v = &convert::for_target(row[c], types_[c], req_.schema.columns[c].name, coerced_);
        } catch (...) {
          abort_copy();
          throw;
        }
        try {
          append_copy_field(*v, buf_);
        } catch (const Error& e) {
          abort_copy();
          throw Error(ErrorClass::data, "column " + req_.schema.columns[c].name + ": " + e.what(), e.sqlstate());
        }
      }
      buf_ += '\n';
      if (buf_.size() >= (1 << 20)) flush();
    }
    flush();
    if (PQputCopyEnd(conn_->get(), nullptr) != 1) conn_->raise(nullptr, "ending COPY");
    Result end(PQgetResult(conn_->get()));
    if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) conn_->raise(end.get(), "COPY into " + write_table_.display());
    while (Result extra{PQgetResult(conn_->get())}) {}
    // Merged per batch, so a row the target refuses fails this write (where the
    // runner can isolate it), not the commit.
    if (req_.mode == LoadMode::upsert) merge();
  }

  void commit(const Checkpoint& cp) override {
    save_state(cp);
    conn_->exec("COMMIT");
    in_tx_ = false;
    ++commits_;
  }

  void finish(const Checkpoint& cp) override {
    if (!in_tx_) begin();
    if (req_.mode == LoadMode::replace) {
      conn_->exec("DROP TABLE IF EXISTS " + qt(req_.table));
      conn_->exec("ALTER TABLE " + qt(write_table_) + " RENAME TO " + q(req_.table.name));
      take_own_index_names();
    }
    commit(cp);
  }

  void rollback() noexcept override {
    if (!in_tx_) return;
    in_tx_ = false;
    if (PQstatus(conn_->get()) == CONNECTION_OK) PQclear(PQexec(conn_->get(), "ROLLBACK"));
  }

  std::int64_t commits() const override { return commits_; }

 private:
  // Ends a COPY the server must discard (a value failed before it was sent).
  void abort_copy() {
    PQputCopyEnd(conn_->get(), "sluice: value refused before sending");
    while (Result r{PQgetResult(conn_->get())}) {}
  }

  // The staging table's constraints and indexes were named after it
  // ("<table>__sluice_staging_pkey"): give them the table's own names, in the swap's
  // transaction, so that a replaced table looks like one created in place.
  void take_own_index_names() {
    const std::string from = write_table_.name, to = req_.table.name;
    std::string table = qt(req_.table);
    auto r = conn_->exec("SELECT c.relname, (SELECT con.conname FROM pg_constraint con WHERE con.conindid = c.oid AND con.conrelid = i.indrelid) "
                         "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = to_regclass($1)", {table.c_str()});
    for (int row = 0; row < PQntuples(r.get()); ++row) {
      const std::string index = PQgetvalue(r.get(), row, 0);
      if (index.compare(0, from.size(), from) != 0) continue;
      const std::string renamed = to + index.substr(from.size());
      if (!ident::rule_for("postgres").fits(renamed)) continue;  // PostgreSQL's own choice stands
      if (!PQgetisnull(r.get(), row, 1))
        conn_->exec("ALTER TABLE " + table + " RENAME CONSTRAINT " + q(PQgetvalue(r.get(), row, 1)) + " TO " + q(renamed));
      else
        conn_->exec("ALTER INDEX " + sql::quote_table({req_.table.schema, index}, '"') + " RENAME TO " + q(renamed));
    }
  }

  void flush() {
    if (buf_.empty()) return;
    if (PQputCopyData(conn_->get(), buf_.data(), static_cast<int>(buf_.size())) != 1) conn_->raise(nullptr, "sending COPY data");
    buf_.clear();
  }

  void merge() {
    std::string keys, sets;
    for (const auto& k : req_.key) keys += (keys.empty() ? "" : ", ") + q(k);
    for (const auto& c : req_.schema.columns)
      if (std::find(req_.key.begin(), req_.key.end(), c.name) == req_.key.end())
        sets += (sets.empty() ? "" : ", ") + q(c.name) + " = EXCLUDED." + q(c.name);
    conn_->exec("INSERT INTO " + qt(req_.table) + " (" + cols_ + ") SELECT " + cols_ + " FROM sluice_upsert ON CONFLICT (" +
                keys + ") DO " + (sets.empty() ? "NOTHING" : "UPDATE SET " + sets));
    conn_->exec("TRUNCATE sluice_upsert");
  }

  void save_state(const Checkpoint& cp) {
    std::string key = encode_key(cp.last_key), rows = std::to_string(cp.rows);
    conn_->exec("INSERT INTO sluice_state (pipeline, step, run_id, last_key, rows_committed, completed, updated_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (pipeline, step) DO UPDATE SET run_id = EXCLUDED.run_id, "
                "last_key = EXCLUDED.last_key, rows_committed = EXCLUDED.rows_committed, completed = EXCLUDED.completed, "
                "updated_at = EXCLUDED.updated_at",
                {req_.pipeline.c_str(), req_.state_key.c_str(), cp.run_id.c_str(), key.c_str(), rows.c_str(), cp.completed ? "t" : "f"});
  }

  std::unique_ptr<Conn> conn_;
  LoadRequest req_;
  TableRef write_table_;
  std::vector<TypeInfo> types_;
  std::string cols_, buf_;
  Value coerced_;
  bool in_tx_ = false;
  std::int64_t commits_ = 0;
};

// A session-level advisory lock, on a connection of its own that lives as long as the
// run: if the process dies, the server ends the session and the lock with it.
class PgRunLock final : public RunLock {
 public:
  explicit PgRunLock(std::unique_ptr<Conn> conn) : conn_(std::move(conn)) {}

 private:
  std::unique_ptr<Conn> conn_;
};

const char* kLockDdl =
    "CREATE TABLE IF NOT EXISTS sluice_lock (pipeline text PRIMARY KEY, holder text NOT NULL, since timestamptz NOT NULL)";

class PgConnection final : public Connection {
 public:
  explicit PgConnection(const ConnectionConfig& cfg) : cfg_(cfg), conn_(std::make_unique<Conn>(cfg)) {}

  std::vector<TableRef> list_tables(const std::string& schema) override {
    std::string s = schema.empty() ? "public" : schema;
    auto r = conn_->exec("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') "
                         "ORDER BY 1", {s.c_str()});
    std::vector<TableRef> out;
    for (int i = 0; i < PQntuples(r.get()); ++i)
      if (!ident::is_reserved(PQgetvalue(r.get(), i, 0))) out.push_back({schema, PQgetvalue(r.get(), i, 0)});
    return out;
  }

  std::optional<Schema> describe(const TableRef& t) override {
    std::string name = qt(t);
    auto r = conn_->exec(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, ty.typtype = 'e', "
        "COALESCE((SELECT array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) + 1 "
        "FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary), 0) "
        "FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid "
        "WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        {name.c_str()});
    if (PQntuples(r.get()) == 0) return std::nullopt;
    Schema s;
    std::vector<std::pair<int, std::string>> pk;
    for (int i = 0; i < PQntuples(r.get()); ++i) {
      Column c;
      c.name = PQgetvalue(r.get(), i, 0);
      c.type = type_from_pg(PQgetvalue(r.get(), i, 1), PQgetvalue(r.get(), i, 3)[0] == 't');
      c.nullable = PQgetvalue(r.get(), i, 2)[0] != 't';
      int pos = std::atoi(PQgetvalue(r.get(), i, 4));
      if (pos > 0) pk.emplace_back(pos, c.name);
      s.columns.push_back(std::move(c));
    }
    std::sort(pk.begin(), pk.end());
    for (auto& [_, n] : pk) s.primary_key.push_back(n);
    return s;
  }

  std::vector<std::pair<std::string, std::string>> foreign_keys(const std::string& schema) override {
    std::string s = schema.empty() ? "public" : schema;
    auto r = conn_->exec("SELECT cl.relname, pcl.relname FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid "
                         "JOIN pg_class pcl ON pcl.oid = c.confrelid JOIN pg_namespace n ON n.oid = cl.relnamespace "
                         "WHERE c.contype = 'f' AND n.nspname = $1", {s.c_str()});
    std::vector<std::pair<std::string, std::string>> out;
    for (int i = 0; i < PQntuples(r.get()); ++i) out.emplace_back(PQgetvalue(r.get(), i, 0), PQgetvalue(r.get(), i, 1));
    return out;
  }

  std::optional<std::int64_t> estimate_rows(const TableRef& t) override {
    std::string name = qt(t);
    // reltuples is -1 until the table was first vacuumed or analyzed: unknown, not 0.
    auto r = conn_->exec("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass($1)", {name.c_str()});
    if (PQntuples(r.get()) == 0) return std::nullopt;
    long long n = std::atoll(PQgetvalue(r.get(), 0, 0));
    if (n < 0) return std::nullopt;
    return n;
  }

  std::unique_ptr<Source> open_source(const ExtractRequest& req) override {
    Schema schema;
    if (!req.query.empty()) {
      // A source is only ever read: the probe runs as one statement in a read-only
      // transaction, so a query: holding "...; DROP TABLE x" writes nothing.
      struct ReadOnly {
        Conn& c;
        explicit ReadOnly(Conn& conn) : c(conn) { c.exec("BEGIN TRANSACTION READ ONLY"); }
        ~ReadOnly() { PQclear(PQexec(c.get(), "ROLLBACK")); }
      } read_only{*conn_};
      auto r = conn_->exec_one("SELECT * FROM (" + req.query + ") AS sluice_q LIMIT 0");
      for (int i = 0; i < PQnfields(r.get()); ++i) {
        auto t = conn_->exec("SELECT format_type($1::oid, $2::int), (SELECT typtype = 'e' FROM pg_type WHERE oid = $1::oid)",
                             {std::to_string(PQftype(r.get(), i)).c_str(), std::to_string(PQfmod(r.get(), i)).c_str()});
        schema.columns.push_back({PQfname(r.get(), i), type_from_pg(PQgetvalue(t.get(), 0, 0), PQgetvalue(t.get(), 0, 1)[0] == 't'), true});
      }
    } else {
      auto full = describe(req.table);
      if (!full) throw Error(ErrorClass::config, "source table " + req.table.display() + " does not exist in " + cfg_.display());
      schema = sql::project(*full, req.columns, req.table);
    }
    // The extract gets a connection of its own so introspection and state reads
    // stay usable while rows stream.
    return std::make_unique<PgSource>(std::make_unique<Conn>(cfg_), req, std::move(schema));
  }

  std::unique_ptr<Sink> open_sink(const LoadRequest& req) override {
    if (!req.table.schema.empty() && req.create != CreateMode::never)
      conn_->exec("CREATE SCHEMA IF NOT EXISTS " + q(req.table.schema));
    Schema target = sql::prepare_target(*this, req, cfg_.display(), '"', [&](const std::string& ddl) { conn_->exec(ddl); });
    if (req.mode == LoadMode::replace && !req.resuming) {
      auto st = PgSink::staging(req.table);
      conn_->exec("DROP TABLE IF EXISTS " + qt(st));
      conn_->exec("CREATE TABLE " + qt(st) + " (LIKE " + qt(req.table) + " INCLUDING ALL)");
    }
    return std::make_unique<PgSink>(std::make_unique<Conn>(cfg_), req, target);
  }

  std::string column_type_sql(const TypeInfo& t) override { return pg_type_sql(t); }
  TypeInfo created_type(const TypeInfo& t) override { return type_from_pg(pg_type_sql(t), false); }

  std::string create_table_sql(const TableRef& table, const Schema& schema, const std::vector<std::string>& key) override {
    return sql::create_table(table, schema, key, '"', pg_type_sql);
  }

  std::optional<Checkpoint> read_checkpoint(const std::string& pipeline, const std::string& key) override {
    if (!state_exists()) return std::nullopt;
    auto r = conn_->exec("SELECT run_id, last_key, rows_committed, completed FROM sluice_state WHERE pipeline = $1 AND step = $2",
                         {pipeline.c_str(), key.c_str()});
    if (PQntuples(r.get()) == 0) return std::nullopt;
    return row_checkpoint(r.get(), 0, 0);
  }

  void write_checkpoint(const std::string& pipeline, const std::string& key, const Checkpoint& cp) override {
    conn_->exec(kStateDdl);
    std::string k = encode_key(cp.last_key), rows = std::to_string(cp.rows);
    conn_->exec("INSERT INTO sluice_state (pipeline, step, run_id, last_key, rows_committed, completed) VALUES ($1, $2, $3, $4, $5, $6) "
                "ON CONFLICT (pipeline, step) DO UPDATE SET run_id = EXCLUDED.run_id, last_key = EXCLUDED.last_key, "
                "rows_committed = EXCLUDED.rows_committed, completed = EXCLUDED.completed, updated_at = now()",
                {pipeline.c_str(), key.c_str(), cp.run_id.c_str(), k.c_str(), rows.c_str(), cp.completed ? "t" : "f"});
  }

  std::unique_ptr<RunLock> lock_run(const std::string& pipeline, const std::string& holder) override {
    auto lock = std::make_unique<Conn>(cfg_);
    auto r = lock->exec("SELECT pg_try_advisory_lock(1936487781, hashtext($1))", {pipeline.c_str()});
    if (PQgetvalue(r.get(), 0, 0)[0] != 't') {
      std::string who = "unknown holder";
      auto h = conn_->exec("SELECT holder || ', since ' || since::text FROM sluice_lock WHERE pipeline = $1", {pipeline.c_str()});
      if (PQntuples(h.get())) who = PQgetvalue(h.get(), 0, 0);
      throw Error(ErrorClass::transient, "pipeline " + pipeline + " is already running (" + who + "; advisory lock in " + cfg_.display() + ")");
    }
    lock->exec(kLockDdl);
    lock->exec("INSERT INTO sluice_lock VALUES ($1, $2, now()) ON CONFLICT (pipeline) DO UPDATE SET holder = EXCLUDED.holder, "
               "since = EXCLUDED.since", {pipeline.c_str(), holder.c_str()});
    return std::make_unique<PgRunLock>(std::move(lock));
  }

  std::vector<StateRow> read_state(const std::string& pipeline) override {
    std::vector<StateRow> out;
    if (!state_exists()) return out;
    auto r = conn_->exec("SELECT step, run_id, last_key, rows_committed, completed, updated_at::text FROM sluice_state "
                         "WHERE pipeline = $1 ORDER BY step", {pipeline.c_str()});
    for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back({PQgetvalue(r.get(), i, 0), row_checkpoint(r.get(), i, 1), PQgetvalue(r.get(), i, 5)});
    return out;
  }

  void clear_state(const std::string& pipeline, const std::string& step) override {
    if (!state_exists()) return;
    if (step.empty()) conn_->exec("DELETE FROM sluice_state WHERE pipeline = $1", {pipeline.c_str()});
    else conn_->exec("DELETE FROM sluice_state WHERE pipeline = $1 AND step = $2", {pipeline.c_str(), step.c_str()});
  }

 private:
  bool state_exists() {
    auto r = conn_->exec("SELECT to_regclass('sluice_state') IS NOT NULL");
    return PQgetvalue(r.get(), 0, 0)[0] == 't';
  }
  static Checkpoint row_checkpoint(PGresult* r, int row, int first) {
    Checkpoint cp;
    cp.run_id = PQgetvalue(r, row, first);
    cp.last_key = decode_key(PQgetvalue(r, row, first + 1));
    cp.rows = std::atoll(PQgetvalue(r, row, first + 2));
    cp.completed = PQgetvalue(r, row, first + 3)[0] == 't';
    return cp;
  }

  ConnectionConfig cfg_;
  std::unique_ptr<Conn> conn_;
};

}  // namespace

void register_driver(DriverRegistry& r) {
  r.add("postgres", [](const ConnectionConfig& cfg) { return std::make_unique<PgConnection>(cfg); });
}

}  // namespace sluice::postgres
