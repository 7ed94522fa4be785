// MySQL/MariaDB: streaming source in a consistent read-only snapshot, multi-row
// prepared INSERT sink (upsert through ON DUPLICATE KEY UPDATE), sluice_state.
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "drivers/mysql/mysql_conn.h"
#include "drivers/mysql/mysql_types.h"
#include "core/identifiers.h"
#include "drivers/sql/sql_text.h"
#include "sluice/connection.h"
#include "sluice/registry.h"

namespace sluice::mysql {
namespace {

std::string q(const std::string& ident) { return sql::quote(ident, '`'); }
std::string qt(const TableRef& t) { return sql::quote_table(t, '`'); }

const std::string& variable(std::size_t i) {
  static std::vector<std::string> cache;
  while (cache.size() <= i) cache.push_back("@sluice_k" + std::to_string(cache.size()));
  return cache[i];
}

// Binds one value; the statement copies strings, so `scratch` may be reused after.
void bind_param(::sql::PreparedStatement& st, unsigned idx, const Value& v, std::string& scratch) {
  using K = Value::Kind;
  switch (v.kind()) {
    case K::null: st.setNull(idx, ::sql::DataType::VARCHAR); return;
    case K::boolean: st.setBoolean(idx, v.as_bool()); return;
    case K::int64: st.setInt64(idx, v.as_int()); return;
    case K::uint64: st.setUInt64(idx, v.as_uint()); return;
    case K::float64: st.setDouble(idx, v.as_double()); return;
    case K::decimal: case K::text: case K::json: case K::uuid: case K::bytes:
      st.setString(idx, ::sql::SQLString(v.str().data(), v.str().size()));
      return;
    default:
      scratch.clear();
      v.append_text(scratch);
      st.setString(idx, scratch);
      return;
  }
}

const char* kStateDdl =
    "CREATE TABLE IF NOT EXISTS sluice_state (pipeline varchar(190) NOT NULL, step varchar(190) NOT NULL, "
    "run_id varchar(64) NOT NULL, last_key longtext NOT NULL, rows_committed bigint NOT NULL, completed tinyint(1) NOT NULL, "
    "updated_at datetime(6) NOT NULL, PRIMARY KEY (pipeline, step)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

void save_state(Conn& c, const std::string& pipeline, const std::string& step, const Checkpoint& cp) {
  try {
    std::unique_ptr<::sql::PreparedStatement> st(c.get().prepareStatement(
        "INSERT INTO sluice_state (pipeline, step, run_id, last_key, rows_committed, completed, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE run_id = VALUES(run_id), "
        "last_key = VALUES(last_key), rows_committed = VALUES(rows_committed), completed = VALUES(completed), "
        "updated_at = VALUES(updated_at)"));
    st->setString(1, pipeline);
    st->setString(2, step);
    st->setString(3, cp.run_id);
    st->setString(4, encode_key(cp.last_key));
    st->setInt64(5, cp.rows);
    st->setBoolean(6, cp.completed);
    st->executeUpdate();
  } catch (const ::sql::SQLException& e) {
    c.raise(e, "writing the checkpoint");
  }
}

class MySource final : public Source {
 public:
  MySource(std::unique_ptr<Conn> conn, const ExtractRequest& req, Schema schema)
      : conn_(std::move(conn)), schema_(std::move(schema)) {
    try {
      conn_->exec("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      conn_->exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
      auto sel = sql::keyed_select(req, '`', schema_.names(), &variable);
      // The resume key travels as bound parameters into session variables: a
      // streaming (forward-only) result needs a plain statement, which takes none.
      for (std::size_t i = 0; i < sel.params.size(); ++i) {
        const Value& v = *sel.params[i];
        std::string set = "SET " + variable(i) + " = " + (v.kind() == Value::Kind::decimal ? "CAST(? AS DECIMAL(65,30))" : "?");
        std::unique_ptr<::sql::PreparedStatement> ps(conn_->get().prepareStatement(set));
        std::string scratch;
        bind_param(*ps, 1, v, scratch);
        ps->execute();
      }
      stmt_.reset(conn_->get().createStatement());
      stmt_->setResultSetType(::sql::ResultSet::TYPE_FORWARD_ONLY);
      rs_.reset(stmt_->executeQuery(sel.sql));
    } catch (const ::sql::SQLException& e) {
      conn_->raise(e, "starting the extract");
    }
  }
  ~MySource() override {
    if (zero_dates_ > 0)
      spdlog::warn("{}: {} MySQL zero date(s) ('0000-00-00') read as NULL", conn_->name(), zero_dates_);
    rs_.reset();
    stmt_.reset();
  }

  const Schema& schema() const override { return schema_; }
  std::int64_t values_changed() const override { return zero_dates_; }

  bool read(Batch& batch) override {
    batch.clear();
    const std::size_t width = schema_.size();
    try {
      while (!batch.full() && !done_) {
        if (!rs_->next()) { done_ = true; break; }
        Row& row = batch.append_row(width);
        for (std::size_t c = 0; c < width; ++c) {
          auto idx = static_cast<uint32_t>(c + 1);
          if (rs_->isNull(idx)) { row[c].set_null(); continue; }
          ::sql::SQLString s = rs_->getString(idx);
          const std::string& raw = s.asStdString();
          if (!read_text(raw, schema_.columns[c].type, schema_.columns[c].name, row[c])) {
            row[c].set_null();
            ++zero_dates_;
          }
        }
      }
    } catch (const ::sql::SQLException& e) {
      conn_->raise(e, "reading");
    }
    return !batch.empty();
  }

 private:
  std::unique_ptr<Conn> conn_;
  Schema schema_;
  std::unique_ptr<::sql::Statement> stmt_;
  std::unique_ptr<::sql::ResultSet> rs_;
  bool done_ = false;
  std::int64_t zero_dates_ = 0;
};

class MySink final : public Sink {
 public:
  MySink(std::unique_ptr<Conn> conn, LoadRequest req, const Schema& target, bool swapped)
      : conn_(std::move(conn)), req_(std::move(req)), swapped_(swapped) {
    write_table_ = req_.mode == LoadMode::replace ? staging(req_.table) : req_.table;
    types_ = sql::target_types(req_.schema, target, req_.table);
    for (const auto& c : req_.schema.columns) {
      cols_ += (cols_.empty() ? "" : ", ") + q(c.name);
      row_marks_ += row_marks_.empty() ? "(?" : ", ?";
    }
    row_marks_ += ")";
    if (req_.mode == LoadMode::upsert) {
      for (const auto& c : req_.schema.columns)
        if (std::find(req_.key.begin(), req_.key.end(), c.name) == req_.key.end())
          update_ += (update_.empty() ? "" : ", ") + q(c.name) + " = VALUES(" + q(c.name) + ")";
      if (update_.empty()) update_ = q(req_.key[0]) + " = " + q(req_.key[0]);  // keys only: nothing to update
    }
  }

  static TableRef staging(const TableRef& t) { return {t.schema, ident::derived(ident::rule_for("mysql"), t.name, "staging")}; }
  static TableRef retired(const TableRef& t) { return {t.schema, ident::derived(ident::rule_for("mysql"), t.name, "old")}; }

  void begin() override {
    conn_->exec("START TRANSACTION");
    in_tx_ = true;
  }
  // DELETE, not TRUNCATE: TRUNCATE is DDL and would commit the open transaction.
  void truncate() override { conn_->exec("DELETE FROM " + qt(req_.table)); }

  void write(const Batch& batch) override {
    if (swapped_ && batch.size() > 0)
      throw Error(ErrorClass::internal, "replace of " + req_.table.display() + " was already swapped in, but the source has more rows");
    const std::size_t ncols = types_.size();
    // One statement carries at most 65,535 placeholders and stays well under
    // max_allowed_packet (bounded here at about 4 MiB of values).
    const std::size_t max_rows = std::max<std::size_t>(1, std::min<std::size_t>(1000, 65535 / std::max<std::size_t>(1, ncols)));
    std::size_t start = 0;
    while (start < batch.size()) {
      std::size_t end = start, bytes = 0;
      while (end < batch.size() && end - start < max_rows && bytes < (4u << 20)) {
        for (const auto& v : batch[end]) bytes += 16 + (v.kind() >= Value::Kind::decimal ? v.str().size() : 0);
        ++end;
      }
      insert_rows(batch, start, end);
      start = end;
    }
  }

  void commit(const Checkpoint& cp) override {
    save_state(*conn_, req_.pipeline, req_.state_key, cp);
    conn_->exec("COMMIT");
    in_tx_ = false;
    ++commits_;
  }

  void finish(const Checkpoint& cp) override {
    if (!in_tx_) begin();
    if (req_.mode != LoadMode::replace) {
      commit(cp);
      return;
    }
    // RENAME TABLE is DDL (it commits), so the swap is its own atomic step between
    // the last data commit and the completion mark; a rerun after a crash in between
    // finds the staging table gone and only finishes up.
    Checkpoint pending = cp;
    pending.completed = false;
    commit(pending);
    if (!swapped_) {
      conn_->exec("DROP TABLE IF EXISTS " + qt(retired(req_.table)));
      conn_->exec("RENAME TABLE " + qt(req_.table) + " TO " + qt(retired(req_.table)) + ", " + qt(write_table_) + " TO " +
                  qt(req_.table));
    }
    conn_->exec("DROP TABLE IF EXISTS " + qt(retired(req_.table)));
    begin();
    commit(cp);
  }

  void rollback() noexcept override {
    if (!in_tx_) return;
    in_tx_ = false;
    try { conn_->exec("ROLLBACK"); } catch (...) {}
  }

  std::int64_t commits() const override { return commits_; }

 private:
  ::sql::PreparedStatement& statement_for(std::size_t rows) {
    auto it = statements_.find(rows);
    if (it != statements_.end()) return *it->second;
    std::string sql = std::string(req_.mode == LoadMode::upsert ? "INSERT INTO " : "INSERT INTO ") + qt(write_table_) + " (" + cols_ + ") VALUES ";
    sql.reserve(sql.size() + rows * (row_marks_.size() + 2));
    for (std::size_t r = 0; r < rows; ++r) sql += (r ? ", " : "") + row_marks_;
    if (req_.mode == LoadMode::upsert) sql += " ON DUPLICATE KEY UPDATE " + update_;
    try {
      auto& slot = statements_[rows];
      slot.reset(conn_->get().prepareStatement(sql));
      return *slot;
    } catch (const ::sql::SQLException& e) {
      statements_.erase(rows);
      conn_->raise(e, "preparing the insert into " + write_table_.display());
    }
  }

  void insert_rows(const Batch& batch, std::size_t start, std::size_t end) {
    auto& st = statement_for(end - start);
    const std::size_t ncols = types_.size();
    unsigned idx = 1;
    for (std::size_t r = start; r < end; ++r) {
      const Row& row = batch[r];
      for (std::size_t c = 0; c < ncols; ++c, ++idx) {
        const Value& v = convert::for_target(row[c], types_[c], req_.schema.columns[c].name, coerced_);
        try {
          bind_param(st, idx, v, scratch_);
        } catch (const ::sql::SQLException& e) {
          conn_->raise(e, "binding column " + req_.schema.columns[c].name);
        }
      }
    }
    try {
      st.executeUpdate();
    } catch (const ::sql::SQLException& e) {
      conn_->raise(e, "inserting into " + write_table_.display());
    }
  }

  std::unique_ptr<Conn> conn_;
  LoadRequest req_;
  bool swapped_;
  TableRef write_table_;
  std::vector<TypeInfo> types_;
  std::string cols_, row_marks_, update_, scratch_;
  std::map<std::size_t, std::unique_ptr<::sql::PreparedStatement>> statements_;
  Value coerced_;
  bool in_tx_ = false;
  std::int64_t commits_ = 0;
};

// GET_LOCK on a session of its own that lives as long as the run; the server releases
// it when the session ends, also when the process dies.
class MyRunLock final : public RunLock {
 public:
  explicit MyRunLock(std::unique_ptr<Conn> conn) : conn_(std::move(conn)) {}

 private:
  std::unique_ptr<Conn> conn_;
};

class MyConnection final : public Connection {
 public:
  explicit MyConnection(const ConnectionConfig& cfg) : cfg_(cfg), conn_(std::make_unique<Conn>(cfg)) {}

  // Runs a query with string parameters and returns all rows as strings (NULL as "\0").
  std::vector<std::vector<std::string>> query(const std::string& sql, const std::vector<std::string>& params = {}) {
    std::vector<std::vector<std::string>> out;
    try {
      std::unique_ptr<::sql::PreparedStatement> st(conn_->get().prepareStatement(sql));
      for (std::size_t i = 0; i < params.size(); ++i) st->setString(static_cast<unsigned>(i + 1), params[i]);
      std::unique_ptr<::sql::ResultSet> rs(st->executeQuery());
      unsigned n = rs->getMetaData()->getColumnCount();
      while (rs->next()) {
        std::vector<std::string> row;
        for (unsigned i = 1; i <= n; ++i) row.push_back(rs->isNull(i) ? std::string() : std::string(rs->getString(i)));
        out.push_back(std::move(row));
      }
    } catch (const ::sql::SQLException& e) {
      conn_->raise(e, sql.substr(0, 120));
    }
    return out;
  }

  std::string schema_of(const TableRef& t) { return t.schema.empty() ? cfg_.database : t.schema; }

  std::vector<TableRef> list_tables(const std::string& schema) override {
    std::string s = schema.empty() ? cfg_.database : schema;
    auto rows = query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' "
                      "ORDER BY TABLE_NAME", {s});
    std::vector<TableRef> out;
    for (auto& r : rows)
      if (!ident::is_reserved(r[0])) out.push_back({schema, r[0]});
    return out;
  }

  std::optional<Schema> describe(const TableRef& t) override {
    std::string s = schema_of(t);
    auto rows = query("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS "
                      "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION", {s, t.name});
    if (rows.empty()) return std::nullopt;
    std::string checks;
    if (conn_->is_mariadb())
      for (auto& r : query("SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?", {s, t.name}))
        checks += r[0] + "\n";
    Schema out;
    for (auto& r : rows) {
      bool json = checks.find("json_valid(`" + r[0] + "`)") != std::string::npos;
      out.columns.push_back({r[0], type_from_mysql(r[1], r[2], json), r[3] == "YES"});
    }
    for (auto& r : query("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
                         "AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION", {s, t.name}))
      out.primary_key.push_back(r[0]);
    return out;
  }

  std::optional<std::int64_t> estimate_rows(const TableRef& t) override {
    auto rows = query("SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?", {schema_of(t), t.name});
    if (rows.empty() || rows[0][0].empty()) return std::nullopt;
    return std::atoll(rows[0][0].c_str());
  }

  std::vector<std::pair<std::string, std::string>> foreign_keys(const std::string& schema) override {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& r : query("SELECT DISTINCT TABLE_NAME, REFERENCED_TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE "
                         "WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL", {schema.empty() ? cfg_.database : schema}))
      out.emplace_back(r[0], r[1]);
    return out;
  }

  std::unique_ptr<Source> open_source(const ExtractRequest& req) override {
    Schema schema;
    if (!req.query.empty()) {
      try {
        // A source is only ever read: the probe runs in a read-only transaction (and the
        // session does not accept several statements in one).
        conn_->exec("START TRANSACTION READ ONLY");
        struct Rollback {
          Conn& c;
          ~Rollback() { try { c.exec("ROLLBACK"); } catch (...) {} }
        } rollback{*conn_};
        std::unique_ptr<::sql::Statement> st(conn_->get().createStatement());
        std::unique_ptr<::sql::ResultSet> rs(st->executeQuery("SELECT * FROM (" + req.query + ") AS sluice_q LIMIT 0"));
        auto* md = rs->getMetaData();
        for (unsigned i = 1; i <= md->getColumnCount(); ++i) {
          std::string tn = md->getColumnTypeName(i);
          for (auto& ch : tn) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
          std::string dt = tn.substr(0, tn.find(' '));
          std::string ct = dt;
          if (dt == "decimal") ct = "decimal(" + std::to_string(md->getPrecision(i)) + "," + std::to_string(md->getScale(i)) + ")";
          if (tn.find("unsigned") != std::string::npos) ct += " unsigned";
          schema.columns.push_back({std::string(md->getColumnLabel(i)), type_from_mysql(dt, ct, false), true});
        }
      } catch (const ::sql::SQLException& e) {
        conn_->raise(e, "describing the query");
      }
    } else {
      auto full = describe(req.table);
      if (!full) throw Error(ErrorClass::config, "source table " + req.table.display() + " does not exist in " + cfg_.display());
      schema = sql::project(*full, req.columns, req.table);
    }
    return std::make_unique<MySource>(std::make_unique<Conn>(cfg_), req, std::move(schema));
  }

  std::unique_ptr<Sink> open_sink(const LoadRequest& req) override {
    conn_->exec(kStateDdl);
    if (!req.table.schema.empty() && req.create != CreateMode::never)
      conn_->exec("CREATE DATABASE IF NOT EXISTS " + q(req.table.schema) + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    Schema target = sql::prepare_target(*this, req, cfg_.display(), '`', [&](const std::string& ddl) { conn_->exec(ddl); });
    bool swapped = false;
    if (req.mode == LoadMode::replace) {
      auto st = MySink::staging(req.table);
      bool staging_exists = describe(st).has_value();
      if (!req.resuming || !staging_exists) {
        if (req.resuming) {
          swapped = true;  // an earlier attempt swapped the staging table in already
        } else {
          conn_->exec("DROP TABLE IF EXISTS " + qt(st));
          conn_->exec("CREATE TABLE " + qt(st) + " LIKE " + qt(req.table));
        }
      }
    }
    return std::make_unique<MySink>(std::make_unique<Conn>(cfg_), req, target, swapped);
  }

  std::string column_type_sql(const TypeInfo& t) override { return mysql_type_sql(t, conn_->is_mariadb()); }
  TypeInfo created_type(const TypeInfo& t) override {
    std::string sql = mysql_type_sql(t, conn_->is_mariadb());
    std::string data_type = sql.substr(0, sql.find_first_of("( "));
    return type_from_mysql(data_type, sql, false);
  }

  std::string create_table_sql(const TableRef& table, const Schema& schema, const std::vector<std::string>& key) override {
    bool mariadb = conn_->is_mariadb();
    auto type_sql = [mariadb](const TypeInfo& t) { return mysql_type_sql(t, mariadb); };
    // Text and blob keys need a prefix length: such a key is indexed on its first 255 characters.
    auto key_suffix = [mariadb](const TypeInfo& t) {
      std::string ty = mysql_type_sql(t, mariadb);
      return ty == "longtext" || ty == "longblob" ? std::string("(255)") : std::string();
    };
    return sql::create_table(table, schema, key, '`', type_sql, key_suffix, " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
  }

  std::optional<Checkpoint> read_checkpoint(const std::string& pipeline, const std::string& key) override {
    if (!state_exists()) return std::nullopt;
    auto rows = query("SELECT run_id, last_key, rows_committed, completed FROM sluice_state WHERE pipeline = ? AND step = ?", {pipeline, key});
    if (rows.empty()) return std::nullopt;
    return to_checkpoint(rows[0], 0);
  }

  void write_checkpoint(const std::string& pipeline, const std::string& key, const Checkpoint& cp) override {
    conn_->exec(kStateDdl);
    save_state(*conn_, pipeline, key, cp);
  }

  std::unique_ptr<RunLock> lock_run(const std::string& pipeline, const std::string& holder) override {
    auto lock = std::make_unique<Conn>(cfg_);
    std::string got;
    try {
      std::unique_ptr<::sql::PreparedStatement> st(lock->get().prepareStatement("SELECT GET_LOCK(CONCAT('sluice:', MD5(?)), 0)"));
      st->setString(1, pipeline);
      std::unique_ptr<::sql::ResultSet> rs(st->executeQuery());
      if (rs->next() && !rs->isNull(1)) got = rs->getString(1);
    } catch (const ::sql::SQLException& e) {
      lock->raise(e, "taking the run lock");
    }
    if (got != "1") {
      std::string who = "unknown holder";
      if (!query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'sluice_lock'").empty()) {
        auto rows = query("SELECT CONCAT(holder, ', since ', since) FROM sluice_lock WHERE pipeline = ?", {pipeline});
        if (!rows.empty()) who = rows[0][0];
      }
      throw Error(ErrorClass::transient, "pipeline " + pipeline + " is already running (" + who + "; GET_LOCK in " + cfg_.display() + ")");
    }
    lock->exec("CREATE TABLE IF NOT EXISTS sluice_lock (pipeline varchar(190) PRIMARY KEY, holder text NOT NULL, "
               "since datetime(6) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin");
    try {
      std::unique_ptr<::sql::PreparedStatement> st(lock->get().prepareStatement(
          "REPLACE INTO sluice_lock VALUES (?, ?, UTC_TIMESTAMP(6))"));
      st->setString(1, pipeline);
      st->setString(2, holder);
      st->executeUpdate();
    } catch (const ::sql::SQLException& e) {
      lock->raise(e, "recording the run lock holder");
    }
    return std::make_unique<MyRunLock>(std::move(lock));
  }

  std::vector<StateRow> read_state(const std::string& pipeline) override {
    std::vector<StateRow> out;
    if (!state_exists()) return out;
    for (auto& r : query("SELECT step, run_id, last_key, rows_committed, completed, updated_at FROM sluice_state WHERE pipeline = ? ORDER BY step", {pipeline}))
      out.push_back({r[0], to_checkpoint(r, 1), r[5]});
    return out;
  }

  void clear_state(const std::string& pipeline, const std::string& step) override {
    if (!state_exists()) return;
    if (step.empty()) query_update("DELETE FROM sluice_state WHERE pipeline = ?", {pipeline});
    else query_update("DELETE FROM sluice_state WHERE pipeline = ? AND step = ?", {pipeline, step});
  }

 private:
  void query_update(const std::string& sql, const std::vector<std::string>& params) {
    try {
      std::unique_ptr<::sql::PreparedStatement> st(conn_->get().prepareStatement(sql));
      for (std::size_t i = 0; i < params.size(); ++i) st->setString(static_cast<unsigned>(i + 1), params[i]);
      st->executeUpdate();
    } catch (const ::sql::SQLException& e) {
      conn_->raise(e, sql.substr(0, 120));
    }
  }
  bool state_exists() {
    return !query("SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'sluice_state'").empty();
  }
  static Checkpoint to_checkpoint(const std::vector<std::string>& r, std::size_t first) {
    Checkpoint cp;
    cp.run_id = r[first];
    cp.last_key = decode_key(r[first + 1]);
    cp.rows = std::atoll(r[first + 2].c_str());
    cp.completed = r[first + 3] == "1" || r[first + 3] == "true";
    return cp;
  }

  ConnectionConfig cfg_;
  std::unique_ptr<Conn> conn_;
};

}  // namespace

void register_driver(DriverRegistry& r) {
  r.add("mysql", [](const ConnectionConfig& cfg) { return std::make_unique<MyConnection>(cfg); });
}

}  // namespace sluice::mysql
