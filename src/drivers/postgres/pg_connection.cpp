// PostgreSQL: streaming source (single-row mode in a REPEATABLE READ READ ONLY
// transaction), COPY sink, upsert through a temporary table. Transactions, checkpoints,
// the replace swap, sluice_state and the run lock come from drivers/sql over PgDialect.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "drivers/postgres/pg_binary.h"
#include "drivers/postgres/pg_conn.h"
#include "drivers/postgres/pg_dialect.h"
#include "drivers/postgres/pg_types.h"
#include "core/identifiers.h"
#include "drivers/sql/check_expr.h"
#include "drivers/sql/source_default.h"
#include "drivers/sql/sql_connection.h"
#include "drivers/sql/sql_target.h"
#include "drivers/sql/sql_text.h"
#include "sluice/connection.h"
#include "sluice/registry.h"

namespace sluice::postgres {
namespace {

const std::string& placeholder(std::size_t i) { return dialect().placeholder(i); }

std::string q(const std::string& ident) { return dialect().quote(ident); }
std::string qt(const TableRef& t) { return dialect().quote_table(t); }

// Reads in a read-only snapshot: COPY (SELECT ...) TO STDOUT in binary when every
// column has a binary decoding (pg_binary.h), else the SELECT in single-row mode with
// its text values. COPY takes no parameters, so there the resume key is bound into
// transaction-local settings that the statement reads back (values never become SQL text).
class PgSource final : public Source {
 public:
  PgSource(std::unique_ptr<Conn> conn, const ExtractRequest& req, Schema schema)
      : conn_(std::move(conn)), schema_(std::move(schema)) {
    conn_->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (!req.snapshot.empty()) import_snapshot(req.snapshot);
    for (const auto& c : schema_.columns) binary_types_.push_back(binary_type(c.type));
    if (std::find(binary_types_.begin(), binary_types_.end(), BinaryType::none) != binary_types_.end()) binary_types_.clear();
    if (binary_types_.empty()) start_single_rows(req);
    else start_copy(req);
  }
  const Schema& schema() const override { return schema_; }

  bool read(Batch& batch) override {
    batch.clear();
    if (binary_types_.empty()) read_single_rows(batch);
    else read_copy(batch);
    return !batch.empty();
  }

 private:
  // The exported snapshot lives as long as the transaction that exported it: a source
  // opened again after that (a retry after a lost connection) reads a snapshot of its
  // own, as any retried read does.
  void import_snapshot(const std::string& id) {
    // pg_export_snapshot() ids are hex digits and dashes; SET TRANSACTION takes no parameter.
    if (id.find_first_not_of("0123456789ABCDEFabcdef-") != std::string::npos)
      throw Error(ErrorClass::data, conn_->name() + ": not a snapshot id: " + id);
    try {
      conn_->exec("SET TRANSACTION SNAPSHOT '" + id + "'");
    } catch (const Error& e) {
      if (e.is_transient()) throw;
      spdlog::info("{}: the shared snapshot is gone ({}): reading under a new one", conn_->name(), e.what());
      conn_->exec("ROLLBACK");
      conn_->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    }
  }

  static std::string text_of(const Value& v) { return v.kind() == Value::Kind::bytes ? "\\x" + convert::hex_encode(v.str()) : v.to_text(); }

  void start_single_rows(const ExtractRequest& req) {
    auto sel = sql::keyed_select(req, '"', schema_.names(), &placeholder);
    std::vector<std::string> texts;
    for (const Value* v : sel.params) texts.push_back(text_of(*v));
    std::vector<const char*> params;
    for (auto& t : texts) params.push_back(t.c_str());
    if (!PQsendQueryParams(conn_->get(), sel.sql.c_str(), static_cast<int>(params.size()), nullptr, params.data(), nullptr,
                           nullptr, 0))
      conn_->raise(nullptr, "starting the extract");
    // Rows arrive one result at a time: memory stays flat whatever the table size.
    PQsetSingleRowMode(conn_->get());
  }

  void start_copy(const ExtractRequest& req) {
    static const auto marker = [](std::size_t i) -> const std::string& {
      static std::vector<std::string> marks;
      while (marks.size() <= i) marks.push_back("\x01" + std::to_string(marks.size()) + "\x01");
      return marks[i];
    };
    sql::SelectSpelling sp;
    sp.quote = [](const std::string& name) { return q(name); };
    sp.placeholder = marker;
    auto sel = sql::keyed_select(req, sp, schema_.names());
    // COPY takes no parameters: each resume value is bound into a setting of this
    // transaction (set_config), and the predicate reads it back cast to its column's type.
    for (std::size_t i = 0; i < sel.params.size(); ++i) {
      std::string type = "text";
      if (auto idx = schema_.index_of(sel.param_columns[i])) type = schema_.columns[*idx].type.native;
      const std::string name = "sluice.resume_" + std::to_string(i), value = text_of(*sel.params[i]);
      const char* values[] = {name.c_str(), value.c_str()};
      Result set(PQexecParams(conn_->get(), "SELECT set_config($1, $2, true)", 2, nullptr, values, nullptr, nullptr, 0));
      if (PQresultStatus(set.get()) != PGRES_TUPLES_OK) conn_->raise(set.get(), "starting the extract");
      const std::string expression = "current_setting('" + name + "')::" + type;
      for (auto at = sel.sql.find(marker(i)); at != std::string::npos; at = sel.sql.find(marker(i), at + expression.size()))
        sel.sql.replace(at, marker(i).size(), expression);
    }
    Result r(PQexec(conn_->get(), ("COPY (" + sel.sql + ") TO STDOUT (FORMAT binary)").c_str()));
    if (PQresultStatus(r.get()) != PGRES_COPY_OUT) conn_->raise(r.get(), "starting the extract");
  }

  void read_single_rows(Batch& batch) {
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
  }

  void read_copy(Batch& batch) {
    const std::size_t width = schema_.size();
    while (!batch.full() && !done_) {
      char* msg = nullptr;
      const int n = PQgetCopyData(conn_->get(), &msg, 0);
      if (n == -1) {  // the COPY ended: its result says whether it succeeded
        done_ = true;
        Result r(PQgetResult(conn_->get()));
        if (PQresultStatus(r.get()) != PGRES_COMMAND_OK) conn_->raise(r.get(), "reading");
        while (Result extra{PQgetResult(conn_->get())}) {}
        break;
      }
      if (n < 0) conn_->raise(nullptr, "reading");
      struct Free {
        char* p;
        ~Free() { PQfreemem(p); }
      } freed{msg};
      Row& row = batch.append_row(width);
      std::size_t fields = 0;
      const bool tuple = reader_.read(msg, static_cast<std::size_t>(n), [&](std::size_t i, const char* p, std::size_t len) {
        if (i >= width) throw Error(ErrorClass::internal, "PostgreSQL sent more columns than were selected");
        ++fields;
        if (!p) row[i].set_null();
        else read_binary_field(p, len, binary_types_[i], schema_.columns[i].type, schema_.columns[i].name, row[i]);
      });
      if (!tuple || fields == 0) batch.pop_row();  // the trailer, or the header alone
      else if (fields != width) throw Error(ErrorClass::internal, "PostgreSQL sent a row of " + std::to_string(fields) + " columns");
    }
  }

  std::unique_ptr<Conn> conn_;
  Schema schema_;
  std::vector<BinaryType> binary_types_;  // empty: single-row text mode
  BinaryRowReader reader_;
  bool done_ = false;
};

// COPY into the table (or the staging table of a replace); upsert COPYs into a
// temporary table and merges it with INSERT ... ON CONFLICT, batch by batch.
class PgSink final : public sql::SqlTarget {
 public:
  PgSink(std::unique_ptr<PgSession> session, LoadRequest req, const Schema& target)
      : SqlTarget(std::move(session), postgres::dialect(), std::move(req), target, false) {
    conn_ = &static_cast<PgSession&>(this->session()).conn();
    // Binary COPY when every target column has an encoding (pg_binary.h); a column of
    // another type (a domain, an array, citext, ...) keeps the whole COPY in text.
    for (const auto& t : target_types()) binary_types_.push_back(binary_type(t));
    if (std::find(binary_types_.begin(), binary_types_.end(), BinaryType::none) != binary_types_.end()) binary_types_.clear();
  }

 private:
  void after_begin() override {
    if (request().mode == LoadMode::upsert)
      conn_->exec("CREATE TEMP TABLE IF NOT EXISTS sluice_upsert (LIKE " + qt(request().table) + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
  }

  void write_rows(const Batch& batch) override {
    const LoadRequest& req = request();
    std::string into = req.mode == LoadMode::upsert ? "sluice_upsert" : qt(write_table());
    const bool binary = !binary_types_.empty();
    Result start(PQexec(conn_->get(), ("COPY " + into + " (" + column_list() + ") FROM STDIN" + (binary ? " (FORMAT binary)" : "")).c_str()));
    if (PQresultStatus(start.get()) != PGRES_COPY_IN) conn_->raise(start.get(), "starting COPY into " + write_table().display());
    buf_.clear();
    if (binary) append_binary_header(buf_);
    for (std::size_t r = 0; r < batch.size(); ++r) {
      if (binary) append_binary_row(batch[r]);
      else append_text_row(batch[r]);
      if (buf_.size() >= (1 << 20)) flush();
    }
    if (binary) append_binary_trailer(buf_);
    flush();
    if (PQputCopyEnd(conn_->get(), nullptr) != 1) conn_->raise(nullptr, "ending COPY");
    Result end(PQgetResult(conn_->get()));
    if (PQresultStatus(end.get()) != PGRES_COMMAND_OK) conn_->raise(end.get(), "COPY into " + write_table().display());
    while (Result extra{PQgetResult(conn_->get())}) {}
    // Merged per batch, so a row the target refuses fails this write (where the
    // runner can isolate it), not the commit.
    if (req.mode == LoadMode::upsert) merge();
  }

  // A value is converted exactly to its column's type first; one that cannot be ends
  // the COPY (nothing of the batch is kept) with a data error naming the column.
  const Value& converted(const Value& v, std::size_t c) {
    try {
      return convert::for_target(v, target_types()[c], request().schema.columns[c].name, coerced_);
    } catch (...) {
      abort_copy();
      throw;
    }
  }

  void append_text_row(const Row& row) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c) buf_ += '\t';
      const Value& v = converted(row[c], c);
      try {
        append_copy_field(v, buf_);
      } catch (const Error& e) {
        abort_copy();
        throw Error(ErrorClass::data, "column " + request().schema.columns[c].name + ": " + e.what(), e.sqlstate());
      }
    }
    buf_ += '\n';
  }

  void append_binary_row(const Row& row) {
    append_binary_tuple_start(row.size(), buf_);
    for (std::size_t c = 0; c < row.size(); ++c) {
      const Value& v = converted(row[c], c);
      try {
        append_binary_field(v, binary_types_[c], buf_);
      } catch (const Error& e) {
        abort_copy();
        throw Error(ErrorClass::data, "column " + request().schema.columns[c].name + ": " + e.what(), e.sqlstate());
      }
    }
  }

  // A serial column's sequence belongs to the live table and would go with it (and the
  // staging table's default uses it): it is handed to the staging table's column first.
  void before_swap() override {
    const std::string live = qt(request().table), staging = qt(write_table());
    auto r = conn_->exec("SELECT d.objid::regclass::text, a.attname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
                         "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
                         "WHERE d.classid = 'pg_class'::regclass AND d.refobjid = to_regclass($1) AND d.deptype = 'a'", {live.c_str()});
    for (int i = 0; i < PQntuples(r.get()); ++i)
      conn_->exec("ALTER SEQUENCE " + std::string(PQgetvalue(r.get(), i, 0)) + " OWNED BY " + staging + "." + q(PQgetvalue(r.get(), i, 1)));
  }

  // Rows arrive with their keys, so serial and identity sequences did not move: each is
  // set past the largest value loaded (never back), so that an insert without an id
  // gets a fresh one.
  void before_completion() override {
    const std::string table = qt(request().table);
    auto r = conn_->exec("SELECT a.attname, pg_get_serial_sequence($1, a.attname) FROM pg_attribute a WHERE a.attrelid = to_regclass($1) "
                         "AND a.attnum > 0 AND NOT a.attisdropped AND pg_get_serial_sequence($1, a.attname) IS NOT NULL", {table.c_str()});
    for (int i = 0; i < PQntuples(r.get()); ++i) conn_->exec(*dialect().sequence_reset(request().table, PQgetvalue(r.get(), i, 0)));
  }

  // The staging table's constraints and indexes were named after it
  // ("<table>__sluice_staging_pkey"): give them the table's own names, in the swap's
  // transaction, so that a replaced table looks like one created in place.
  void after_swap() override {
    const std::string from = write_table().name, to = request().table.name;
    std::string table = qt(request().table);
    auto r = conn_->exec("SELECT c.relname, (SELECT con.conname FROM pg_constraint con WHERE con.conindid = c.oid AND con.conrelid = i.indrelid "
                         "AND con.contype IN ('p', 'u', 'x')) "
                         "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = to_regclass($1)", {table.c_str()});
    for (int row = 0; row < PQntuples(r.get()); ++row) {
      const std::string index = PQgetvalue(r.get(), row, 0);
      if (index.compare(0, from.size(), from) != 0) continue;
      const std::string renamed = to + index.substr(from.size());
      if (!dialect().names().fits(renamed)) continue;  // PostgreSQL's own choice stands
      if (!PQgetisnull(r.get(), row, 1))
        conn_->exec("ALTER TABLE " + table + " RENAME CONSTRAINT " + q(PQgetvalue(r.get(), row, 1)) + " TO " + q(renamed));
      else
        conn_->exec("ALTER INDEX " + qt({request().table.schema, index}) + " RENAME TO " + q(renamed));
    }
    // Identity sequences made for the staging table carry its name too.
    auto seqs = conn_->exec("SELECT s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
                            "WHERE d.classid = 'pg_class'::regclass AND d.refobjid = to_regclass($1) AND d.deptype IN ('a', 'i')",
                            {table.c_str()});
    for (int row = 0; row < PQntuples(seqs.get()); ++row) {
      const std::string sequence = PQgetvalue(seqs.get(), row, 0);
      if (sequence.compare(0, from.size(), from) != 0) continue;
      const std::string renamed = to + sequence.substr(from.size());
      if (!dialect().names().fits(renamed)) continue;
      conn_->exec("ALTER SEQUENCE " + qt({request().table.schema, sequence}) + " RENAME TO " + q(renamed));
    }
  }

  // Ends a COPY the server must discard (a value failed before it was sent).
  void abort_copy() {
    PQputCopyEnd(conn_->get(), "sluice: value refused before sending");
    while (Result r{PQgetResult(conn_->get())}) {}
  }

  void flush() {
    if (buf_.empty()) return;
    if (PQputCopyData(conn_->get(), buf_.data(), static_cast<int>(buf_.size())) != 1) conn_->raise(nullptr, "sending COPY data");
    buf_.clear();
  }

  void merge() {
    const LoadRequest& req = request();
    conn_->exec("INSERT INTO " + qt(req.table) + " (" + column_list() + ") SELECT " + column_list() + " FROM sluice_upsert " +
                dialect().upsert_clause(req.key, req.schema.names()));
    conn_->exec("TRUNCATE sluice_upsert");
  }

  Conn* conn_ = nullptr;
  std::vector<BinaryType> binary_types_;  // empty: COPY text
  std::string buf_;
  Value coerced_;
};

class PgConnection final : public sql::SqlConnection {
 public:
  explicit PgConnection(const ConnectionConfig& cfg)
      : SqlConnection(cfg), own_(std::make_unique<Conn>(cfg)), conn_(&own_.conn()) {}

  // Each logical table once: a partitioned (or inheritance) parent is read with the
  // rows of all its partitions (children), which are never listed on their own.
  std::vector<TableRef> list_tables(const std::string& schema) override {
    std::string s = schema.empty() ? "public" : schema;
    auto r = conn_->exec("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                         "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition "
                         "AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid) "
                         "ORDER BY 1", {s.c_str()});
    std::vector<TableRef> out;
    for (int i = 0; i < PQntuples(r.get()); ++i)
      if (!ident::is_reserved(PQgetvalue(r.get(), i, 0))) out.push_back({schema, PQgetvalue(r.get(), i, 0)});
    return out;
  }

  std::optional<Schema> describe(const TableRef& t) override {
    std::string name = qt(t);
    auto r = conn_->exec(
        "SELECT a.attname, CASE WHEN ty.typtype = 'd' THEN format_type(ty.typbasetype, ty.typtypmod) "
        "ELSE format_type(a.atttypid, a.atttypmod) END, a.attnotnull, "
        "ty.typtype = 'e' OR (ty.typtype = 'd' AND (SELECT typtype FROM pg_type WHERE oid = ty.typbasetype) = 'e'), "
        "COALESCE((SELECT array_position(i.indkey::int2[], a.attnum) - array_lower(i.indkey::int2[], 1) + 1 "
        "FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary), 0), "
        "COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity <> '', "
        "CASE WHEN ty.typtype = 'd' THEN format_type(a.atttypid, a.atttypmod) ELSE '' END "
        "FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid "
        "LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.attgenerated = '' "
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
      // A domain is read as its base type; plan says its constraints stay behind.
      if (const std::string domain = PQgetvalue(r.get(), i, 7); !domain.empty()) c.type.native = domain + " (domain over " + c.type.native + ")";
      const std::string default_text = PQgetvalue(r.get(), i, 5);
      // serial: a default drawing from a sequence; identity: the column's own.
      c.identity = PQgetvalue(r.get(), i, 6)[0] == 't' || default_text.rfind("nextval(", 0) == 0;
      if (!c.identity) c.default_value = sql::read_default(default_text);
      int pos = std::atoi(PQgetvalue(r.get(), i, 4));
      if (pos > 0) pk.emplace_back(pos, c.name);
      s.columns.push_back(std::move(c));
    }
    std::sort(pk.begin(), pk.end());
    for (auto& [_, n] : pk) s.primary_key.push_back(n);
    return s;
  }

  TableObjects describe_objects(const TableRef& t) override {
    TableObjects out;
    const std::string name = qt(t);
    const auto schema = describe(t);
    if (!schema) return out;
    // One row per key column; expression, partial and non-btree indexes are named, not copied.
    auto ix = conn_->exec(
        "SELECT ic.relname, i.indisunique, i.indexprs IS NOT NULL OR i.indpred IS NOT NULL, am.amname, "
        "COALESCE(a.attname, ''), EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype = 'x') "
        "FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam "
        "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, n) "
        "LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
        "WHERE i.indrelid = to_regclass($1) AND NOT i.indisprimary AND k.n <= i.indnkeyatts ORDER BY ic.relname, k.n",
        {name.c_str()});
    std::map<std::string, std::string> refused;
    for (int i = 0; i < PQntuples(ix.get()); ++i) {
      const std::string index = PQgetvalue(ix.get(), i, 0), am = PQgetvalue(ix.get(), i, 3);
      if (PQgetvalue(ix.get(), i, 5)[0] == 't') refused[index] = "exclusion constraint " + index;
      else if (PQgetvalue(ix.get(), i, 2)[0] == 't') refused[index] = "index " + index + " (an expression or partial index)";
      else if (am != "btree") refused[index] = "index " + index + " (a " + am + " index)";
      if (refused.count(index)) continue;
      if (out.indexes.empty() || out.indexes.back().name != index) out.indexes.push_back({index, {}, PQgetvalue(ix.get(), i, 1)[0] == 't'});
      out.indexes.back().columns.push_back(PQgetvalue(ix.get(), i, 4));
    }
    std::erase_if(out.indexes, [&](const IndexDef& d) { return refused.count(d.name) > 0; });
    for (const auto& [_, why] : refused) out.not_migrated.push_back(why);

    auto fk = conn_->exec(
        "SELECT c.conname, rn.nspname, rc.relname, c.confdeltype, c.confupdtype, a.attname, ra.attname, "
        "rn.oid = (SELECT relnamespace FROM pg_class WHERE oid = c.conrelid) "
        "FROM pg_constraint c JOIN pg_class rc ON rc.oid = c.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace "
        "CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(col, ref, n) "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.col "
        "JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.ref "
        "WHERE c.contype = 'f' AND c.conrelid = to_regclass($1) ORDER BY c.conname, k.n",
        {name.c_str()});
    auto action = [](char c) -> std::string {
      switch (c) {
        case 'r': return "RESTRICT";
        case 'c': return "CASCADE";
        case 'n': return "SET NULL";
        case 'd': return "SET DEFAULT";
        default: return "NO ACTION";
      }
    };
    for (int i = 0; i < PQntuples(fk.get()); ++i) {
      const std::string conname = PQgetvalue(fk.get(), i, 0);
      if (out.foreign_keys.empty() || out.foreign_keys.back().name != conname) {
        ForeignKeyDef d;
        d.name = conname;
        d.references = {PQgetvalue(fk.get(), i, 7)[0] == 't' ? "" : PQgetvalue(fk.get(), i, 1), PQgetvalue(fk.get(), i, 2)};
        d.on_delete = action(PQgetvalue(fk.get(), i, 3)[0]);
        d.on_update = action(PQgetvalue(fk.get(), i, 4)[0]);
        out.foreign_keys.push_back(std::move(d));
      }
      out.foreign_keys.back().columns.push_back(PQgetvalue(fk.get(), i, 5));
      out.foreign_keys.back().referenced_columns.push_back(PQgetvalue(fk.get(), i, 6));
    }

    auto ck = conn_->exec("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'c' AND conrelid = to_regclass($1) "
                          "ORDER BY conname", {name.c_str()});
    for (int i = 0; i < PQntuples(ck.get()); ++i) {
      std::string def = PQgetvalue(ck.get(), i, 1);
      if (def.size() > 10 && def.compare(def.size() - 10, 10, " NOT VALID") == 0) def.resize(def.size() - 10);
      if (def.rfind("CHECK (", 0) == 0 && def.back() == ')') def = def.substr(7, def.size() - 8);
      if (auto tokens = sql::read_check(def, schema->names())) out.checks.push_back({PQgetvalue(ck.get(), i, 0), std::move(*tokens)});
      else out.not_migrated.push_back("check " + std::string(PQgetvalue(ck.get(), i, 0)) + " (" + def + ": not portable)");
    }

    auto part = conn_->exec("SELECT pg_get_partkeydef(to_regclass($1)), c.relname, pg_get_expr(c.relpartbound, c.oid), c.relkind = 'p' "
                            "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = to_regclass($1) ORDER BY 2",
                            {name.c_str()});
    for (int i = 0; i < PQntuples(part.get()); ++i) {
      if (PQgetisnull(part.get(), i, 0)) break;  // inheritance children, not partitions
      out.partition_by = PQgetvalue(part.get(), i, 0);
      out.partitions.emplace_back(PQgetvalue(part.get(), i, 1), PQgetvalue(part.get(), i, 2));
      if (PQgetvalue(part.get(), i, 3)[0] == 't')
        out.not_migrated.push_back("sub-partitions of " + std::string(PQgetvalue(part.get(), i, 1)) + " (it becomes one partition)");
    }
    auto other = conn_->exec(
        "SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgrelid = to_regclass($1) AND NOT tgisinternal "
        "UNION ALL SELECT 'generated column ' || attname || ' (copied as plain values)' FROM pg_attribute "
        "WHERE attrelid = to_regclass($1) AND attgenerated <> '' "
        "UNION ALL SELECT DISTINCT 'view ' || v.oid::regclass::text FROM pg_depend d JOIN pg_rewrite w ON w.oid = d.objid "
        "JOIN pg_class v ON v.oid = w.ev_class WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass "
        "AND d.refobjid = to_regclass($1) AND v.oid <> d.refobjid ORDER BY 1",
        {name.c_str()});
    for (int i = 0; i < PQntuples(other.get()); ++i) out.not_migrated.push_back(PQgetvalue(other.get(), i, 0));
    return out;
  }

  std::vector<std::string> schema_not_migrated(const std::string& schema) override {
    const std::string s = schema.empty() ? "public" : schema;
    auto r = conn_->exec("SELECT CASE p.prokind WHEN 'p' THEN 'procedure ' WHEN 'a' THEN 'aggregate ' ELSE 'function ' END || p.proname "
                         "FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 AND NOT EXISTS "
                         "(SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') ORDER BY 1", {s.c_str()});
    std::vector<std::string> out;
    for (int i = 0; i < PQntuples(r.get()); ++i) out.push_back(PQgetvalue(r.get(), i, 0));
    return out;
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

  Schema describe_query(const std::string& query) override {
    Schema schema;
    // A source is only ever read: the probe runs as one statement in a read-only
    // transaction, so a query: holding "...; DROP TABLE x" writes nothing.
    struct ReadOnly {
      Conn& c;
      explicit ReadOnly(Conn& conn) : c(conn) { c.exec("BEGIN TRANSACTION READ ONLY"); }
      ~ReadOnly() { PQclear(PQexec(c.get(), "ROLLBACK")); }
    } read_only{*conn_};
    auto r = conn_->exec_one("SELECT * FROM (" + query + ") AS sluice_q LIMIT 0");
    for (int i = 0; i < PQnfields(r.get()); ++i) {
      auto t = conn_->exec("SELECT format_type($1::oid, $2::int), (SELECT typtype = 'e' FROM pg_type WHERE oid = $1::oid)",
                           {std::to_string(PQftype(r.get(), i)).c_str(), std::to_string(PQfmod(r.get(), i)).c_str()});
      schema.columns.push_back({PQfname(r.get(), i), type_from_pg(PQgetvalue(t.get(), 0, 0), PQgetvalue(t.get(), 0, 1)[0] == 't'), true, {}, false});
    }
    return schema;
  }

  bool shares_snapshots() const override { return true; }

  // Exported by a read-only REPEATABLE READ transaction of a connection of its own,
  // which stays open while the snapshot is held.
  std::unique_ptr<SharedSnapshot> share_snapshot(const TableRef&) override {
    class Exported final : public SharedSnapshot {
     public:
      explicit Exported(std::unique_ptr<Conn> conn) : conn_(std::move(conn)) {
        conn_->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        auto r = conn_->exec("SELECT pg_export_snapshot()");
        id_ = PQgetvalue(r.get(), 0, 0);
      }
      ~Exported() override {
        try { conn_->exec("COMMIT"); } catch (...) {}
      }
      const std::string& id() const override { return id_; }

     private:
      std::unique_ptr<Conn> conn_;
      std::string id_;
    };
    return std::make_unique<Exported>(std::make_unique<Conn>(config()));
  }

  std::unique_ptr<Source> make_source(const ExtractRequest& req, Schema schema) override {
    // The extract gets a connection of its own so introspection and state reads
    // stay usable while rows stream.
    return std::make_unique<PgSource>(std::make_unique<Conn>(config()), req, std::move(schema));
  }

  std::unique_ptr<Sink> make_target(const LoadRequest& req, const Schema& target, bool) override {
    return std::make_unique<PgSink>(std::make_unique<PgSession>(std::make_unique<Conn>(config())), req, target);
  }

 private:
  const sql::Dialect& dialect() override { return postgres::dialect(); }
  sql::Session& session(bool) override { return own_; }
  std::unique_ptr<sql::Session> open_session() override { return std::make_unique<PgSession>(std::make_unique<Conn>(config())); }

  PgSession own_;
  Conn* conn_;
};

}  // namespace

std::unique_ptr<Connection> connect(const ConnectionConfig& cfg) { return std::make_unique<PgConnection>(cfg); }

}  // namespace sluice::postgres
