#include "core/targets.h"

#include <filesystem>
#include <map>

#include "core/driver_spec.h"
#include "core/identifiers.h"
#include "sluice/status.h"

namespace sluice::targets {
namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// Where a connection's tables live: two connection entries naming the same server and
// database (or file, or folder) are one store.
std::string store_of(const ConnectionConfig& c) {
  const DriverSpec* spec = find_driver(c.driver);
  if (spec && spec->url_form == UrlForm::path) {
    if (c.path == ":memory:") return c.driver + "::memory:" + c.name;  // private to its connection
    std::error_code ec;
    auto p = std::filesystem::weakly_canonical(c.path, ec);
    return c.driver + ":" + (ec ? c.path : p.string());
  }
  // A DSN or connection string: the same one is the same store (two different ones may
  // still reach one database, which nothing here can tell).
  if (spec && spec->url_form == UrlForm::own && spec->display) return c.driver + ":" + spec->display(c);
  std::string host = lower(c.host);
  if (host == "localhost" || host == "::1" || host.empty()) host = "127.0.0.1";
  int port = c.port ? c.port : spec ? spec->default_port : 0;
  std::string s = c.driver + "://" + host + ":" + std::to_string(port);
  if (!spec || !spec->schema_is_database) s += "/" + c.database;
  return s;
}

std::string schema_of(const ConnectionConfig& c, const TableRef& t) {
  if (!t.schema.empty()) return t.schema;
  const DriverSpec* spec = find_driver(c.driver);
  if (!spec) return "";
  return spec->schema_is_database ? c.database : spec->default_schema;
}

// One key per table: two keys are equal exactly when they name one table.
std::string table_key(const ConnectionConfig& c, const TableRef& t) {
  const auto& rule = ident::rule_for(c.driver);
  return store_of(c) + "\x1f" + rule.key(schema_of(c, t)) + "\x1f" + rule.key(t.name);
}

std::string where(const ConnectionConfig& c, const TableRef& t) { return t.display() + " in " + c.display(); }

}  // namespace

std::string target_name(const LoadConfig& load, const std::string& name) { return load.lower_identifiers ? lower(name) : name; }

TableRef single_target(const StepConfig& step) {
  TableRef t = TableRef::parse(step.load.table.empty() ? step.extract.table : step.load.table);
  if (t.schema.empty()) t.schema = step.load.schema;
  return {target_name(step.load, t.schema), target_name(step.load, t.name)};
}

TableRef single_source(const StepConfig& step) {
  TableRef t = TableRef::parse(step.extract.table);
  if (t.schema.empty()) t.schema = step.extract.schema;
  return t;
}

std::vector<Problem> check(const std::vector<UnitTables>& units) {
  std::vector<Problem> out;
  std::map<std::string, std::size_t> written;  // table key -> first unit writing it
  std::map<std::string, std::size_t> read;
  for (std::size_t i = 0; i < units.size(); ++i)
    if (units[i].source && !units[i].source_table.name.empty())
      read.emplace(table_key(*units[i].source, units[i].source_table), i);

  for (std::size_t i = 0; i < units.size(); ++i) {
    const auto& u = units[i];
    if (!u.target) continue;
    const auto& rule = ident::rule_for(u.target->driver);
    const std::string subject = "step " + u.unit + ": target ";
    bool named_ok = true;
    if (auto e = ident::check(rule, "table name", u.target_table.name)) { out.push_back({i, subject + *e}); named_ok = false; }
    if (!u.target_table.schema.empty())
      if (auto e = ident::check(rule, "schema name", u.target_table.schema)) { out.push_back({i, subject + *e}); named_ok = false; }
    if (ident::is_reserved(u.target_table.name)) {
      out.push_back({i, subject + "table '" + u.target_table.name + "' is a name sluice keeps for its own tables "
                                  "(sluice_state, sluice_lock, *__sluice_*)"});
      named_ok = false;
    }
    // Room is kept for a shard suffix ("@12/16") that --shard adds to the key.
    constexpr std::size_t kShardSuffix = 12;
    if (rule.state_key_max && u.unit.size() + kShardSuffix > rule.state_key_max) {
      out.push_back({i, "step " + u.unit + ": the step's name" + std::string(u.unit.find('/') != std::string::npos ? " with its table" : "") +
                            " is " + std::to_string(u.unit.size()) + " characters; " + rule.dialect + "'s sluice_state keeps at most " +
                            std::to_string(rule.state_key_max - kShardSuffix)});
      continue;
    }
    if (!named_ok) continue;
    const std::string key = table_key(*u.target, u.target_table);
    if (auto [it, fresh] = written.emplace(key, i); !fresh) {
      const auto& first = units[it->second];
      out.push_back({i, "step " + u.unit + " and step " + first.unit + " both write " + where(*u.target, u.target_table) +
                            (u.target_table.name != first.target_table.name
                                 ? " ('" + first.target_table.name + "' and '" + u.target_table.name + "' are one name there)"
                                 : "") +
                            "; give each its own table"});
      continue;
    }
    if (auto r = read.find(key); r != read.end()) {
      const auto& reader = units[r->second];
      out.push_back({i, "step " + u.unit + " writes " + where(*u.target, u.target_table) + ", which " +
                            (r->second == i ? "it also reads" : "step " + reader.unit + " reads") +
                            " in the same run; load into another table, or run them as separate pipelines"});
    }
  }
  return out;
}

void check_table_names(const std::string& driver, const TableRef& table, const std::vector<std::string>& columns) {
  const auto& rule = ident::rule_for(driver);
  if (auto e = ident::check(rule, "table name", table.name)) throw Error(ErrorClass::config, "target " + *e);
  if (!table.schema.empty())
    if (auto e = ident::check(rule, "schema name", table.schema)) throw Error(ErrorClass::config, "target " + *e);
  if (rule.file_names) return;  // CSV columns are header fields, not names with a limit
  std::map<std::string, std::string> seen;
  for (const auto& c : columns) {
    if (auto e = ident::check(rule, "column name", c))
      throw Error(ErrorClass::config, "target " + table.display() + ": " + *e);
    if (auto [it, fresh] = seen.emplace(rule.key(c), c); !fresh)
      throw Error(ErrorClass::config, "target " + table.display() + ": columns '" + it->second + "' and '" + c +
                                          "' are one name in " + rule.dialect);
  }
}

}  // namespace sluice::targets
