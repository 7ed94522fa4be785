// The ODBC driver's Connection: introspection through the ODBC catalog functions
// (SQLTables, SQLColumns, SQLPrimaryKeys, SQLStatistics, SQLForeignKeys), the source
// and sink of odbc_source/odbc_sink, and everything else (CREATE TABLE, staging,
// sluice_state, checkpoints, the run lock) from drivers/sql over the dialect the
// server was recognised as.
#include <algorithm>
#include <map>

#include "core/identifiers.h"
#include "drivers/file_lock.h"
#include "drivers/odbc/odbc_conn.h"
#include "drivers/odbc/odbc_dialects.h"
#include "drivers/odbc/odbc_sink.h"
#include "drivers/odbc/odbc_source.h"
#include "drivers/odbc/odbc_types.h"
#include "drivers/sql/source_default.h"
#include "drivers/sql/sql_connection.h"

namespace sluice::odbc {
namespace {

std::string rule_name(SQLSMALLINT rule) {
  switch (rule) {
    case SQL_CASCADE: return "CASCADE";
    case SQL_RESTRICT: return "RESTRICT";
    case SQL_SET_NULL: return "SET NULL";
    case SQL_SET_DEFAULT: return "SET DEFAULT";
    default: return "NO ACTION";
  }
}

int number(const std::optional<std::string>& s) { return s && !s->empty() ? std::atoi(s->c_str()) : 0; }

// A string argument of a catalog function: null pointer when absent.
struct Arg {
  explicit Arg(const std::optional<std::string>& s) : present(s.has_value()), text(s ? widen(*s) : WString()) {}
  SQLWCHAR* ptr() { return present ? text.data() : nullptr; }
  SQLSMALLINT len() const { return present ? static_cast<SQLSMALLINT>(text.size()) : 0; }
  bool present;
  WString text;
};

// The SQLite file behind a connection string (Database=...), for its lock file.
std::optional<std::string> sqlite_file(const std::string& cs) {
  std::string lower = cs;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto p = lower.find("database=");
  if (p == std::string::npos) return std::nullopt;
  auto end = cs.find(';', p);
  return cs.substr(p + 9, end == std::string::npos ? std::string::npos : end - p - 9);
}

}  // namespace

class OdbcConnection final : public sql::SqlConnection {
 public:
  explicit OdbcConnection(const ConnectionConfig& cfg)
      : SqlConnection(cfg), own_(std::make_unique<Conn>(cfg)), conn_(&own_.conn()), dialect_(make_dialect(conn_->dbms())) {
    SQLWCHAR esc[8] = {0};
    SQLSMALLINT len = 0;
    if (succeeded(SQLGetInfoW(conn_->dbc(), SQL_SEARCH_PATTERN_ESCAPE, esc, sizeof esc, &len)) && len > 0) escape_ = narrow(esc, 1);
  }

  std::vector<TableRef> list_tables(const std::string& schema) override {
    auto where = location(schema);
    auto rows = catalog("listing tables", [&](SQLHSTMT st, Arg& cat, Arg& sch) {
      Arg table(std::string("%"));
      Arg type(std::string("TABLE"));
      return SQLTablesW(st, cat.ptr(), cat.len(), sch.ptr(), sch.len(), table.ptr(), table.len(), type.ptr(), type.len());
    }, where.first, pattern(where.second));
    std::vector<TableRef> out;
    for (auto& r : rows)
      if (r.size() > 2 && r[2] && !ident::is_reserved(*r[2])) out.push_back({schema, *r[2]});
    std::sort(out.begin(), out.end(), [](const TableRef& a, const TableRef& b) { return a.name < b.name; });
    return out;
  }

  std::optional<Schema> describe(const TableRef& t) override {
    auto where = location(t.schema);
    auto rows = catalog("describing " + t.display(), [&](SQLHSTMT st, Arg& cat, Arg& sch) {
      Arg table(pattern(t.name));
      return SQLColumnsW(st, cat.ptr(), cat.len(), sch.ptr(), sch.len(), table.ptr(), table.len(), nullptr, 0);
    }, where.first, pattern(where.second));
    // A pattern may still match more than the name (drivers without an escape).
    std::erase_if(rows, [&](const Cells& r) { return r.size() < 17 || !r[3] || !r[2] || *r[2] != t.name; });
    if (rows.empty()) return std::nullopt;
    std::sort(rows.begin(), rows.end(), [](const Cells& a, const Cells& b) { return number(a[16]) < number(b[16]); });
    Schema out;
    const bool mysql = schema_is_catalog(conn_->dbms());
    for (auto& r : rows) {
      OdbcColumnType ct;
      ct.data_type = static_cast<SQLSMALLINT>(number(r[4]));
      ct.type_name = r[5].value_or("");
      ct.size = static_cast<SQLULEN>(std::max(0, number(r[6])));
      ct.digits = static_cast<SQLSMALLINT>(number(r[8]));
      Column c{*r[3], logical_type(ct, conn_->dbms()), number(r[10]) != SQL_NO_NULLS, {}, false};
      std::string type_lower = ct.type_name;
      for (auto& ch : type_lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      c.identity = type_lower.find("identity") != std::string::npos || type_lower.find("serial") != std::string::npos;
      if (r[12] && !r[12]->empty()) {
        if (r[12]->rfind("nextval(", 0) == 0) c.identity = true;
        else if (!c.identity) c.default_value = sql::read_default(*r[12], mysql);
      }
      out.columns.push_back(std::move(c));
    }
    out.primary_key = primary_key(t).second;
    return out;
  }

  std::optional<std::int64_t> estimate_rows(const TableRef& t) override {
    for (auto& r : statistics(t))
      if (r.size() > 10 && number(r[6]) == SQL_TABLE_STAT && r[10] && !r[10]->empty()) return std::atoll(r[10]->c_str());
    return std::nullopt;
  }

  TableObjects describe_objects(const TableRef& t) override {
    TableObjects out;
    // (No structured binding: clang 14 cannot capture one in the lambda below.)
    const auto key = primary_key(t);
    const std::string& pk_name = key.first;
    const std::vector<std::string>& pk = key.second;
    for (auto& r : statistics(t)) {
      if (r.size() < 9 || number(r[6]) == SQL_TABLE_STAT || !r[5]) continue;
      const std::string name = *r[5];
      if (!r[8]) {
        if (std::find(out.not_migrated.begin(), out.not_migrated.end(), "index " + name + " (an expression index)") == out.not_migrated.end())
          out.not_migrated.push_back("index " + name + " (an expression index)");
        continue;
      }
      if (out.indexes.empty() || out.indexes.back().name != name) out.indexes.push_back({name, {}, number(r[3]) == 0});
      out.indexes.back().columns.push_back(*r[8]);
    }
    // The primary key's own index is the key, not a secondary index.
    std::erase_if(out.indexes, [&](const IndexDef& d) {
      return (!pk_name.empty() && d.name == pk_name) || d.name == "PRIMARY" || (d.unique && d.columns == pk);
    });
    std::erase_if(out.indexes, [&](const IndexDef& d) {
      return std::find_if(out.not_migrated.begin(), out.not_migrated.end(), [&](const std::string& s) { return s == "index " + d.name + " (an expression index)"; }) != out.not_migrated.end();
    });
    auto where = location(t.schema);
    auto rows = catalog("reading foreign keys of " + t.display(), [&](SQLHSTMT st, Arg& cat, Arg& sch) {
      Arg table(t.name);
      return SQLForeignKeysW(st, nullptr, 0, nullptr, 0, nullptr, 0, cat.ptr(), cat.len(), sch.ptr(), sch.len(), table.ptr(), table.len());
    }, where.first, where.second);
    std::sort(rows.begin(), rows.end(), [](const Cells& a, const Cells& b) {
      return std::make_pair(a[11].value_or(""), number(a[8])) < std::make_pair(b[11].value_or(""), number(b[8]));
    });
    for (auto& r : rows) {
      if (r.size() < 12 || !r[2] || !r[3] || !r[7]) continue;
      const std::string name = r[11].value_or(*r[2] + "_fkey");
      if (out.foreign_keys.empty() || out.foreign_keys.back().name != name) {
        ForeignKeyDef d;
        d.name = name;
        const std::string ref_schema = schema_is_catalog(conn_->dbms()) ? r[0].value_or("") : r[1].value_or("");
        d.references = {ref_schema == where.first.value_or(where.second.value_or("")) ? "" : ref_schema, *r[2]};
        d.on_update = rule_name(static_cast<SQLSMALLINT>(number(r[9])));
        d.on_delete = rule_name(static_cast<SQLSMALLINT>(number(r[10])));
        out.foreign_keys.push_back(std::move(d));
      }
      out.foreign_keys.back().columns.push_back(*r[7]);
      out.foreign_keys.back().referenced_columns.push_back(*r[3]);
    }
    return out;
  }

  std::vector<std::pair<std::string, std::string>> foreign_keys(const std::string& schema) override {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& t : list_tables(schema))
      for (const auto& fk : describe_objects(t).foreign_keys) out.emplace_back(t.name, fk.references.name);
    return out;
  }

  Schema describe_query(const std::string& query) override {
    Schema schema;
    conn_->begin();
    struct Rollback {
      Conn& c;
      ~Rollback() { try { c.end(false); } catch (...) {} }
    } rollback{*conn_};
    for (const auto& s : read_only_snapshot(conn_->dbms())) conn_->exec(s);
    Handle st = conn_->statement();
    WString w = widen("SELECT * FROM (" + query + ")" + dialect_->subquery_alias() + " WHERE 1 = 0");
    if (!succeeded(SQLExecDirectW(st.get(), w.data(), static_cast<SQLINTEGER>(w.size())))) conn_->raise(st, "describing the query");
    SQLSMALLINT n = 0;
    SQLNumResultCols(st.get(), &n);
    for (SQLUSMALLINT i = 1; i <= static_cast<SQLUSMALLINT>(n); ++i) {
      SQLWCHAR name[512];
      SQLSMALLINT name_len = 0, nullable = 0;
      OdbcColumnType ct;
      if (!succeeded(SQLDescribeColW(st.get(), i, name, 512, &name_len, &ct.data_type, &ct.size, &ct.digits, &nullable)))
        conn_->raise(st, "describing the query's columns");
      SQLWCHAR type_name[256] = {0};
      SQLSMALLINT tn_len = 0;
      SQLColAttributeW(st.get(), i, SQL_DESC_TYPE_NAME, type_name, sizeof type_name, &tn_len, nullptr);
      ct.type_name = narrow(type_name, std::min<std::size_t>(static_cast<std::size_t>(std::max<SQLSMALLINT>(tn_len, 0)) / sizeof(SQLWCHAR), 255));
      SQLLEN uns = SQL_FALSE;
      SQLColAttributeW(st.get(), i, SQL_DESC_UNSIGNED, nullptr, 0, nullptr, &uns);
      ct.is_unsigned = uns == SQL_TRUE && ct.data_type != SQL_DECIMAL && ct.data_type != SQL_NUMERIC && ct.data_type != SQL_DOUBLE &&
                       ct.data_type != SQL_REAL && ct.data_type != SQL_FLOAT && (ct.data_type == SQL_TINYINT || ct.data_type == SQL_SMALLINT ||
                                                                                 ct.data_type == SQL_INTEGER || ct.data_type == SQL_BIGINT);
      schema.columns.push_back({narrow(name, std::min<std::size_t>(static_cast<std::size_t>(std::max<SQLSMALLINT>(name_len, 0)), 511)),
                                logical_type(ct, conn_->dbms()), nullable != SQL_NO_NULLS, {}, false});
    }
    return schema;
  }

  std::unique_ptr<Source> make_source(const ExtractRequest& req, Schema schema) override {
    const std::string extra = streaming_attributes(conn_->dbms(), config().options.at("connection_string"));
    return std::make_unique<OdbcSource>(std::make_unique<Conn>(config(), extra), *dialect_, req, std::move(schema));
  }

  std::unique_ptr<Sink> make_target(const LoadRequest& req, const Schema& target, bool swapped) override {
    return std::make_unique<OdbcSink>(std::make_unique<OdbcSession>(std::make_unique<Conn>(config())), *dialect_, req, target, swapped);
  }

  std::unique_ptr<RunLock> lock_run(const std::string& pipeline, const std::string& holder) override {
    if (dialect_->try_session_lock()) return SqlConnection::lock_run(pipeline, holder);
    if (conn_->dbms() == Dbms::sqlite)
      if (auto file = sqlite_file(config().options.at("connection_string")); file && !file->empty() && *file != ":memory:")
        return files::lock_file(*file + ".sluice-lock", pipeline, holder);
    throw Error(ErrorClass::config, "connection '" + config().name + "': " + dbms_title(conn_->dbms()) +
                                        " over ODBC has no lock that could keep two runs of pipeline " + pipeline + " apart");
  }

 private:
  const sql::Dialect& dialect() override { return *dialect_; }
  sql::Session& session(bool) override { return own_; }
  std::unique_ptr<sql::Session> open_session() override { return std::make_unique<OdbcSession>(std::make_unique<Conn>(config())); }

  // No CREATE TABLE ... LIKE here: the staging table gets the live table's columns and key.
  void copy_definition(const TableRef& staging, const TableRef& live) override {
    auto schema = describe(live);
    if (!schema) throw Error(ErrorClass::internal, "table " + live.display() + " vanished before its staging copy was made");
    for (auto& c : schema->columns) c.identity = false;
    own_.exec(dialect_->create_table(staging, *schema, schema->primary_key));
  }

  // (catalog, schema) arguments for a table of `schema` (empty: the default one).
  std::pair<std::optional<std::string>, std::optional<std::string>> location(const std::string& schema) {
    if (conn_->dbms() == Dbms::sqlite) return {std::nullopt, std::nullopt};
    const std::string s = schema.empty() ? default_schema() : schema;
    if (schema_is_catalog(conn_->dbms())) return {s, std::nullopt};
    return {std::nullopt, s.empty() ? std::nullopt : std::optional<std::string>(s)};
  }

  const std::string& default_schema() {
    if (!default_schema_) {
      const std::string q = current_schema_query(conn_->dbms());
      std::string s;
      if (!q.empty()) {
        auto rows = own_.cells(q, {});
        if (!rows.empty() && !rows[0].empty() && rows[0][0]) s = *rows[0][0];
      }
      default_schema_ = s;
    }
    return *default_schema_;
  }

  // Pattern arguments match '_' and '%' as wildcards: a name is escaped to mean itself.
  std::optional<std::string> pattern(const std::optional<std::string>& name) const {
    if (!name || escape_.empty()) return name;
    std::string out;
    for (char c : *name) {
      if (c == '_' || c == '%' || std::string(1, c) == escape_) out += escape_;
      out += c;
    }
    return out;
  }
  std::string pattern(const std::string& name) const { return *pattern(std::optional<std::string>(name)); }

  template <typename Call>
  std::vector<Cells> catalog(const std::string& what, Call call, const std::optional<std::string>& catalog_name,
                             const std::optional<std::string>& schema_name) {
    Handle st = conn_->statement();
    Arg cat(catalog_name), sch(schema_name);
    if (!succeeded(call(st.get(), cat, sch))) conn_->raise(st, what);
    return fetch_all(*conn_, st, what);
  }

  std::vector<Cells> statistics(const TableRef& t) {
    auto where = location(t.schema);
    auto rows = catalog("reading indexes of " + t.display(), [&](SQLHSTMT st, Arg& cat, Arg& sch) {
      Arg table(t.name);
      return SQLStatisticsW(st, cat.ptr(), cat.len(), sch.ptr(), sch.len(), table.ptr(), table.len(), SQL_INDEX_ALL, SQL_QUICK);
    }, where.first, where.second);
    std::stable_sort(rows.begin(), rows.end(), [](const Cells& a, const Cells& b) {
      return std::make_pair(a[5].value_or(""), number(a[7])) < std::make_pair(b[5].value_or(""), number(b[7]));
    });
    return rows;
  }

  // The primary key's name (when the driver gives it) and columns in key order.
  std::pair<std::string, std::vector<std::string>> primary_key(const TableRef& t) {
    auto where = location(t.schema);
    auto rows = catalog("reading the primary key of " + t.display(), [&](SQLHSTMT st, Arg& cat, Arg& sch) {
      Arg table(t.name);
      return SQLPrimaryKeysW(st, cat.ptr(), cat.len(), sch.ptr(), sch.len(), table.ptr(), table.len());
    }, where.first, where.second);
    std::sort(rows.begin(), rows.end(), [](const Cells& a, const Cells& b) { return number(a[4]) < number(b[4]); });
    std::pair<std::string, std::vector<std::string>> out;
    for (auto& r : rows) {
      if (r.size() < 5 || !r[3]) continue;
      out.second.push_back(*r[3]);
      if (r.size() > 5 && r[5]) out.first = *r[5];
    }
    return out;
  }

  OdbcSession own_;
  Conn* conn_;
  std::unique_ptr<sql::Dialect> dialect_;
  std::string escape_;
  std::optional<std::string> default_schema_;
};

std::unique_ptr<Connection> connect(const ConnectionConfig& cfg) { return std::make_unique<OdbcConnection>(cfg); }

}  // namespace sluice::odbc
