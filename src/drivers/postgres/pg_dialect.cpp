#include "drivers/postgres/pg_dialect.h"

#include "drivers/postgres/pg_types.h"
#include "sluice/status.h"

namespace sluice::postgres {

const ident::NameRule& names() {
  static const ident::NameRule rule{"PostgreSQL", 63, true, false, false};
  return rule;
}

const ident::NameRule& PgDialect::names() const { return postgres::names(); }

const std::string& PgDialect::placeholder(std::size_t i) const {
  static const std::vector<std::string> marks = [] {
    std::vector<std::string> m;
    for (int n = 1; n <= 1024; ++n) m.push_back("$" + std::to_string(n));
    return m;
  }();
  if (i >= marks.size()) throw Error(ErrorClass::internal, "more than 1024 parameters in one PostgreSQL statement");
  return marks[i];
}

std::string PgDialect::type_sql(const TypeInfo& t) const { return pg_type_sql(t); }
TypeInfo PgDialect::created_type(const TypeInfo& t) const { return type_from_pg(pg_type_sql(t), false); }

std::optional<std::string> PgDialect::create_like(const TableRef& table, const TableRef& like) const {
  return "CREATE TABLE " + quote_table(table) + " (LIKE " + quote_table(like) + " INCLUDING ALL)";
}

std::optional<std::pair<std::string, std::vector<std::string>>> PgDialect::swap_dependents(const TableRef& live) const {
  return std::make_pair(
      std::string("SELECT 'foreign key ' || quote_ident(con.conname) || ' of ' || con.conrelid::regclass::text FROM pg_constraint con "
                  "WHERE con.contype = 'f' AND con.confrelid = to_regclass($1) AND con.conrelid <> con.confrelid "
                  "UNION SELECT 'view ' || v.oid::regclass::text FROM pg_depend d JOIN pg_rewrite w ON w.oid = d.objid "
                  "JOIN pg_class v ON v.oid = w.ev_class WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass "
                  "AND d.refobjid = to_regclass($1) AND v.oid <> d.refobjid ORDER BY 1"),
      std::vector<std::string>{quote_table(live)});
}

std::string PgDialect::state_table_ddl() const {
  return "CREATE TABLE IF NOT EXISTS sluice_state (pipeline text NOT NULL, step text NOT NULL, run_id text NOT NULL, "
         "last_key text NOT NULL, rows_committed bigint NOT NULL, completed boolean NOT NULL, "
         "updated_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (pipeline, step))";
}

std::string PgDialect::lock_table_ddl() const {
  return "CREATE TABLE IF NOT EXISTS sluice_lock (pipeline text PRIMARY KEY, holder text NOT NULL, since timestamptz NOT NULL)";
}

const PgDialect& dialect() {
  static const PgDialect d;
  return d;
}

}  // namespace sluice::postgres
