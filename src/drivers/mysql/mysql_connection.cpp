// MySQL/MariaDB: streaming source in a consistent read-only snapshot, multi-row
// prepared INSERT sink (upsert through ON DUPLICATE KEY UPDATE). Transactions,
// checkpoints, the replace swap, sluice_state and the run lock come from drivers/sql
// over MysqlDialect.
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "drivers/mysql/mariadb_bulk_sink.h"
#include "drivers/mysql/mariadb_infile_sink.h"
#include "drivers/mysql/mariadb_conn.h"
#include "drivers/mysql/mysql_conn.h"
#include "drivers/mysql/mysql_dialect.h"
#include "drivers/mysql/mysql_types.h"
#include "core/identifiers.h"
#include "drivers/sql/check_expr.h"
#include "drivers/sql/source_default.h"
#include "drivers/sql/sql_connection.h"
#include "drivers/sql/sql_target.h"
#include "drivers/sql/sql_text.h"
#include "sluice/connection.h"
#include "sluice/registry.h"

namespace sluice::mysql {
namespace {


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

class MySource final : public Source {
 public:
  MySource(std::unique_ptr<Conn> conn, const ExtractRequest& req, Schema schema)
      : conn_(std::move(conn)), schema_(std::move(schema)) {
    try {
      conn_->exec("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      conn_->exec("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
      auto sel = sql::keyed_select(req, '`', schema_.names(), &variable, [this](const std::string& column) {
        auto i = schema_.index_of(column);
        if (!i) return std::string();
        const std::string q = sql::quote(column, '`');
        // Spatial values are stored as SRID + WKB internally: read as WKT text instead.
        if (is_spatial(schema_.columns[*i].type.native)) return "ST_AsText(" + q + ") AS " + q;
        // The text protocol prints a FLOAT with 6 digits (0.333333 for 0.3333333432674408):
        // widened to DOUBLE it prints the exact value it holds.
        if (schema_.columns[*i].type.id == TypeId::float32) return "CAST(" + q + " AS DOUBLE) AS " + q;
        // The connector's text for a BIT value is not its bits ("0" for b'0' is a
        // non-zero byte): read as the unsigned number it is, then as bits again.
        if (schema_.columns[*i].type.native.rfind("bit", 0) == 0) return "(" + q + " + 0) AS " + q;
        return std::string();
      });
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

// Multi-row prepared INSERTs (one statement per distinct row count, kept prepared);
// upsert adds ON DUPLICATE KEY UPDATE.
class MySink final : public sql::SqlTarget {
 public:
  MySink(std::unique_ptr<MySession> session, const sql::Dialect& dialect, LoadRequest req, const Schema& target, bool swapped)
      : SqlTarget(std::move(session), dialect, std::move(req), target, swapped) {
    conn_ = &static_cast<MySession&>(this->session()).conn();
    for (std::size_t i = 0; i < request().schema.columns.size(); ++i) row_marks_ += i ? ", ?" : "(?";
    row_marks_ += ")";
  }

 private:
  void write_rows(const Batch& batch) override {
    const std::size_t ncols = target_types().size();
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

  ::sql::PreparedStatement& statement_for(std::size_t rows) {
    auto it = statements_.find(rows);
    if (it != statements_.end()) return *it->second;
    const LoadRequest& req = request();
    std::string sql = "INSERT INTO " + dialect().quote_table(write_table()) + " (" + column_list() + ") VALUES ";
    sql.reserve(sql.size() + rows * (row_marks_.size() + 2));
    for (std::size_t r = 0; r < rows; ++r) sql += (r ? ", " : "") + row_marks_;
    if (req.mode == LoadMode::upsert) sql += " " + dialect().upsert_clause(req.key, req.schema.names());
    try {
      auto& slot = statements_[rows];
      slot.reset(conn_->get().prepareStatement(sql));
      return *slot;
    } catch (const ::sql::SQLException& e) {
      statements_.erase(rows);
      conn_->raise(e, "preparing the insert into " + write_table().display());
    }
  }

  void insert_rows(const Batch& batch, std::size_t start, std::size_t end) {
    auto& st = statement_for(end - start);
    const auto& types = target_types();
    const auto& columns = request().schema.columns;
    unsigned idx = 1;
    for (std::size_t r = start; r < end; ++r) {
      const Row& row = batch[r];
      for (std::size_t c = 0; c < types.size(); ++c, ++idx) {
        const Value& v = convert::for_target(row[c], types[c], columns[c].name, coerced_);
        try {
          bind_param(st, idx, v, scratch_);
        } catch (const ::sql::SQLException& e) {
          conn_->raise(e, "binding column " + columns[c].name);
        }
      }
    }
    try {
      st.executeUpdate();
    } catch (const ::sql::SQLException& e) {
      conn_->raise(e, "inserting into " + write_table().display());
    }
  }

  Conn* conn_ = nullptr;
  std::string row_marks_, scratch_;
  std::map<std::size_t, std::unique_ptr<::sql::PreparedStatement>> statements_;
  Value coerced_;
};

class MyConnection final : public sql::SqlConnection {
 public:
  explicit MyConnection(const ConnectionConfig& cfg)
      : SqlConnection(cfg), own_(std::make_unique<Conn>(cfg)), conn_(&own_.conn()), dialect_(conn_->is_mariadb()) {}

  sql::Session::Rows query(const std::string& sql, const std::vector<std::string>& params = {}) { return own_.query(sql, params); }

  std::string schema_of(const TableRef& t) { return t.schema.empty() ? config().database : t.schema; }

  std::vector<TableRef> list_tables(const std::string& schema) override {
    std::string s = schema.empty() ? config().database : schema;
    auto rows = query("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' "
                      "ORDER BY TABLE_NAME", {s});
    std::vector<TableRef> out;
    for (auto& r : rows)
      if (!ident::is_reserved(r[0])) out.push_back({schema, r[0]});
    return out;
  }

  std::optional<Schema> describe(const TableRef& t) override {
    std::string s = schema_of(t);
    auto rows = query("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, COLUMN_DEFAULT IS NOT NULL, EXTRA "
                      "FROM information_schema.COLUMNS "
                      "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION", {s, t.name});
    if (rows.empty()) return std::nullopt;
    std::string checks;
    if (conn_->is_mariadb())
      for (auto& r : query("SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?", {s, t.name}))
        checks += r[0] + "\n";
    Schema out;
    for (auto& r : rows) {
      bool json = checks.find("json_valid(`" + r[0] + "`)") != std::string::npos;
      Column c{r[0], type_from_mysql(r[1], r[2], json), r[3] == "YES", {}, false};
      std::string extra = r[6];
      for (auto& ch : extra) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      c.identity = extra.find("auto_increment") != std::string::npos;
      // MariaDB quotes literal defaults and writes expressions bare; MySQL 8 writes
      // literals bare and marks expressions DEFAULT_GENERATED.
      if (!c.identity && r[5] == "1" && extra.find("generated") == std::string::npos) {
        if (conn_->is_mariadb() || extra.find("default_generated") != std::string::npos) c.default_value = sql::read_default(r[4], true);
        else c.default_value = {ColumnDefault::Kind::literal, r[4]};
      }
      out.columns.push_back(std::move(c));
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

  TableObjects describe_objects(const TableRef& t) override {
    TableObjects out;
    const std::string s = schema_of(t);
    const auto schema = describe(t);
    if (!schema) return out;
    std::map<std::string, std::string> refused;
    for (auto& r : query("SELECT INDEX_NAME, NON_UNIQUE, COALESCE(COLUMN_NAME, ''), INDEX_TYPE FROM information_schema.STATISTICS "
                         "WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME <> 'PRIMARY' ORDER BY INDEX_NAME, SEQ_IN_INDEX", {s, t.name})) {
      if (r[3] == "FULLTEXT" || r[3] == "SPATIAL") refused[r[0]] = (r[3] == "FULLTEXT" ? "full-text index " : "spatial index ") + r[0];
      else if (r[2].empty()) refused[r[0]] = "index " + r[0] + " (an expression index)";
      if (refused.count(r[0])) continue;
      if (out.indexes.empty() || out.indexes.back().name != r[0]) out.indexes.push_back({r[0], {}, r[1] == "0"});
      out.indexes.back().columns.push_back(r[2]);
    }
    std::erase_if(out.indexes, [&](const IndexDef& d) { return refused.count(d.name) > 0; });
    for (const auto& [_, why] : refused) out.not_migrated.push_back(why);

    for (auto& r : query("SELECT k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, "
                         "k.REFERENCED_COLUMN_NAME, c.DELETE_RULE, c.UPDATE_RULE FROM information_schema.KEY_COLUMN_USAGE k "
                         "JOIN information_schema.REFERENTIAL_CONSTRAINTS c ON c.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA "
                         "AND c.CONSTRAINT_NAME = k.CONSTRAINT_NAME AND c.TABLE_NAME = k.TABLE_NAME "
                         "WHERE k.TABLE_SCHEMA = ? AND k.TABLE_NAME = ? AND k.REFERENCED_TABLE_NAME IS NOT NULL "
                         "ORDER BY k.CONSTRAINT_NAME, k.ORDINAL_POSITION", {s, t.name})) {
      if (out.foreign_keys.empty() || out.foreign_keys.back().name != r[0]) {
        ForeignKeyDef d;
        d.name = r[0];
        d.references = {r[2] == s ? "" : r[2], r[3]};
        d.on_delete = r[5];
        d.on_update = r[6];
        out.foreign_keys.push_back(std::move(d));
      }
      out.foreign_keys.back().columns.push_back(r[1]);
      out.foreign_keys.back().referenced_columns.push_back(r[4]);
    }

    if (conn_->is_mariadb())
      for (auto& r : query("SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS "
                           "WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ? ORDER BY CONSTRAINT_NAME", {s, t.name})) {
        if (r[1].rfind("json_valid(", 0) == 0) continue;  // MariaDB's json type, not the user's
        if (auto tokens = sql::read_check(r[1], schema->names())) out.checks.push_back({r[0], std::move(*tokens)});
        else out.not_migrated.push_back("check " + r[0] + " (" + r[1] + ": not portable)");
      }
    for (auto& r : query("SELECT COLUMN_NAME, EXTRA FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? "
                         "AND (EXTRA LIKE '%on update%' OR EXTRA LIKE '%GENERATED%' OR EXTRA LIKE '%PERSISTENT%') ORDER BY ORDINAL_POSITION", {s, t.name}))
      out.not_migrated.push_back(r[1].find("on update") != std::string::npos || r[1].find("ON UPDATE") != std::string::npos
                                     ? "ON UPDATE CURRENT_TIMESTAMP of column " + r[0]
                                     : "generated column " + r[0] + " (copied as plain values)");
    for (auto& r : query("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? "
                         "ORDER BY TRIGGER_NAME", {s, t.name}))
      out.not_migrated.push_back("trigger " + r[0]);
    for (auto& r : query("SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? AND VIEW_DEFINITION LIKE CONCAT('%`', ?, '`%') "
                         "ORDER BY TABLE_NAME", {s, t.name}))
      out.not_migrated.push_back("view " + r[0]);
    return out;
  }

  std::vector<std::string> schema_not_migrated(const std::string& schema) override {
    const std::string s = schema.empty() ? config().database : schema;
    std::vector<std::string> out;
    for (auto& r : query("SELECT CONCAT(LOWER(ROUTINE_TYPE), ' ', ROUTINE_NAME) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = ? "
                         "UNION ALL SELECT CONCAT('event ', EVENT_NAME) FROM information_schema.EVENTS WHERE EVENT_SCHEMA = ? ORDER BY 1", {s, s}))
      out.push_back(r[0]);
    return out;
  }

  std::vector<std::pair<std::string, std::string>> foreign_keys(const std::string& schema) override {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto& r : query("SELECT DISTINCT TABLE_NAME, REFERENCED_TABLE_NAME FROM information_schema.KEY_COLUMN_USAGE "
                         "WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL", {schema.empty() ? config().database : schema}))
      out.emplace_back(r[0], r[1]);
    return out;
  }

  Schema describe_query(const std::string& query) override {
    Schema schema;
    try {
      // A source is only ever read: the probe runs in a read-only transaction (and the
      // session does not accept several statements in one).
      conn_->exec("START TRANSACTION READ ONLY");
      struct Rollback {
        Conn& c;
        ~Rollback() { try { c.exec("ROLLBACK"); } catch (...) {} }
      } rollback{*conn_};
      std::unique_ptr<::sql::Statement> st(conn_->get().createStatement());
      std::unique_ptr<::sql::ResultSet> rs(st->executeQuery("SELECT * FROM (" + query + ") AS sluice_q LIMIT 0"));
      auto* md = rs->getMetaData();
      for (unsigned i = 1; i <= md->getColumnCount(); ++i) {
        std::string tn = md->getColumnTypeName(i);
        for (auto& ch : tn) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        std::string dt = tn.substr(0, tn.find(' '));
        std::string ct = dt;
        if (dt == "decimal") ct = "decimal(" + std::to_string(md->getPrecision(i)) + "," + std::to_string(md->getScale(i)) + ")";
        if (tn.find("unsigned") != std::string::npos) ct += " unsigned";
        schema.columns.push_back({std::string(md->getColumnLabel(i)), type_from_mysql(dt, ct, false), true, {}, false});
      }
    } catch (const ::sql::SQLException& e) {
      conn_->raise(e, "describing the query");
    }
    return schema;
  }

  bool shares_snapshots() const override { return true; }

  // MySQL exports no snapshot. While a connection of its own holds LOCK TABLES ... READ
  // (once writers to the table have committed), no write to the table can commit, so the
  // InnoDB snapshots the sources open in that time (START TRANSACTION WITH CONSISTENT
  // SNAPSHOT) all see it at one moment; released once they have. Without the LOCK TABLES
  // privilege they are opened at one moment, which a commit in between can split.
  std::unique_ptr<SharedSnapshot> share_snapshot(const TableRef& table) override {
    class Locked final : public SharedSnapshot {
     public:
      Locked(std::unique_ptr<Conn> conn, const std::string& table) : conn_(std::move(conn)) {
        try {
          conn_->exec("SET SESSION lock_wait_timeout = 60");
          conn_->exec("LOCK TABLES " + table + " READ");
          id_ = "locked";
        } catch (const Error& e) {
          spdlog::warn("{}: LOCK TABLES {} READ refused ({}): the key ranges open their snapshots at one moment, without "
                       "the lock that keeps a commit from falling between them", conn_->name(), table, e.what());
          id_ = "unlocked";
        }
      }
      ~Locked() override {
        try { if (id_ == "locked") conn_->exec("UNLOCK TABLES"); } catch (...) {}
      }
      const std::string& id() const override { return id_; }

     private:
      std::unique_ptr<Conn> conn_;
      std::string id_;
    };
    return std::make_unique<Locked>(std::make_unique<Conn>(config()), dialect().quote_table(table));
  }

  std::unique_ptr<Source> make_source(const ExtractRequest& req, Schema schema) override {
    return std::make_unique<MySource>(std::make_unique<Conn>(config()), req, std::move(schema));
  }

  // Bulk array binding where the server executes it (MariaDB 10.2+) unless the
  // connection asks for LOAD DATA or INSERTs; multi-row INSERTs otherwise. LOAD DATA
  // has no upsert (its REPLACE deletes and reinserts): an upsert is bulk-bound.
  std::unique_ptr<Sink> make_target(const LoadRequest& req, const Schema& target, bool swapped) override {
    auto found = config().options.find("write_method");
    const std::string method = found == config().options.end() ? "bulk" : found->second;
    if (method == "load_data" && req.mode != LoadMode::upsert)
      return make_infile_sink(std::make_unique<CSession>(std::make_unique<CConn>(config(), true)), dialect_, req, target, swapped);
    if (conn_->is_mariadb() && method != "insert") {
      auto bulk = std::make_unique<CConn>(config());
      if (bulk->bulk_supported())
        return make_bulk_sink(std::make_unique<CSession>(std::move(bulk)), dialect_, req, target, swapped);
    }
    return std::make_unique<MySink>(std::make_unique<MySession>(std::make_unique<Conn>(config())), dialect_, req, target, swapped);
  }

 private:
  const sql::Dialect& dialect() override { return dialect_; }
  sql::Session& session(bool) override { return own_; }
  std::unique_ptr<sql::Session> open_session() override { return std::make_unique<MySession>(std::make_unique<Conn>(config())); }

  MySession own_;
  Conn* conn_;
  MysqlDialect dialect_;
};

}  // namespace

std::unique_ptr<Connection> connect(const ConnectionConfig& cfg) { return std::make_unique<MyConnection>(cfg); }

}  // namespace sluice::mysql
