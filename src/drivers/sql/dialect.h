#pragma once
// What differs between SQL databases, as text: identifiers (quoting, length limit),
// placeholders, type names, DDL (tables, staging copies, sluice_state, sluice_lock) and
// DML (upsert, state writes). One object per database; the base class is plain ANSI SQL
// where ANSI has an answer. Nothing here talks to a server: every statement is unit-
// tested as text (tests/unit/dialect_test.cpp), and the code that runs them
// (sql_target, state_table, server_lock) exists once for every dialect.
#include <optional>
#include <string>
#include <vector>

#include "core/identifiers.h"
#include "drivers/sql/sql_text.h"
#include "sluice/digest.h"
#include "sluice/schema.h"
#include "sluice/source.h"

namespace sluice::sql {

class Dialect {
 public:
  virtual ~Dialect() = default;

  // ---- identifiers ----
  virtual const ident::NameRule& names() const = 0;
  virtual char quote_char() const { return '"'; }
  // An identifier as this dialect writes it: in quote_char() with the quote doubled,
  // unless the dialect has its own rule (SQL Server's [brackets], Oracle's case).
  virtual std::string quote(const std::string& ident) const;
  std::string quote_table(const TableRef& t) const;
  // Parameter marker number i (0-based): "?" unless the dialect numbers them.
  virtual const std::string& placeholder(std::size_t i) const;
  // How the key-ordered extract SELECT (sql_text.h) is spelled here.
  SelectSpelling select_spelling() const;
  virtual std::string subquery_alias() const { return " AS sluice_q"; }
  // What ends a SELECT to return at most n rows (after its ORDER BY).
  virtual std::string limit_clause(std::size_t n) const { return " LIMIT " + std::to_string(n); }
  virtual std::string modulo(const std::string& expr, const std::string& n) const { return "((" + expr + ") % " + n + ")"; }
  // A name sluice derives beside `table` ("staging", "old"), within the name limit.
  TableRef derived_table(const TableRef& table, const std::string& role) const;

  // ---- types ----
  virtual std::string type_sql(const TypeInfo& t) const = 0;
  // The logical type a column created for `t` reads back as.
  virtual TypeInfo created_type(const TypeInfo& t) const = 0;
  // Added after a key column in PRIMARY KEY (...) (MySQL's prefix for text keys).
  virtual std::string key_column_suffix(const TypeInfo&) const { return {}; }
  // The expression after DEFAULT for `d` on a column of type `t`; nullopt when the
  // dialect cannot say it (the default is then reported, not guessed).
  virtual std::optional<std::string> default_sql(const ColumnDefault& d, const TypeInfo& t) const;
  virtual std::string boolean_literal(bool v) const { return v ? "TRUE" : "FALSE"; }
  virtual std::string string_literal(const std::string& text) const;
  // What makes column `c` numbered by the database, after its type (and the type to
  // give it, where the dialect needs a particular one); nullopt: it cannot be here.
  virtual std::optional<std::string> identity_sql(const Column& c, const std::vector<std::string>& key) const;
  virtual std::string identity_type(const Column& c) const { return type_sql(c.type); }
  // MySQL numbers one column per table (SQLite only its rowid key, see identity_sql).
  virtual bool one_identity_per_table() const { return false; }
  // After a load with explicit keys: moves `column`'s sequence past the largest value in
  // the table, never back. nullopt where the database numbers past it by itself (MySQL's
  // AUTO_INCREMENT, SQLite's rowid).
  virtual std::optional<std::string> sequence_reset(const TableRef&, const std::string&) const { return std::nullopt; }
  // What CREATE TABLE needs beside an identity column that is not the key's first (MySQL: an index).
  virtual std::string identity_key(const std::string&) const { return {}; }
  // After the closing parenthesis of CREATE TABLE (engine, charset).
  virtual std::string table_options() const { return {}; }

  // ---- DDL ----
  // CREATE TABLE with the columns (type, NOT NULL, DEFAULT or identity), the primary key
  // (`key`, else the schema's), the checks of `objects` and, where foreign keys cannot be
  // added later (SQLite), its foreign keys. What the dialect cannot express is left out
  // and, when `left_out` is given, named there ("default of column c (expr)").
  std::string create_table(const TableRef& table, const Schema& schema, const std::vector<std::string>& key,
                           const TableObjects& objects = {}, std::vector<std::string>* left_out = nullptr) const;
  // " PARTITION BY ..." after CREATE TABLE's parenthesis, and a partition of `parent`;
  // nullopt where the dialect cannot (only PostgreSQL's declarative partitioning is kept).
  virtual std::optional<std::string> partition_clause(const std::string&) const { return std::nullopt; }
  virtual std::optional<std::string> create_partition(const TableRef&, const TableRef&, const std::string&) const { return std::nullopt; }
  std::string create_index(const TableRef& table, const IndexDef& index, const Schema& schema) const;
  std::string add_foreign_key(const TableRef& table, const ForeignKeyDef& fk) const;
  // SQLite cannot ALTER TABLE ... ADD CONSTRAINT: its foreign keys are part of CREATE TABLE.
  virtual bool foreign_keys_in_create() const { return false; }
  virtual std::string drop_table_if_exists(const TableRef& t) const;
  // A nullable column added to an existing table (on_schema_change: add_columns).
  virtual std::string add_column(const TableRef& t, const std::string& column, const std::string& type_sql) const;
  virtual std::string create_schema_if_missing(const std::string& schema) const;
  // An empty table with the definition (columns, keys, indexes) of `like`; nullopt when
  // the dialect cannot say it in SQL (the driver then copies the definition itself).
  virtual std::optional<std::string> create_like(const TableRef& table, const TableRef& like) const;
  // Statements that put `staging` in the place of `live`, in order.
  virtual std::vector<std::string> swap_staging(const TableRef& live, const TableRef& staging) const;
  // Statements to run after a swap, also when a resumed run finds it already done.
  virtual std::vector<std::string> after_swap(const TableRef&) const { return {}; }
  // A query (and its parameters) listing, one description per row, what outside `live`
  // depends on it so that a swap would leave it on the old table (other tables' foreign
  // keys, views). nullopt: the dialect keeps references by name (SQLite, MySQL views).
  virtual std::optional<std::pair<std::string, std::vector<std::string>>> swap_dependents(const TableRef&) const {
    return std::nullopt;
  }
  // Whether a table's own foreign keys can be given, under their names, to its staging
  // copy (PostgreSQL names constraints per table; MySQL's foreign key names are per
  // database, so a replace of a table with foreign keys is refused there). SQLite's
  // staging copy carries them in its CREATE TABLE.
  virtual bool foreign_key_names_per_table() const { return true; }
  // Whether DDL commits the open transaction (MySQL): the swap then happens between the
  // last data commit and the completion mark, not inside one transaction.
  virtual bool ddl_commits() const { return false; }

  // ---- transactions and DML ----
  virtual std::string begin() const { return "BEGIN"; }
  // Empties a table inside the open transaction (TRUNCATE where it is transactional).
  virtual std::string empty_table(const TableRef& t) const;
  // The tail of an INSERT that turns it into an upsert on `key`, updating `columns`
  // that are not part of the key.
  virtual std::string upsert_clause(const std::vector<std::string>& key, const std::vector<std::string>& columns) const;
  // A whole statement writing one row of `values` (SQL expressions, one per column)
  // into `table`, updating the row with the same `key`: INSERT ... upsert_clause, or a
  // MERGE where the dialect has no such clause (SQL Server, Oracle).
  virtual std::string upsert(const TableRef& table, const std::vector<std::string>& columns, const std::vector<std::string>& key,
                             const std::vector<std::string>& values) const;
  // Lets explicit values into `table`'s identity column for this session (SQL Server's
  // IDENTITY_INSERT); nullopt where identity columns take them anyway.
  virtual std::optional<std::string> identity_insert(const TableRef&) const { return std::nullopt; }
  // The current time, as SQL.
  virtual std::string now() const { return "CURRENT_TIMESTAMP"; }
  // One parameter (a table name of the connection's default schema); returns a row when
  // the table exists.
  virtual std::string table_exists() const = 0;

  // ---- sluice_state (one row per pipeline and step; see state_table.h) ----
  virtual std::string state_table_ddl() const = 0;
  // Parameters: pipeline, step, run_id, last_key, rows_committed, completed ("1"/"0").
  std::string state_upsert() const;
  // Parameters: pipeline, step. Columns: run_id, last_key, rows_committed, completed.
  std::string state_select() const;
  // Parameter: pipeline. Columns: step, run_id, last_key, rows_committed, completed, updated_at.
  std::string state_list() const;
  // Parameters: pipeline[, step].
  std::string state_delete(bool one_step) const;

  // ---- the run lock (see server_lock.h) ----
  // One parameter (the pipeline); returns one row whose first column is true ("t"/"1")
  // when this session took the lock, which the server drops with the session. nullopt:
  // the dialect has no session locks (SQLite: a lock file).
  virtual std::optional<std::string> try_session_lock() const { return std::nullopt; }
  virtual std::string lock_table_ddl() const { return {}; }
  // Parameters: pipeline, holder.
  std::string lock_record() const;
  // Parameter: pipeline. Columns: holder, since.
  std::string lock_holder() const;
  // What the lock is called in messages ("advisory lock", "GET_LOCK").
  virtual std::string lock_kind() const { return "session lock"; }

  // ---- verify's digests on the server (the canonical text: runtime/row_digest.h) ----
  // The canonical text of column `q` (quoted) of type `t`, NULL included; nullopt where
  // this dialect cannot spell it exactly (then verify computes it from read rows).
  virtual std::optional<std::string> canonical_text(const std::string& /*q*/, const TypeInfo& /*t*/) const { return std::nullopt; }
  // The row's 60-bit hash from its columns' canonical texts: the first 15 hex digits of
  // the MD5 of their concatenation, as a non-negative integer.
  virtual std::optional<std::string> row_hash(const std::vector<std::string>& /*canonical*/) const { return std::nullopt; }
  // Integer division of non-negative integers.
  virtual std::string integer_division(const std::string& a, const std::string& b) const { return "(" + a + ") / " + b; }

 protected:
  std::string marks(std::size_t first, std::size_t n) const;
};

}  // namespace sluice::sql
