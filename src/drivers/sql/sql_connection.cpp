#include "drivers/sql/sql_connection.h"

#include <set>

#include "drivers/sql/server_lock.h"
#include "drivers/sql/sql_target.h"
#include "drivers/sql/state_table.h"
#include "sluice/status.h"

namespace sluice::sql {

Schema SqlConnection::extracted_schema(const ExtractRequest& req) {
  if (!req.query.empty()) return describe_query(req.query);
  auto full = describe(req.table);
  if (!full) throw Error(ErrorClass::config, "source table " + req.table.display() + " does not exist in " + cfg_.display());
  return full->project(req.columns, req.table);
}

std::unique_ptr<Source> SqlConnection::open_source(const ExtractRequest& req) { return make_source(req, extracted_schema(req)); }

std::string SqlConnection::from_where(const ExtractRequest& req) {
  std::string sql = " FROM " + (req.query.empty() ? dialect().quote_table(req.table) : "(" + req.query + ")" + dialect().subquery_alias());
  if (!req.where.empty()) sql += " WHERE (" + req.where + ")";
  return sql;
}

std::optional<std::vector<std::string>> SqlConnection::canonical_texts(const Schema& columns) {
  const Dialect& d = dialect();
  std::vector<std::string> out;
  for (const auto& c : columns.columns) {
    auto text = d.canonical_text(d.quote(c.name), c.type);
    if (!text) return std::nullopt;
    out.push_back(*text);
  }
  if (!d.row_hash(out)) return std::nullopt;
  return out;
}

std::optional<RangeDigests> SqlConnection::digest(const DigestRequest& req) {
  const Dialect& d = dialect();
  const auto canonical = canonical_texts(extracted_schema(req.extract));
  if (!canonical) return std::nullopt;
  const auto hash = d.row_hash(*canonical);
  const std::string range = req.range_column.empty()
                                ? std::string("0")
                                : d.integer_division(d.quote(req.range_column) + " - " + std::to_string(req.range_base),
                                                     std::to_string(req.range_width));
  const std::string sql = "SELECT sluice_r, COUNT(*), SUM(sluice_h) FROM (SELECT " + range + " AS sluice_r, " + *hash +
                          " AS sluice_h" + from_where(req.extract) + ") sluice_d GROUP BY sluice_r";
  RangeDigests out;
  for (const auto& row : session(false).query(sql, {})) {
    auto r = row[0].empty() ? std::optional<std::int64_t>(kNullRange) : convert::parse_int(row[0]);
    auto rows = convert::parse_int(row[1]);
    auto sum = parse_digest_sum(row[2]);
    if (!r || !rows || !sum) throw Error(ErrorClass::data, "verify: unexpected digest row from " + cfg_.display());
    out[*r] = RangeDigest{*rows, *sum};
  }
  return out;
}

std::optional<KeyBounds> SqlConnection::key_bounds(const ExtractRequest& req, const std::string& column) {
  const std::string q = dialect().quote(column);
  auto rows = session(false).query("SELECT MIN(" + q + "), MAX(" + q + ")" + from_where(req), {});
  if (rows.empty() || rows[0][0].empty()) return std::nullopt;
  auto lo = convert::parse_int(rows[0][0]), hi = convert::parse_int(rows[0][1]);
  if (!lo || !hi) return std::nullopt;
  KeyBounds b{*lo, *hi, 0};
  if (req.query.empty())
    if (auto n = estimate_rows(req.table)) b.rows = *n;
  return b;
}

std::unique_ptr<Sink> SqlConnection::open_sink(const LoadRequest& req) {
  check_swappable(req);
  Session& s = session(true);
  if (!req.table.schema.empty() && req.create != CreateMode::never) {
    const std::string ddl = dialect().create_schema_if_missing(req.table.schema);
    if (!ddl.empty()) s.exec(ddl);
  }
  Schema target = prepare_table(req);
  const bool swapped = prepare_staging(req);
  // Once per step, not per commit: every transaction's checkpoint goes here.
  StateTable(s, dialect()).ensure();
  return make_target(req, target, swapped);
}

void SqlConnection::check_swappable(const LoadRequest& req) {
  if (req.mode != LoadMode::replace && req.create != CreateMode::always) return;
  const auto query = dialect().swap_dependents(req.table);
  if (!query) return;
  std::string found;
  for (const auto& row : session(false).query(query->first, query->second)) found += (found.empty() ? "" : ", ") + row[0];
  // The table's own foreign keys go to its staging copy under their names (see
  // prepare_staging) where the dialect lets two tables hold one name.
  if (!dialect().foreign_key_names_per_table() && !dialect().foreign_keys_in_create() && req.mode == LoadMode::replace)
    for (const auto& fk : describe_objects(req.table).foreign_keys)
      found += (found.empty() ? "" : ", ") + ("its own foreign key " + fk.name + " (" + dialect().names().dialect +
                                              " names foreign keys per database, so the staging copy cannot take it)");
  if (found.empty()) return;
  throw Error(ErrorClass::config, "target " + req.table.display() + " in " + cfg_.display() + ": " +
                                      (req.mode == LoadMode::replace ? "replace swaps in a new table" : "create: always drops and recreates it") +
                                      ", which would leave " + found +
                                      " on the old table; nothing was written (load with mode truncate or upsert and create: if_missing, "
                                      "which keep the table, or drop those objects first)");
}

void SqlConnection::add_columns(const TableRef& table, const std::vector<Column>& columns) {
  // One statement each: a rerun after a kill between two finds the first one there.
  for (const auto& c : columns) session(true).exec(dialect().add_column(table, c.name, dialect().type_sql(c.type)));
}

Schema SqlConnection::prepare_table(const LoadRequest& req) {
  Session& s = session(true);
  auto existing = describe(req.table);
  if (req.create == CreateMode::always && existing && !req.resuming) {
    s.exec("DROP TABLE " + dialect().quote_table(req.table));
    existing.reset();
  }
  if (!existing) {
    if (req.create == CreateMode::never)
      throw Error(ErrorClass::config,
                  "target table " + req.table.display() + " does not exist in " + cfg_.display() + " and create is never");
    const TableDdl ddl = table_ddl(req.table, req.schema, req.key, req.objects);
    s.exec(ddl.create_table);
    for (const auto& statement : ddl.with_table) s.exec(statement);
    existing = describe(req.table);
    if (!existing) throw Error(ErrorClass::internal, "created " + req.table.display() + " but cannot see it");
  }
  return *existing;
}

bool SqlConnection::prepare_staging(const LoadRequest& req) {
  if (req.mode != LoadMode::replace) return false;
  const TableRef staging = SqlTarget::staging_table(dialect(), req.table);
  if (req.resuming) {
    // Resumed rows go on into the staging table an earlier attempt filled. If it is
    // gone, that attempt already swapped it in (DDL-committing dialects) and only the
    // completion mark is missing.
    return dialect().ddl_commits() && !describe(staging).has_value();
  }
  Session& s = session(true);
  s.exec(dialect().drop_table_if_exists(staging));
  if (auto like = dialect().create_like(staging, req.table)) {
    s.exec(*like);
    // CREATE TABLE ... LIKE copies no foreign keys: the staging table gets the live
    // table's, so the table swapped in references what the old one did.
    if (!dialect().foreign_keys_in_create() && dialect().foreign_key_names_per_table())
      for (const auto& fk : describe_objects(req.table).foreign_keys) {
        ForeignKeyDef copy = fk;
        if (copy.references.schema.empty()) copy.references.schema = req.table.schema;
        if (copy.references == req.table) copy.references = staging;  // a self-reference stays one
        s.exec(dialect().add_foreign_key(staging, copy));
      }
  } else {
    copy_definition(staging, req.table);
  }
  return false;
}

TableDdl SqlConnection::table_ddl(const TableRef& table, const Schema& schema, const std::vector<std::string>& key,
                                  const TableObjects& objects) {
  TableDdl ddl;
  ddl.create_table = dialect().create_table(table, schema, key, objects, &ddl.not_migrated);
  if (dialect().partition_clause(objects.partition_by))
    for (const auto& [name, bound] : objects.partitions)
      if (auto statement = dialect().create_partition({table.schema, name}, table, bound)) ddl.with_table.push_back(*statement);
  const auto& pk = key.empty() ? schema.primary_key : key;
  for (const auto& c : schema.columns)
    if (c.identity && dialect().identity_sql(c, pk))
      if (auto reset = dialect().sequence_reset(table, c.name)) ddl.after_load.push_back(*reset);
  for (const auto& index : objects.indexes) ddl.after_load.push_back(dialect().create_index(table, index, schema));
  if (!dialect().foreign_keys_in_create())
    for (const auto& fk : objects.foreign_keys) ddl.after_load.push_back(dialect().add_foreign_key(table, fk));
  return ddl;
}

void SqlConnection::build_objects(const TableRef& table, const Schema& schema, const TableObjects& objects, bool foreign_keys,
                                  const std::function<void(const std::string&)>& built) {
  if (foreign_keys && dialect().foreign_keys_in_create()) return;
  const auto& rule = dialect().names();
  // What the table has, read once (and again only when a statement fails). Index and
  // constraint names are separate name spaces (MySQL names a foreign key's index after it).
  std::set<std::string> present;
  auto read_present = [&] {
    present.clear();
    const TableObjects now = describe_objects(table);
    if (foreign_keys)
      for (const auto& f : now.foreign_keys) present.insert(rule.key(f.name));
    else
      for (const auto& i : now.indexes) present.insert(rule.key(i.name));
  };
  read_present();
  Session& s = session(true);
  auto build = [&](const std::string& name, const std::string& ddl, const std::string& what) {
    if (present.count(rule.key(name))) return;
    try {
      s.exec(ddl);
    } catch (const Error&) {
      // A killed run's statement can outlive its client on the server and finish while
      // this one waits for it: then the object exists, built once.
      read_present();
      if (present.count(rule.key(name))) return;
      throw;
    }
    present.insert(rule.key(name));
    built(what);
  };
  if (!foreign_keys)
    for (const auto& index : objects.indexes)
      build(index.name, dialect().create_index(table, index, schema), (index.unique ? "unique index " : "index ") + index.name);
  else
    for (const auto& fk : objects.foreign_keys) build(fk.name, dialect().add_foreign_key(table, fk), "foreign key " + fk.name);
}

void SqlConnection::copy_definition(const TableRef&, const TableRef& live) {
  throw Error(ErrorClass::internal, dialect().names().dialect + " cannot copy the definition of " + live.display());
}

std::optional<Checkpoint> SqlConnection::read_checkpoint(const std::string& pipeline, const std::string& key) {
  return StateTable(session(false), dialect()).load(pipeline, key);
}

void SqlConnection::write_checkpoint(const std::string& pipeline, const std::string& key, const Checkpoint& cp) {
  Session& s = session(true);
  StateTable state(s, dialect());
  state.ensure();
  s.begin(dialect().begin());
  try {
    state.save(pipeline, key, cp);
    s.commit();
  } catch (...) {
    s.rollback();
    throw;
  }
}

std::unique_ptr<RunLock> SqlConnection::lock_run(const std::string& pipeline, const std::string& holder) {
  return take_session_lock(open_session(), session(false), dialect(), pipeline, holder, cfg_.display());
}

std::vector<StateRow> SqlConnection::read_state(const std::string& pipeline) {
  return StateTable(session(false), dialect()).list(pipeline);
}

void SqlConnection::clear_state(const std::string& pipeline, const std::string& key) {
  StateTable(session(true), dialect()).clear(pipeline, key);
}

}  // namespace sluice::sql
