// SQLite: source, sink and sluice_state, over one sqlite3 handle per Connection.
#include <chrono>
#include <filesystem>

#include "drivers/file_lock.h"
#include "core/identifiers.h"
#include "drivers/sql/sql_text.h"
#include "drivers/sqlite/sqlite_db.h"
#include "drivers/sqlite/sqlite_types.h"
#include "drivers/sqlite/sqlite_state.h"
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

class SqliteSink final : public Sink {
 public:
  SqliteSink(Db& db, LoadRequest req, Schema target) : db_(db), req_(std::move(req)), target_(std::move(target)) {
    write_table_ = req_.mode == LoadMode::replace ? staging_name(req_.table) : req_.table;
    types_ = sql::target_types(req_.schema, target_, req_.table);
    std::string cols, marks;
    for (const auto& c : req_.schema.columns) {
      cols += (cols.empty() ? "" : ", ") + sql::quote(c.name, '"');
      marks += marks.empty() ? "?" : ", ?";
    }
    std::string sql = "INSERT INTO " + sql::quote_table(write_table_, '"') + " (" + cols + ") VALUES (" + marks + ")";
    if (req_.mode == LoadMode::upsert) {
      std::string keys, sets;
      for (const auto& k : req_.key) keys += (keys.empty() ? "" : ", ") + sql::quote(k, '"');
      for (const auto& c : req_.schema.columns) {
        if (std::find(req_.key.begin(), req_.key.end(), c.name) != req_.key.end()) continue;
        sets += (sets.empty() ? "" : ", ") + sql::quote(c.name, '"') + " = excluded." + sql::quote(c.name, '"');
      }
      sql += " ON CONFLICT (" + keys + ") DO " + (sets.empty() ? "NOTHING" : "UPDATE SET " + sets);
    }
    insert_ = std::make_unique<Stmt>(db_, sql);
  }

  void begin() override { db_.exec("BEGIN IMMEDIATE"); in_tx_ = true; }
  void truncate() override { db_.exec("DELETE FROM " + sql::quote_table(req_.table, '"')); }

  void write(const Batch& batch) override {
    sqlite3_stmt* st = insert_->get();
    for (std::size_t r = 0; r < batch.size(); ++r) {
      const Row& row = batch[r];
      for (std::size_t c = 0; c < row.size(); ++c) {
        const Value& v = convert::for_target(row[c], types_[c], req_.schema.columns[c].name, coerced_);
        // SQLite would store any bytes; refuse what other databases could not hold.
        if (v.kind() == Value::Kind::text && !convert::clean_text(v.str()))
          throw Error(ErrorClass::data, "column " + req_.schema.columns[c].name +
                                            ": text is not valid UTF-8 or holds a NUL byte (see on_invalid_text)", "22021");
        // A converted value is bound as a copy: coerced_ is reused for the next column.
        if (&v == &coerced_) bind_transient(st, static_cast<int>(c + 1), v);
        else bind_value(st, static_cast<int>(c + 1), v, scratch_);
      }
      int rc = sqlite3_step(st);
      sqlite3_reset(st);
      if (rc != SQLITE_DONE) raise(db_.get(), rc, "inserting into " + write_table_.display());
    }
  }

  void commit(const Checkpoint& cp) override {
    state::save(db_, req_.pipeline, req_.state_key, cp);
    db_.exec("COMMIT");
    in_tx_ = false;
    ++commits_;
  }

  void finish(const Checkpoint& cp) override {
    if (!in_tx_) begin();
    if (req_.mode == LoadMode::replace) {
      db_.exec("DROP TABLE IF EXISTS " + sql::quote_table(req_.table, '"'));
      db_.exec("ALTER TABLE " + sql::quote_table(write_table_, '"') + " RENAME TO " + sql::quote(req_.table.name, '"'));
    }
    commit(cp);
  }

  void rollback() noexcept override {
    if (!in_tx_) return;
    in_tx_ = false;
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

  std::int64_t commits() const override { return commits_; }

  static TableRef staging_name(const TableRef& t) { return {t.schema, ident::derived(ident::rule_for("sqlite"), t.name, "staging")}; }

 private:
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
  LoadRequest req_;
  Schema target_;
  TableRef write_table_;
  std::vector<TypeInfo> types_;
  std::unique_ptr<Stmt> insert_;
  Value coerced_;
  std::string scratch_;
  bool in_tx_ = false;
  std::int64_t commits_ = 0;
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(const ConnectionConfig& cfg) : cfg_(cfg) {}

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
    Stmt st(*db, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)");
    sqlite3_bind_text(st.get(), 1, table.name.c_str(), -1, SQLITE_TRANSIENT);
    Schema s;
    std::vector<std::pair<int, std::string>> pk;
    while (st.step()) {
      Column c;
      c.name = st.text(0);
      c.type = type_from_declared(st.text(1));
      c.nullable = sqlite3_column_int(st.get(), 2) == 0;
      int pkpos = sqlite3_column_int(st.get(), 3);
      if (pkpos > 0) pk.emplace_back(pkpos, c.name);
      s.columns.push_back(std::move(c));
    }
    if (s.columns.empty()) return std::nullopt;
    std::sort(pk.begin(), pk.end());
    for (auto& [_, n] : pk) s.primary_key.push_back(n);
    return s;
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

  std::unique_ptr<Source> open_source(const ExtractRequest& req) override {
    Schema schema;
    if (!req.query.empty()) {
      Stmt probe(existing_reader(), "SELECT * FROM (" + req.query + ") LIMIT 0");
      for (int i = 0; i < sqlite3_column_count(probe.get()); ++i) {
        Column c;
        c.name = sqlite3_column_name(probe.get(), i);
        const char* decl = sqlite3_column_decltype(probe.get(), i);
        c.type = type_from_declared(decl ? decl : "");
        schema.columns.push_back(c);
      }
    } else {
      auto full = describe(req.table);
      if (!full) throw Error(ErrorClass::config, "source table " + req.table.display() + " does not exist in " + cfg_.display());
      schema = sql::project(*full, req.columns, req.table);
    }
    return std::make_unique<SqliteSource>(existing_reader(), req, std::move(schema), cfg_.encoding);
  }

  std::unique_ptr<Sink> open_sink(const LoadRequest& req) override {
    Db& db_ = writer();
    db_.exec("PRAGMA journal_mode=WAL");
    Schema target = sql::prepare_target(*this, req, cfg_.display(), '"', [&](const std::string& ddl) { db_.exec(ddl); });
    if (req.mode == LoadMode::replace) {
      auto staging = SqliteSink::staging_name(req.table);
      if (!req.resuming) {
        db_.exec("DROP TABLE IF EXISTS " + sql::quote_table(staging, '"'));
        // The staging table copies the target's definition so the swap keeps it.
        Stmt st(db_, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?");
        sqlite3_bind_text(st.get(), 1, req.table.name.c_str(), -1, SQLITE_TRANSIENT);
        if (!st.step()) throw_internal("cannot read the definition of " + req.table.display());
        std::string ddl = st.text(0);
        auto paren = ddl.find('(');
        db_.exec("CREATE TABLE " + sql::quote_table(staging, '"') + " " + ddl.substr(paren));
      }
    }
    return std::make_unique<SqliteSink>(db_, req, target);
  }

  std::string column_type_sql(const TypeInfo& t) override { return declared_type(t); }
  TypeInfo created_type(const TypeInfo& t) override { return type_from_declared(declared_type(t)); }

  std::string create_table_sql(const TableRef& table, const Schema& schema, const std::vector<std::string>& key) override {
    return sql::create_table(table, schema, key, '"', declared_type);
  }

  std::optional<Checkpoint> read_checkpoint(const std::string& pipeline, const std::string& key) override {
    Db* db = reader();
    if (!db) return std::nullopt;
    return state::load(*db, pipeline, key);
  }
  void write_checkpoint(const std::string& pipeline, const std::string& key, const Checkpoint& cp) override {
    Db& db_ = writer();
    db_.exec("BEGIN IMMEDIATE");
    try {
      state::save(db_, pipeline, key, cp);
      db_.exec("COMMIT");
    } catch (...) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
  std::unique_ptr<RunLock> lock_run(const std::string& pipeline, const std::string& holder) override {
    if (cfg_.path == ":memory:") return std::make_unique<RunLock>();  // private to this process anyway
    return files::lock_file(cfg_.path + ".sluice-lock", pipeline, holder);
  }

  std::vector<StateRow> read_state(const std::string& pipeline) override {
    Db* db = reader();
    return db ? state::list(*db, pipeline) : std::vector<StateRow>{};
  }
  void clear_state(const std::string& pipeline, const std::string& step) override {
    if (reader()) state::clear(writer(), pipeline, step);
  }

 private:
  ConnectionConfig cfg_;
  std::unique_ptr<Db> ro_, rw_;
};

}  // namespace

void register_driver(DriverRegistry& r) {
  r.add("sqlite", [](const ConnectionConfig& cfg) { return std::make_unique<SqliteConnection>(cfg); });
}

}  // namespace sluice::sqlite
