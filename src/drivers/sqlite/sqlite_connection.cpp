// SQLite: source and sink over one read-only and one read-write sqlite3 handle per
// Connection. Transactions, checkpoints, the replace swap and sluice_state come from
// drivers/sql over SqliteDialect; the run lock is a lock file beside the database.
#include <chrono>
#include <filesystem>

#include "drivers/file_lock.h"
#include "core/identifiers.h"
#include "drivers/sql/source_default.h"
#include "drivers/sql/sql_connection.h"
#include "drivers/sql/sql_target.h"
#include "drivers/sql/sql_text.h"
#include "drivers/sqlite/sqlite_db.h"
#include "drivers/sqlite/sqlite_types.h"
#include "drivers/sqlite/sqlite_dialect.h"
#include "sluice/connection.h"
#include "sluice/registry.h"

namespace sluice::sqlite {
namespace {

const std::string& placeholder(std::size_t) {
  static const std::string q = "?";
  return q;
}

class SqliteSource final : public Source {
 public:
  SqliteSource(Db& db, const ExtractRequest& req, Schema schema, std::string encoding)
      : schema_(std::move(schema)), req_(req), encoding_(std::move(encoding)) {
    // A read transaction gives the whole extract one consistent snapshot.
    db.exec("BEGIN");
    auto sel = sql::keyed_select(req_, '"', schema_.names(), &placeholder);
    stmt_ = std::make_unique<Stmt>(db, sel.sql);
    std::string scratch;
    for (std::size_t i = 0; i < sel.params.size(); ++i) bind_value(stmt_->get(), static_cast<int>(i + 1), *sel.params[i], scratch);
    db_ = &db;
  }
  ~SqliteSource() override {
    stmt_.reset();
    try { db_->exec("COMMIT"); } catch (...) {}
  }

  const Schema& schema() const override { return schema_; }

  bool read(Batch& batch) override {
    batch.clear();
    const std::size_t width = schema_.size();
    while (!batch.full() && !done_) {
      if (!stmt_->step()) { done_ = true; break; }
      Row& row = batch.append_row(width);
      for (std::size_t c = 0; c < width; ++c) {
        read_value(stmt_->get(), static_cast<int>(c), schema_.columns[c].type, schema_.columns[c].name, row[c]);
        // SQLite stores text as given: a file written in latin1 or cp1252 says so on its connection.
        if (encoding_ != "utf8" && row[c].kind() == Value::Kind::text) {
          convert::to_utf8(row[c].str(), encoding_, scratch_);
          row[c].set_text(scratch_);
        }
      }
    }
    return !batch.empty();
  }

 private:
  Schema schema_;
  ExtractRequest req_;
  std::string encoding_, scratch_;
  Db* db_ = nullptr;
  std::unique_ptr<Stmt> stmt_;
  bool done_ = false;
};

// One prepared INSERT (upsert: ON CONFLICT) stepped per row: SQLite's fastest path
// runs in-process, with no round trips to batch away.
class SqliteSink final : public sql::SqlTarget {
 public:
  SqliteSink(Db& db, LoadRequest req, const Schema& target)
      : SqlTarget(std::make_unique<DbSession>(db), sqlite::dialect(), std::move(req), target, false), db_(db) {
    const LoadRequest& r = request();
    std::string marks;
    for (std::size_t i = 0; i < r.schema.columns.size(); ++i) marks += i ? ", ?" : "?";
    std::string sql = "INSERT INTO " + dialect().quote_table(write_table()) + " (" + column_list() + ") VALUES (" + marks + ")";
    if (r.mode == LoadMode::upsert) sql += " " + dialect().upsert_clause(r.key, r.schema.names());
    insert_ = std::make_unique<Stmt>(db_, sql);
  }

 private:
  void write_rows(const Batch& batch) override {
    sqlite3_stmt* st = insert_->get();
    const auto& types = target_types();
    const auto& columns = request().schema.columns;
    for (std::size_t r = 0; r < batch.size(); ++r) {
      const Row& row = batch[r];
      for (std::size_t c = 0; c < row.size(); ++c) {
        const Value& v = convert::for_target(row[c], types[c], columns[c].name, coerced_);
        // SQLite would store any bytes; refuse what other databases could not hold.
        if (v.kind() == Value::Kind::text && !convert::clean_text(v.str()))
          throw Error(ErrorClass::data, "column " + columns[c].name +
                                            ": text is not valid UTF-8 or holds a NUL byte (see on_invalid_text)", "22021");
        // A converted value is bound as a copy: coerced_ is reused for the next column.
        if (&v == &coerced_) bind_transient(st, static_cast<int>(c + 1), v);
        else bind_value(st, static_cast<int>(c + 1), v, scratch_);
      }
      int rc = sqlite3_step(st);
      sqlite3_reset(st);
      if (rc != SQLITE_DONE) raise(db_.get(), rc, "inserting into " + write_table().display());
    }
  }

  void bind_transient(sqlite3_stmt* st, int idx, const Value& v) {
    if (v.kind() == Value::Kind::bytes) {
      sqlite3_bind_blob64(st, idx, v.str().data(), v.str().size(), SQLITE_TRANSIENT);
    } else if (v.kind() == Value::Kind::text || v.kind() == Value::Kind::decimal || v.kind() == Value::Kind::json ||
               v.kind() == Value::Kind::uuid) {
      sqlite3_bind_text64(st, idx, v.str().data(), v.str().size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    } else {
      bind_value(st, idx, v, scratch_);
    }
  }

  Db& db_;
  std::unique_ptr<Stmt> insert_;
  Value coerced_;
  std::string scratch_;
};

class SqliteConnection final : public sql::SqlConnection {
 public:
  explicit SqliteConnection(const ConnectionConfig& cfg) : SqlConnection(cfg), cfg_(cfg) {}

  // Reads go through a read-only handle (a source is never written, and a mistyped
  // path is not created); anything that writes opens the file read-write, creating it.
  Db* reader() {
    if (rw_) return rw_.get();
    if (!ro_) {
      if (cfg_.path != ":memory:" && !std::filesystem::exists(cfg_.path)) return nullptr;
      if (cfg_.path == ":memory:") return &writer();
      ro_ = std::make_unique<Db>(cfg_.path, true);
    }
    return ro_.get();
  }
  Db& existing_reader() {
    Db* db = reader();
    if (!db) throw Error(ErrorClass::config, "SQLite database " + cfg_.path + " (connection '" + cfg_.name + "') does not exist");
    return *db;
  }
  Db& writer() {
    if (!rw_) {
      // ro_ stays open: a source may still be reading through it.
      if (cfg_.path != ":memory:") {
        auto dir = std::filesystem::path(cfg_.path).parent_path();
        std::error_code ec;
        if (!dir.empty()) std::filesystem::create_directories(dir, ec);
      }
      rw_ = std::make_unique<Db>(cfg_.path, false);
      rw_->exec("PRAGMA journal_mode=WAL");
      rw_session_ = std::make_unique<DbSession>(*rw_);
    }
    return *rw_;
  }

  void check_readable() override { existing_reader(); }

  std::vector<TableRef> list_tables(const std::string&) override {
    Stmt st(existing_reader(), "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                 "ORDER BY name");
    std::vector<TableRef> out;
    while (st.step())
      if (!ident::is_reserved(st.text(0))) out.push_back({"", st.text(0)});
    return out;
  }

  std::optional<Schema> describe(const TableRef& table) override {
    Db* db = reader();
    if (!db) return std::nullopt;
    Stmt st(*db, "SELECT name, type, \"notnull\", pk, COALESCE(dflt_value, ''), upper(type) = 'INTEGER' FROM pragma_table_info(?)");
    sqlite3_bind_text(st.get(), 1, table.name.c_str(), -1, SQLITE_TRANSIENT);
    Schema s;
    std::vector<std::pair<int, std::string>> pk;
    std::vector<bool> integer_declared;
    while (st.step()) {
      Column c;
      c.name = st.text(0);
      c.type = type_from_declared(st.text(1));
      c.nullable = sqlite3_column_int(st.get(), 2) == 0;
      int pkpos = sqlite3_column_int(st.get(), 3);
      if (pkpos > 0) pk.emplace_back(pkpos, c.name);
      c.default_value = sql::read_default(st.text(4));
      s.columns.push_back(std::move(c));
      integer_declared.push_back(sqlite3_column_int(st.get(), 5) != 0);
    }
    if (s.columns.empty()) return std::nullopt;
    std::sort(pk.begin(), pk.end());
    for (auto& [_, n] : pk) s.primary_key.push_back(n);
    // INTEGER PRIMARY KEY makes the column the rowid: numbered by SQLite.
    if (s.primary_key.size() == 1)
      for (std::size_t i = 0; i < s.columns.size(); ++i)
        if (s.columns[i].name == s.primary_key[0] && integer_declared[i]) s.columns[i].identity = true;
    return s;
  }

  TableObjects describe_objects(const TableRef& table) override {
    TableObjects out;
    const auto schema = describe(table);
    if (!schema) return out;
    Db& db = *reader();
    Stmt list(db, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?) WHERE origin <> 'pk' ORDER BY name");
    sqlite3_bind_text(list.get(), 1, table.name.c_str(), -1, SQLITE_TRANSIENT);
    while (list.step()) {
      const std::string index = list.text(0);
      if (sqlite3_column_int(list.get(), 3)) {
        out.not_migrated.push_back("index " + index + " (a partial index)");
        continue;
      }
      IndexDef d{index, {}, sqlite3_column_int(list.get(), 1) != 0};
      Stmt cols(db, "SELECT COALESCE(name, '') FROM pragma_index_info(?) ORDER BY seqno");
      sqlite3_bind_text(cols.get(), 1, index.c_str(), -1, SQLITE_TRANSIENT);
      bool expression = false;
      while (cols.step()) {
        d.columns.push_back(cols.text(0));
        expression = expression || d.columns.back().empty();
      }
      if (expression) {
        out.not_migrated.push_back("index " + index + " (an expression index)");
        continue;
      }
      // UNIQUE constraints have SQLite's internal names: named the way PostgreSQL would.
      if (index.rfind("sqlite_autoindex_", 0) == 0) {
        d.name = table.name;
        for (const auto& c : d.columns) d.name += "_" + c;
        d.name += "_key";
      }
      out.indexes.push_back(std::move(d));
    }
    // Foreign keys have no names in SQLite: "<table>_<columns>_fkey", as PostgreSQL names them.
    Stmt fks(db, "SELECT id, \"table\", \"from\", COALESCE(\"to\", ''), on_delete, on_update FROM pragma_foreign_key_list(?) ORDER BY id, seq");
    sqlite3_bind_text(fks.get(), 1, table.name.c_str(), -1, SQLITE_TRANSIENT);
    int current = -1;
    while (fks.step()) {
      if (sqlite3_column_int(fks.get(), 0) != current) {
        current = sqlite3_column_int(fks.get(), 0);
        ForeignKeyDef d;
        d.references = {"", fks.text(1)};
        d.on_delete = fks.text(4);
        d.on_update = fks.text(5);
        out.foreign_keys.push_back(std::move(d));
      }
      auto& d = out.foreign_keys.back();
      d.columns.push_back(fks.text(2));
      d.referenced_columns.push_back(fks.text(3));
    }
    for (auto& d : out.foreign_keys) {
      d.name = table.name;
      for (const auto& c : d.columns) d.name += "_" + c;
      d.name += "_fkey";
      // REFERENCES parent without columns: the parent's primary key.
      if (std::find(d.referenced_columns.begin(), d.referenced_columns.end(), "") != d.referenced_columns.end())
        if (auto parent = describe(d.references); parent && parent->primary_key.size() == d.columns.size()) d.referenced_columns = parent->primary_key;
    }
    Stmt other(db, "SELECT 'trigger ' || name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1 "
                   "UNION ALL SELECT 'view ' || name FROM sqlite_schema WHERE type = 'view' AND instr(lower(sql), lower(?1)) > 0 "
                   "UNION ALL SELECT 'check constraints (SQLite''s are not read)' FROM sqlite_schema "
                   "WHERE type = 'table' AND name = ?1 AND instr(upper(sql), 'CHECK') > 0");
    sqlite3_bind_text(other.get(), 1, table.name.c_str(), -1, SQLITE_TRANSIENT);
    while (other.step()) out.not_migrated.push_back(other.text(0));
    return out;
  }

  std::vector<std::pair<std::string, std::string>> foreign_keys(const std::string&) override {
    Stmt st(existing_reader(), "SELECT m.name, f.\"table\" FROM sqlite_schema m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'");
    std::vector<std::pair<std::string, std::string>> out;
    while (st.step()) out.emplace_back(st.text(0), st.text(1));
    return out;
  }

  std::optional<std::int64_t> estimate_rows(const TableRef& table) override {
    Db* db = reader();
    if (!db) return std::nullopt;
    Stmt st(*db, "SELECT count(*) FROM " + sql::quote_table(table, '"'));
    if (!st.step()) return std::nullopt;
    return sqlite3_column_int64(st.get(), 0);
  }

  Schema describe_query(const std::string& query) override {
    Schema schema;
    Stmt probe(existing_reader(), "SELECT * FROM (" + query + ") LIMIT 0");
    for (int i = 0; i < sqlite3_column_count(probe.get()); ++i) {
      Column c;
      c.name = sqlite3_column_name(probe.get(), i);
      const char* decl = sqlite3_column_decltype(probe.get(), i);
      c.type = type_from_declared(decl ? decl : "");
      schema.columns.push_back(c);
    }
    return schema;
  }

  std::unique_ptr<Source> make_source(const ExtractRequest& req, Schema schema) override {
    return std::make_unique<SqliteSource>(existing_reader(), req, std::move(schema), cfg_.encoding);
  }

  std::optional<Checkpoint> read_checkpoint(const std::string& pipeline, const std::string& key) override {
    if (!reader()) return std::nullopt;
    return SqlConnection::read_checkpoint(pipeline, key);
  }
  std::vector<StateRow> read_state(const std::string& pipeline) override {
    if (!reader()) return {};
    return SqlConnection::read_state(pipeline);
  }
  void clear_state(const std::string& pipeline, const std::string& step) override {
    if (reader()) SqlConnection::clear_state(pipeline, step);
  }
  std::unique_ptr<RunLock> lock_run(const std::string& pipeline, const std::string& holder) override {
    if (cfg_.path == ":memory:") return std::make_unique<RunLock>();  // private to this process anyway
    return files::lock_file(cfg_.path + ".sluice-lock", pipeline, holder);
  }

 private:
  const sql::Dialect& dialect() override { return sqlite::dialect(); }
  sql::Session& session(bool write) override {
    if (write) return writer(), *rw_session_;
    Db& db = existing_reader();
    if (&db == rw_.get()) return *rw_session_;
    if (!ro_session_) ro_session_ = std::make_unique<DbSession>(db);
    return *ro_session_;
  }
  // The run lock is a file (lock_run), so no second session is ever needed.
  std::unique_ptr<sql::Session> open_session() override { return std::make_unique<DbSession>(writer()); }
  std::unique_ptr<Sink> make_target(const LoadRequest& req, const Schema& target, bool) override {
    return std::make_unique<SqliteSink>(writer(), req, target);
  }
  // The staging table copies the target's definition so the swap keeps it.
  void copy_definition(const TableRef& staging, const TableRef& live) override {
    Db& db = writer();
    Stmt st(db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?");
    sqlite3_bind_text(st.get(), 1, live.name.c_str(), -1, SQLITE_TRANSIENT);
    if (!st.step()) throw_internal("cannot read the definition of " + live.display());
    std::string ddl = st.text(0);
    db.exec("CREATE TABLE " + dialect().quote_table(staging) + " " + ddl.substr(ddl.find('(')));
  }

  ConnectionConfig cfg_;
  std::unique_ptr<Db> ro_, rw_;
  std::unique_ptr<DbSession> ro_session_, rw_session_;
};

}  // namespace

std::unique_ptr<Connection> connect(const ConnectionConfig& cfg) { return std::make_unique<SqliteConnection>(cfg); }

}  // namespace sluice::sqlite
