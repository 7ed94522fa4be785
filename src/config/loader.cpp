// Pipeline file loading: one pass over the YAML that interpolates, type-checks and
// collects every problem with its file:line:column, then cross-checks references.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "config/reader.h"
#include "core/time_zone.h"
#include "core/driver_spec.h"
#include "core/redact.h"
#include "core/targets.h"
#include "sluice/transform.h"
#include "transforms/transform_spec.h"
#include "sluice/config.h"
#include "sluice/value.h"

namespace fs = std::filesystem;

namespace sluice::config {
namespace {

// Bounds that keep validation of a hostile file fast and small.
constexpr int kMaxDepth = 100;
constexpr std::size_t kMaxFileBytes = 4u << 20;

// Flow collections nested deeper than yaml-cpp parses end in DeepRecursion, whose own
// message ("bad file") says neither what nor where: find the line where it happens.
int deep_nesting_line(const std::string& text, int& depth_seen) {
  int depth = 0, line = 1;
  for (char c : text) {
    if (c == '\n') ++line;
    if (c == '[' || c == '{') {
      if (++depth > kMaxDepth) { depth_seen = depth; return line; }
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  depth_seen = depth;
  return 1;
}

// The anchor an undefined alias names: "*name" at the error's position.
std::string alias_at(const std::string& text, const YAML::Mark& m) {
  std::size_t pos = m.pos >= 0 ? static_cast<std::size_t>(m.pos) : 0;
  std::size_t star = text.rfind('*', pos);
  if (star == std::string::npos) return {};
  std::size_t end = star + 1;
  while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != ',' && text[end] != ']' &&
         text[end] != '}')
    ++end;
  return text.substr(star, std::min<std::size_t>(end - star, 80));
}

// Walks the parsed document once: every key must be a name (a null key such as
// `null:` is the name "null"), and nesting stays within kMaxDepth.
void normalise(YAML::Node n, const std::string& file, std::vector<Diagnostic>& errors, int depth) {
  if (depth > kMaxDepth) {
    errors.push_back(make_diagnostic(file, n.Mark().line + 1, "YAML nesting deeper than " + std::to_string(kMaxDepth) + " levels",
                                     n.Mark().column + 1));
    return;
  }
  if (n.IsSequence()) {
    for (auto item : n) normalise(item, file, errors, depth + 1);
  } else if (n.IsMap()) {
    bool null_keys = false;
    for (auto kv : n) {
      if (kv.first.IsNull()) null_keys = true;
      else if (!kv.first.IsScalar())
        errors.push_back(make_diagnostic(file, kv.first.Mark().line + 1,
                                         "a key must be a plain name, got " + std::string(kv.first.IsMap() ? "a mapping" : "a list"),
                                         kv.first.Mark().column + 1));
      normalise(kv.second, file, errors, depth + 1);
    }
    if (null_keys) {
      YAML::Node fixed(YAML::NodeType::Map);
      for (auto kv : n) fixed[kv.first.IsNull() ? YAML::Node("null") : kv.first] = kv.second;
      n = fixed;
    }
  }
}

// Where a second document starts, if the text has one. Never YAML::LoadAll: on some
// malformed input (a lone ',') yaml-cpp 0.7 returns empty documents forever without
// consuming anything, and LoadAll collects them until memory runs out.
std::optional<YAML::Mark> second_document(const std::string& text) {
  struct Starts final : YAML::EventHandler {
    std::vector<YAML::Mark> marks;
    void OnDocumentStart(const YAML::Mark& m) override { marks.push_back(m); }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
  } starts;
  std::istringstream in(text);
  YAML::Parser parser(in);
  if (!parser.HandleNextDocument(starts) || !parser.HandleNextDocument(starts) || starts.marks.size() < 2) return std::nullopt;
  // A "document" that starts where the first did consumed nothing: not a document.
  if (starts.marks[1].pos <= starts.marks[0].pos) return std::nullopt;
  return starts.marks[1];
}

std::optional<YAML::Node> parse_yaml(const std::string& path, std::vector<Diagnostic>& errors,
                                     const SourceLocation& referenced_from) {
  auto refuse = [&](const std::string& msg) {
    errors.push_back(referenced_from.file.empty()
                         ? make_diagnostic(path, 0, msg)
                         : make_diagnostic(referenced_from.file, referenced_from.line, msg, referenced_from.column));
    return std::nullopt;
  };
  std::error_code ec;
  if (fs::is_directory(path, ec)) return refuse(path + " is a folder, not a YAML file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return refuse("cannot read " + path + ": " + std::strerror(errno));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return refuse("cannot read " + path + ": " + std::strerror(errno));
  if (text.size() > kMaxFileBytes)
    return refuse(path + " is " + std::to_string(text.size()) + " bytes; a pipeline file may hold at most " +
                  std::to_string(kMaxFileBytes));
  try {
    YAML::Node doc = YAML::Load(text);
    if (auto second = second_document(text)) {
      // yaml-cpp ends a document early at a stray token (a ',' outside brackets) and
      // starts another there: only a '---' is a second document the user wrote.
      std::size_t at = static_cast<std::size_t>(second->pos);
      bool marker = text.compare(at, 3, "---") == 0;
      std::string msg = marker ? "a second YAML document starts here; a pipeline file holds exactly one (remove the '---')"
                               : std::string("YAML syntax error: unexpected '") + (at < text.size() ? text[at] : '?') + "' here";
      errors.push_back(make_diagnostic(path, second->line + 1, msg, second->column + 1));
      return std::nullopt;
    }
    std::size_t before = errors.size();
    normalise(doc, path, errors, 0);
    if (errors.size() != before) return std::nullopt;
    return doc;
  } catch (const YAML::DeepRecursion&) {
    int depth = 0;
    int line = deep_nesting_line(text, depth);
    errors.push_back(make_diagnostic(path, line, "YAML nesting deeper than " + std::to_string(kMaxDepth) + " levels"));
  } catch (const YAML::ParserException& e) {
    std::string msg = e.msg;
    if (msg.find("anchor is not defined") != std::string::npos) {
      std::string alias = alias_at(text, e.mark);
      msg = "alias " + (alias.empty() ? std::string("here") : "'" + alias + "'") + " refers to an anchor that is not defined (before it, as &" +
            (alias.size() > 1 ? alias.substr(1) : std::string("name")) + ")";
    } else {
      msg = "YAML syntax error: " + msg;
    }
    errors.push_back(make_diagnostic(path, e.mark.line + 1, msg, e.mark.column + 1));
  } catch (const YAML::Exception& e) {
    errors.push_back(make_diagnostic(path, e.mark.is_null() ? 0 : e.mark.line + 1, std::string("YAML error: ") + e.msg));
  }
  return std::nullopt;
}

void read_tls(Reader& r, const YAML::Node& n, TlsConfig& tls, const std::string& where) {
  if (n.IsScalar()) {
    if (auto v = r.one_of(n, where + " tls", {"disable", "prefer", "require", "verify-ca", "verify-full"}))
      tls.mode = *parse_tls_mode(*v);
    return;
  }
  if (!r.is_map(n, where + " tls")) return;
  r.check_keys(n, {"mode", "ca", "cert", "key"}, where + " tls");
  if (n["mode"])
    if (auto v = r.one_of(n["mode"], "tls mode", {"disable", "prefer", "require", "verify-ca", "verify-full"}))
      tls.mode = *parse_tls_mode(*v);
  if (n["ca"]) if (auto v = r.nonempty(n["ca"], "tls ca")) tls.ca = r.path(*v);
  if (n["cert"]) if (auto v = r.nonempty(n["cert"], "tls cert")) tls.cert = r.path(*v);
  if (n["key"]) if (auto v = r.nonempty(n["key"], "tls key")) tls.key = r.path(*v);
  if ((tls.mode == TlsMode::verify_ca || tls.mode == TlsMode::verify_full) && tls.ca.empty())
    r.error(n, where + " tls mode " + (tls.mode == TlsMode::verify_ca ? "verify-ca" : "verify-full") +
                   " needs ca: the CA certificate file to verify the server with");
  if (tls.cert.empty() != tls.key.empty()) r.error(n, where + " tls: cert and key go together");
}

// Keys every connection has; the rest are accepted per driver (its spec's keys).
const std::vector<std::string> kCommonKeys = {"url", "driver", "connect_timeout", "encoding", "timezone"};

std::vector<std::string> driver_names() {
  std::vector<std::string> out;
  for (const auto& d : driver_specs()) out.push_back(d.name);
  return out;
}

// Every key some driver accepts: an unknown key is one no driver has (did-you-mean
// over all of them); a known key of another driver "does not apply".
std::vector<std::string> connection_keys() {
  std::vector<std::string> out = kCommonKeys;
  for (const auto& d : driver_specs())
    for (const auto& k : d.keys)
      if (std::find(out.begin(), out.end(), k) == out.end()) out.push_back(k);
  return out;
}

// A connection block as a driver's spec sees it.
class Block final : public ConnectionBlock {
 public:
  Block(Reader& r, const YAML::Node& n, std::string where) : r_(r), n_(n), where_(std::move(where)) {}
  bool has(const std::string& key) const override { return static_cast<bool>(n_[key]); }
  std::optional<std::string> text(const std::string& key) override {
    if (!n_[key]) return std::nullopt;
    return r_.scalar(n_[key], where_ + " " + key);
  }
  void error(const std::string& key, const std::string& message) override {
    if (!key.empty() && n_[key]) r_.error(n_[key], message);
    else r_.error(n_, message);
  }
  const std::string& where() const override { return where_; }

 private:
  Reader& r_;
  const YAML::Node& n_;
  std::string where_;
};

void read_password_file(Reader& r, const YAML::Node& n, ConnectionConfig& c, const std::string& where) {
  if (n["password"]) r.error(n["password_file"], where + ": give password or password_file, not both");
  auto v = r.nonempty(n["password_file"], where + " password_file");
  if (!v) return;
  std::error_code ec;
  const std::string file = r.path(*v);
  std::ifstream in;
  if (fs::is_directory(file, ec)) r.error(n["password_file"], where + ": password_file " + file + " is a folder, not a file");
  else if (in.open(file), !in) r.error(n["password_file"], where + ": cannot read password_file " + file + ": " + std::strerror(errno));
  else if (!std::getline(in, c.password) && in.bad())
    r.error(n["password_file"], where + ": cannot read password_file " + file);
  else if (!c.password.empty() && c.password.back() == '\r') c.password.pop_back();
}

// The keys with one meaning for every driver that accepts them.
void read_shared_keys(Reader& r, const YAML::Node& n, ConnectionConfig& c, const std::string& where) {
  if (n["host"]) if (auto v = r.nonempty(n["host"], where + " host")) c.host = *v;
  if (n["port"]) if (auto v = r.integer(n["port"], where + " port", 1, 65535)) c.port = static_cast<int>(*v);
  if (n["database"]) if (auto v = r.nonempty(n["database"], where + " database")) c.database = *v;
  if (n["user"]) if (auto v = r.nonempty(n["user"], where + " user")) c.user = *v;
  if (n["password"]) if (auto v = r.scalar(n["password"], where + " password")) c.password = *v;
  if (n["password_file"]) read_password_file(r, n, c, where);
  if (n["path"]) if (auto v = r.nonempty(n["path"], where + " path")) c.path = *v == ":memory:" ? *v : r.path(*v);
  if (n["tls"]) read_tls(r, n["tls"], c.tls, where);
}

void read_common_keys(Reader& r, const YAML::Node& n, ConnectionConfig& c, const std::string& where) {
  if (n["connect_timeout"]) if (auto d = r.duration(n["connect_timeout"], where + " connect_timeout")) c.connect_timeout = *d;
  if (n["encoding"]) if (auto v = r.one_of(n["encoding"], where + " encoding", {"utf8", "latin1", "cp1252"})) c.encoding = *v;
  if (n["timezone"]) {
    // Its naive date-times are wall-clock times there (core/time_zone.h): an unknown name
    // would shift them all, so it is a file error.
    if (auto v = r.nonempty(n["timezone"], where + " timezone")) {
      c.timezone = *v;
      if (!TimeZone::known(*v)) r.error(n["timezone"], where + ": " + TimeZone::unknown(Reader::quoted(n["timezone"])));
    }
  }
}

// The driver, from url: and/or driver:.
const DriverSpec* read_driver(Reader& r, const YAML::Node& n, ConnectionConfig& c, const std::string& where) {
  if (n["url"]) {
    if (auto url = r.nonempty(n["url"], where + " url")) {
      std::string err = apply_url(*url, r.base_dir(), c);
      if (!err.empty()) r.error(n["url"], where + " url: " + err);
    }
  }
  if (n["driver"]) {
    if (auto d = r.one_of(n["driver"], where + " driver", driver_names())) {
      if (!c.driver.empty() && c.driver != *d) r.error(n["driver"], where + ": driver " + *d + " contradicts the url's " + c.driver);
      c.driver = *d;
    }
  }
  if (!n["url"] && !n["driver"]) {
    for (const auto& spec : driver_specs())
      if (!spec.implied_by_key.empty() && n[spec.implied_by_key]) c.driver = spec.name;
    if (c.driver.empty()) r.error(n, where + " needs url: or driver: (" + Reader::join(driver_names()) + ")");
  }
  return find_driver(c.driver);
}

ConnectionConfig read_connection(Reader& r, const std::string& name, const YAML::Node& n) {
  ConnectionConfig c;
  c.name = name;
  c.location = r.at(n);
  std::string where = "connection '" + name + "'";
  if (!r.is_map(n, where)) return c;
  r.check_keys(n, connection_keys(), where);
  const DriverSpec* spec = read_driver(r, n, c, where);
  if (!spec) return c;
  const auto accepted = [&](const std::string& k) {
    return std::find(kCommonKeys.begin(), kCommonKeys.end(), k) != kCommonKeys.end() ||
           std::find(spec->keys.begin(), spec->keys.end(), k) != spec->keys.end();
  };
  const auto known = connection_keys();
  for (const auto& kv : n) {
    const std::string k = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    if (!accepted(k) && std::find(known.begin(), known.end(), k) != known.end())
      r.error(kv.first, where + ": " + k + " does not apply to a " + c.driver + " connection");
  }
  read_shared_keys(r, n, c, where);
  read_common_keys(r, n, c, where);
  for (const auto* field : {&c.host, &c.database, &c.user, &c.password, &c.path})
    if (field->find('\0') != std::string::npos) {
      r.error(n, where + ": a " + (field == &c.password ? "password" : field == &c.user ? "user" : field == &c.host ? "host" : field == &c.database ? "database" : "path") +
                     " holding a NUL byte is accepted by no database");
      break;
    }
  redact::add_secret(c.password);
  Block block(r, n, where);
  if (spec->validate) spec->validate(block, c);
  return c;
}

void read_connections(Reader& r, const YAML::Node& n, Pipeline& p) {
  if (!r.is_map(n, "connections")) return;
  for (const auto& kv : n) {
    std::string name = kv.first.Scalar();
    if (name.empty()) {
      r.error(kv.first, "a connection needs a name (got an empty key)");
      continue;
    }
    if (p.connections.count(name)) {
      r.error(kv.first, "connection '" + name + "' is defined twice");
      continue;
    }
    p.connections[name] = read_connection(r, name, kv.second);
  }
}

void read_settings(Reader& r, const YAML::Node& n, LoadSettings& s, const std::string& where) {
  if (n["batch_size"]) if (auto v = r.integer(n["batch_size"], where + " batch_size", 1, 1000000)) s.batch_size = static_cast<int>(*v);
  if (n["commit_every"]) if (auto v = r.integer(n["commit_every"], where + " commit_every", 1, 1000000)) s.commit_every = static_cast<int>(*v);
  if (auto rn = n["retry"]) {
    if (r.is_map(rn, where + " retry")) {
      r.check_keys(rn, {"attempts", "initial_backoff", "max_backoff"}, where + " retry");
      if (rn["attempts"]) if (auto v = r.integer(rn["attempts"], "retry attempts", 1, 1000)) s.retry.attempts = static_cast<int>(*v);
      if (rn["initial_backoff"]) if (auto v = r.duration(rn["initial_backoff"], "retry initial_backoff")) s.retry.initial_backoff = *v;
      if (rn["max_backoff"]) if (auto v = r.duration(rn["max_backoff"], "retry max_backoff")) s.retry.max_backoff = *v;
      if (s.retry.max_backoff < s.retry.initial_backoff)
        r.error(rn, where + " retry: max_backoff is shorter than initial_backoff");
    }
  }
  if (n["on_error"]) if (auto v = r.one_of(n["on_error"], where + " on_error", {"abort", "reject"})) s.on_error = *v == "abort" ? OnError::abort : OnError::reject;
  if (n["max_rejects"]) if (auto v = r.integer(n["max_rejects"], where + " max_rejects", 0, 1LL << 62)) s.max_rejects = *v;
  if (n["reject_file"]) if (auto v = r.nonempty(n["reject_file"], where + " reject_file")) s.reject_file = *v;
  if (n["on_invalid_text"])
    if (auto v = r.one_of(n["on_invalid_text"], where + " on_invalid_text", {"reject", "replace", "strip"}))
      s.on_invalid_text = *v == "reject" ? OnInvalidText::reject : *v == "replace" ? OnInvalidText::replace : OnInvalidText::strip;
}

const std::vector<std::string> kSettingKeys = {"batch_size", "commit_every", "retry", "on_error",
                                               "max_rejects", "reject_file", "on_invalid_text"};


TransformConfig read_transform(Reader& r, const YAML::Node& n) {
  TransformConfig t{};
  t.location = r.at(n);
  std::vector<std::string> kinds;
  for (const auto& spec : transforms::transform_specs()) kinds.push_back(spec.kind);
  // One kind, and optionally the tables it is for: {drop: [location], tables: ["stores"]}.
  const bool for_tables = n.IsMap() && n["tables"];
  if (!n.IsMap() || n.size() != (for_tables ? 2u : 1u)) {
    r.error(n, "a transform must be a mapping with exactly one of: " + Reader::join(kinds) + " (and optionally tables:)");
    return t;
  }
  if (for_tables) {
    t.tables = r.names(n["tables"], "transform tables");
    if (t.tables.empty()) r.error(n["tables"], "transform tables: needs at least one table name or pattern");
  }
  YAML::const_iterator it = n.begin();
  if (it->first.IsScalar() && it->first.Scalar() == "tables") ++it;
  auto kv = *it;
  if (!kv.first.IsScalar()) {
    r.error(kv.first, "a transform's kind must be a name");
    return t;
  }
  const std::string k = kv.first.Scalar();
  if (const auto* spec = transforms::find_transform(k)) {
    t.kind = spec->id;
    spec->read(r, kv.second, t);
    return t;
  }
  std::string msg = "unknown transform '" + k + "'";
  if (auto s = did_you_mean(k, kinds)) msg += "; did you mean '" + *s + "'?";
  else msg += " (expected one of: " + Reader::join(kinds) + ")";
  r.error(kv.first, msg);
  return t;
}

// objects: false (columns only), or a map turning parts off: {indexes: false, ...}.
void read_objects(Reader& r, const YAML::Node& n, LoadConfig::Objects& o, const std::string& where) {
  const std::vector<std::pair<std::string, bool*>> parts = {{"indexes", &o.indexes}, {"foreign_keys", &o.foreign_keys},
                                                            {"defaults", &o.defaults}, {"identity", &o.identity}, {"checks", &o.checks}};
  if (n.IsScalar()) {
    if (auto v = r.one_of(n, where, {"true", "false"}))
      for (auto& [_, flag] : parts) *flag = *v == "true";
    return;
  }
  if (!r.is_map(n, where)) return;
  std::vector<std::string> keys;
  for (const auto& [k, _] : parts) keys.push_back(k);
  r.check_keys(n, keys, where);
  for (auto& [k, flag] : parts)
    if (n[k])
      if (auto v = r.one_of(n[k], where + " " + k, {"true", "false"})) *flag = *v == "true";
}

StepConfig read_step(Reader& r, const YAML::Node& n, const Pipeline& p, std::size_t index) {
  StepConfig s;
  s.location = r.at(n);
  std::string where = "step " + std::to_string(index + 1);
  if (!r.is_map(n, where)) return s;
  r.check_keys(n, {"name", "extract", "transform", "load", "parallel"}, where);
  if (!n["name"]) r.error(n, where + " needs a name");
  else if (auto v = r.nonempty(n["name"], where + " name")) {
    s.name = *v;
    // Messages name a step as written: a name filled from ${VAR} shows the reference,
    // not the variable's value.
    where = "step " + Reader::quoted(n["name"]);
    // '/' and '@' separate a step from its tables and shards in checkpoint keys.
    if (s.name.find_first_of("/@") != std::string::npos)
      r.error(n["name"], "step name " + Reader::quoted(n["name"]) + " may not hold '/' or '@' (they separate tables and shards in checkpoints)");
  }
  s.load.settings = p.defaults;
  if (n["parallel"])
    if (auto v = r.integer(n["parallel"], where + " parallel", 1, 64)) s.parallel = static_cast<int>(*v);

  // extract
  if (!n["extract"]) {
    r.error(n, where + " needs extract:");
  } else if (const YAML::Node e = n["extract"]; r.is_map(e, where + " extract")) {
    auto& x = s.extract;
    x.location = r.at(e);
    r.check_keys(e, {"from", "schema", "table", "query", "tables", "columns", "where", "order_by", "incremental"}, where + " extract");
    if (!e["from"]) r.error(e, where + " extract needs from: (a connection name)");
    else if (auto v = r.nonempty(e["from"], "extract from")) x.from = *v;
    if (e["table"]) if (auto v = r.nonempty(e["table"], "extract table")) x.table = *v;
    if (e["schema"]) if (auto v = r.nonempty(e["schema"], "extract schema")) x.schema = *v;
    if (e["schema"] && e["query"]) r.error(e["schema"], where + ": schema: applies to table: or tables:, not to a query");
    if (e["query"]) if (auto v = r.nonempty(e["query"], "extract query")) x.query = *v;
    if (auto t = e["tables"]) {
      TablePatterns tp;
      if (r.is_map(t, "extract tables")) {
        r.check_keys(t, {"include", "exclude"}, "extract tables");
        tp.include = t["include"] ? r.names(t["include"], "tables include") : std::vector<std::string>{"*"};
        if (t["exclude"]) tp.exclude = r.names(t["exclude"], "tables exclude");
      }
      x.tables = tp;
    }
    int sources = !!e["table"] + !!e["query"] + !!e["tables"];
    if (sources != 1)
      r.error(e, where + " extract needs exactly one of table:, query: or tables:" +
                     (sources ? std::string(" (got ") + std::to_string(sources) + ")" : std::string()));
    if (e["columns"]) x.columns = r.names(e["columns"], "extract columns");
    if (e["where"]) if (auto v = r.nonempty(e["where"], "extract where")) x.where = *v;
    if (e["order_by"]) x.order_by = r.names(e["order_by"], "extract order_by");
    if (auto inc = e["incremental"]) {
      if (r.is_map(inc, "extract incremental")) {
        r.check_keys(inc, {"cursor"}, "extract incremental");
        if (!inc["cursor"]) r.error(inc, "incremental needs cursor: (a column)");
        else if (auto v = r.nonempty(inc["cursor"], "incremental cursor")) x.incremental_cursor = *v;
      }
    }
    if (e["query"] && x.order_by.empty())
      r.error(e["query"], where + ": an extract query needs order_by: (the key its rows come ordered by, "
                                  "so that an interrupted run can resume)");
    if (e["query"] && (e["columns"] || e["where"]))
      r.error(e["query"], where + ": columns: and where: apply to table:, not to a query (write them into the query)");
    if (e["tables"] && (e["columns"] || e["order_by"] || e["where"] || e["incremental"]))
      r.error(e["tables"], where + ": columns, where, order_by and incremental apply to one table, not to tables:");
    if (!x.from.empty() && !p.connections.count(x.from)) {
      std::vector<std::string> names;
      for (const auto& [k, _] : p.connections) names.push_back(k);
      std::string msg = where + " extract from: no connection named '" + x.from + "'";
      if (auto sug = did_you_mean(x.from, names)) msg += "; did you mean '" + *sug + "'?";
      r.error(e["from"], msg);
    }
  }

  if (auto tn = n["transform"]) {
    if (!tn.IsSequence()) r.error(tn, where + " transform must be a list of transforms");
    else
      for (const auto& item : tn) {
      s.transforms.push_back(read_transform(r, item));
      // Lua code is compiled now (not run), so a syntax error is found by validate.
      if (auto problem = check_transform_code(s.transforms.back())) r.error(item, where + ": " + *problem);
    }
  }

  if (!n["load"]) {
    r.error(n, where + " needs load:");
  } else if (const YAML::Node l = n["load"]; r.is_map(l, where + " load")) {
    auto& ld = s.load;
    ld.location = r.at(l);
    std::vector<std::string> keys = {"to", "table", "schema", "mode", "key", "create", "identifiers", "objects", "partitions",
                                     "on_schema_change"};
    keys.insert(keys.end(), kSettingKeys.begin(), kSettingKeys.end());
    r.check_keys(l, keys, where + " load");
    if (!l["to"]) r.error(l, where + " load needs to: (a connection name)");
    else if (auto v = r.nonempty(l["to"], "load to")) ld.to = *v;
    if (l["table"]) if (auto v = r.nonempty(l["table"], "load table")) ld.table = *v;
    if (l["schema"]) if (auto v = r.nonempty(l["schema"], "load schema")) ld.schema = *v;
    if (l["mode"])
      if (auto v = r.one_of(l["mode"], "load mode", {"append", "truncate", "replace", "upsert"}))
        ld.mode = *v == "append" ? LoadMode::append : *v == "truncate" ? LoadMode::truncate
                : *v == "replace" ? LoadMode::replace : LoadMode::upsert;
    if (l["key"]) ld.key = r.names(l["key"], "load key");
    if (l["create"])
      if (auto v = r.one_of(l["create"], "load create", {"if_missing", "never", "always"}))
        ld.create = *v == "if_missing" ? CreateMode::if_missing : *v == "never" ? CreateMode::never : CreateMode::always;
    if (l["identifiers"])
      if (auto v = r.one_of(l["identifiers"], "load identifiers", {"keep", "lower"})) ld.lower_identifiers = *v == "lower";
    if (l["objects"]) read_objects(r, l["objects"], ld.objects, where + " load objects");
    if (l["partitions"])
      if (auto v = r.one_of(l["partitions"], "load partitions", {"merge", "keep"})) ld.keep_partitions = *v == "keep";
    if (ld.keep_partitions && ld.mode == LoadMode::replace)
      r.error(l["partitions"], where + ": partitions: keep works with append, truncate and upsert (replace swaps in a plain table)");
    if (l["on_schema_change"])
      if (auto v = r.one_of(l["on_schema_change"], "load on_schema_change", {"fail", "add_columns", "ignore"}))
        ld.on_schema_change = *v == "fail" ? OnSchemaChange::fail : *v == "add_columns" ? OnSchemaChange::add_columns : OnSchemaChange::ignore;
    read_settings(r, l, ld.settings, where + " load");
    if (!ld.to.empty() && !p.connections.count(ld.to)) {
      std::vector<std::string> names;
      for (const auto& [k, _] : p.connections) names.push_back(k);
      std::string msg = where + " load to: no connection named '" + ld.to + "'";
      if (auto sug = did_you_mean(ld.to, names)) msg += "; did you mean '" + *sug + "'?";
      r.error(l["to"], msg);
    }
    if (s.extract.tables && l["table"]) r.error(l["table"], where + ": a whole-database copy loads each table under its own name; use schema: instead of table:");
    if (!s.extract.query.empty() && ld.table.empty()) r.error(l, where + ": a query extract needs load table:");
    if (ld.mode == LoadMode::upsert && ld.key.empty() && !s.extract.query.empty())
      r.error(l, where + ": upsert of a query needs key: (there is no primary key to default to)");
    if (!s.extract.incremental_cursor.empty() && (ld.mode == LoadMode::replace || ld.mode == LoadMode::truncate))
      r.error(l["mode"] ? l["mode"] : l, where + ": incremental loads work with append or upsert, not " + to_string(ld.mode));
    if (ld.table.empty() && !s.extract.table.empty()) ld.table = s.extract.table;
  }
  return s;
}

// Schemas a target cannot have or that contradict each other.
void check_step_schemas(Reader& r, const Pipeline& p) {
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const auto& st = p.steps[i];
    const auto& to = p.connections.at(st.load.to);
    const auto& from = p.connections.at(st.extract.from);
    const auto schemas = [](const ConnectionConfig& c) { const DriverSpec* d = find_driver(c.driver); return !d || d->can.schemas; };
    if (!st.extract.schema.empty() && !schemas(from))
      r.error(st.extract.location, "step '" + st.name + "': extract schema: does not apply to a " + from.driver + " source (it has no schemas)");
    if (!st.load.schema.empty() && !schemas(to))
      r.error(st.load.location, "step '" + st.name + "': load schema: does not apply to a " + to.driver + " target (it has no schemas)");
    if (st.extract.tables) continue;
    TableRef target = targets::single_target(st);
    TableRef named = TableRef::parse(st.load.table);
    if (!st.load.schema.empty() && !named.schema.empty() && named.schema != st.load.schema)
      r.error(st.load.location, "step '" + st.name + "': load table " + st.load.table + " is in schema " + named.schema +
                                    ", but load schema: says " + st.load.schema + "; give the schema once");
    if (!target.schema.empty() && !schemas(to) && st.load.schema.empty())
      r.error(st.load.location, "step '" + st.name + "': load table " + st.load.table + " names a schema, which a " + to.driver +
                                    " target does not have");
  }
}

Pipeline load_pipeline_file(const std::string& path, const Environment& env);
}  // namespace

Pipeline load_pipeline(const std::string& path, const Environment& env) {
  try {
    return load_pipeline_file(path, env);
  } catch (const ConfigErrors&) {
    throw;
  } catch (const std::exception& e) {
    // A shape of file the checks above did not foresee: still a pipeline-file error.
    throw ConfigErrors({make_diagnostic(path, 0, std::string("cannot read the pipeline: ") + redact::url_userinfo(e.what()))});
  }
}

namespace {
Pipeline load_pipeline_file(const std::string& path, const Environment& env) {
  std::vector<Diagnostic> errors;
  Pipeline p;
  p.file = fs::absolute(path).lexically_normal().string();
  p.base_dir = fs::path(p.file).parent_path().string();
  auto root = parse_yaml(path, errors, {});
  if (!root) throw ConfigErrors(std::move(errors));
  Reader r(path, env, p.base_dir);
  r.share_errors(&errors);
  const YAML::Node& doc = *root;
  if (!doc.IsMap()) {
    r.error(doc, "a pipeline file must be a mapping with version, name, connections and steps, got " + Reader::kind(doc));
    throw ConfigErrors(std::move(errors));
  }
  r.check_keys(doc, {"version", "name", "connections", "connections_file", "defaults", "verify", "steps"}, "the pipeline");
  if (auto v = doc["verify"]) {
    if (r.is_map(v, "verify")) {
      r.check_keys(v, {"float_tolerance", "max_differences", "checksums"}, "verify");
      if (v["checksums"])
        if (auto c = r.one_of(v["checksums"], "verify checksums", {"true", "false"})) p.verify.checksums = *c == "true";
      if (v["float_tolerance"]) {
        if (auto t = r.scalar(v["float_tolerance"], "verify float_tolerance")) {
          auto d = convert::parse_double(*t);
          if (!d || *d < 0) r.error(v["float_tolerance"], "verify float_tolerance must be a number >= 0, got " + Reader::quoted(v["float_tolerance"]));
          else p.verify.float_tolerance = *d;
        }
      }
      if (v["max_differences"])
        if (auto n = r.integer(v["max_differences"], "verify max_differences", 1, 1000000)) p.verify.max_differences = static_cast<int>(*n);
    }
  }
  if (!doc["version"]) r.error(doc, "missing version: (write version: 1)");
  else if (auto v = r.integer(doc["version"], "version", 1, 1)) p.version = static_cast<int>(*v);
  if (!doc["name"]) {
    r.error(doc, "missing name: (it identifies the pipeline in state, locks and logs)");
  } else if (auto v = r.nonempty(doc["name"], "name")) {
    p.name = *v;
    if (p.name.size() > 128) r.error(doc["name"], "name is " + std::to_string(p.name.size()) + " characters; at most 128");
    for (char c : p.name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
        r.error(doc["name"], "name " + Reader::quoted(doc["name"]) + " may hold only letters, digits, '-', '_' and '.'");
        break;
      }
  }
  if (doc["connections"]) read_connections(r, doc["connections"], p);
  if (auto cf = doc["connections_file"]) {
    if (auto v = r.nonempty(cf, "connections_file")) {
      std::string cpath = r.path(*v);
      if (auto cdoc = parse_yaml(cpath, errors, r.at(cf))) {
        Reader cr(cpath, env, fs::path(cpath).parent_path().string());
        cr.share_errors(&errors);
        YAML::Node cn = *cdoc;
        if (cn.IsMap() && cn["connections"]) {
          cr.check_keys(cn, {"connections"}, "the connections file");
          cn = cn["connections"];
        }
        std::map<std::string, ConnectionConfig> inline_conns = p.connections;
        p.connections.clear();
        read_connections(cr, cn, p);
        // Connections written in the pipeline itself win over shared profiles.
        for (auto& [k, c] : inline_conns) p.connections[k] = c;
      }
    }
  }
  if (!doc["connections"] && !doc["connections_file"]) r.error(doc, "missing connections: (or connections_file:)");
  if (auto d = doc["defaults"]) {
    if (r.is_map(d, "defaults")) {
      r.check_keys(d, kSettingKeys, "defaults");
      read_settings(r, d, p.defaults, "defaults");
    }
  }
  if (!doc["steps"]) {
    r.error(doc, "missing steps: (a list of extract/transform/load steps)");
  } else if (!doc["steps"].IsSequence() || doc["steps"].size() == 0) {
    r.error(doc["steps"], "steps must be a non-empty list");
  } else {
    std::set<std::string> names;
    std::size_t i = 0;
    for (const auto& sn : doc["steps"]) {
      StepConfig s = read_step(r, sn, p, i++);
      if (!s.name.empty() && !names.insert(s.name).second)
        r.error(sn["name"], "step name " + Reader::quoted(sn["name"]) + " is used twice");
      p.steps.push_back(std::move(s));
    }
  }
  // What a driver cannot do, known before anything connects.
  for (std::size_t i = 0; i < p.steps.size() && doc["steps"].IsSequence(); ++i) {
    const auto& st = p.steps[i];
    const YAML::Node sn = doc["steps"][i];
    if (!sn.IsMap()) continue;
    auto from = p.connections.find(st.extract.from);
    auto to = p.connections.find(st.load.to);
    const DriverSpec* source = from != p.connections.end() ? find_driver(from->second.driver) : nullptr;
    const DriverSpec* target = to != p.connections.end() ? find_driver(to->second.driver) : nullptr;
    if (source && !source->can.query && sn["extract"] && sn["extract"].IsMap()) {
      if (!st.extract.query.empty())
        r.error(sn["extract"]["query"], "step '" + st.name + "': a " + source->title + " connection has no query language; use table:");
      if (!st.extract.where.empty())
        r.error(sn["extract"]["where"], "step '" + st.name + "': a " + source->title + " connection cannot apply where: (use a filter transform)");
    }
    if (target && !target->can.upsert && st.load.mode == LoadMode::upsert && sn["load"] && sn["load"].IsMap())
      r.error(sn["load"]["mode"] ? sn["load"]["mode"] : sn["load"],
              "step '" + st.name + "': a " + target->title + " target supports append, truncate and replace, not upsert");
  }
  if (errors.empty()) check_step_schemas(r, p);
  if (!errors.empty()) throw ConfigErrors(std::move(errors));
  return p;
}
}  // namespace

std::vector<Diagnostic> check_targets(const Pipeline& p, const std::vector<std::string>& steps) {
  std::vector<targets::UnitTables> units;
  for (std::size_t i = 0; i < p.steps.size(); ++i) {
    const auto& st = p.steps[i];
    if (!steps.empty() && std::find(steps.begin(), steps.end(), st.name) == steps.end()) continue;
    if (st.extract.tables) continue;  // its tables are known once run or plan lists them
    units.push_back({st.name, st.extract.query.empty() ? &p.connections.at(st.extract.from) : nullptr,
                     targets::single_source(st), &p.connections.at(st.load.to), targets::single_target(st), i});
  }
  std::vector<Diagnostic> out;
  for (const auto& problem : targets::check(units)) {
    const auto& at = p.steps[units[problem.index].step_index].load.location;
    out.push_back(make_diagnostic(at.file, at.line, problem.message, at.column));
  }
  return out;
}

}  // namespace sluice::config
