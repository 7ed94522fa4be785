// The ODBC driver as the config loader and the runner know it: a DSN (url: odbc://DSN,
// odbc://user:password@DSN, odbc://?dsn=NAME&Attribute=value) or a whole
// connection_string:, with user/password fields added as UID/PWD, and an optional
// dialect: key when SQL_DBMS_NAME should not decide.
#include <algorithm>

#include "core/driver_spec.h"
#include "core/redact.h"
#include "sluice/config.h"

namespace sluice::odbc {

std::unique_ptr<Connection> connect(const ConnectionConfig& cfg);

namespace {

const std::vector<std::string> kDialects = {"sqlserver", "oracle", "postgres", "mysql", "mariadb", "sqlite", "ansi"};

// Before a connection is open its server is unknown, so names are checked against the
// strictest limit of the databases sluice has dialects for (PostgreSQL's 63 bytes,
// names folding case): a name that passes is kept whole by every one of them.
const ident::NameRule& names() {
  static const ident::NameRule rule{"ODBC", 63, true, true, false, 190};
  return rule;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A value as a connection string attribute: braced when it holds ; { } or edge spaces.
std::string attribute_value(const std::string& v) {
  if (v.find_first_of(";{}") == std::string::npos && (v.empty() || (v.front() != ' ' && v.back() != ' '))) return v;
  std::string out = "{";
  for (char c : v) out += c == '}' ? std::string("}}") : std::string(1, c);
  return out + "}";
}

// KEY=VALUE;... with {braced} values, keys as written.
std::vector<std::pair<std::string, std::string>> attributes(const std::string& cs) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 0;
  while (i < cs.size()) {
    auto eq = cs.find('=', i);
    if (eq == std::string::npos) break;
    std::string key = cs.substr(i, eq - i);
    key.erase(0, key.find_first_not_of(' '));
    while (!key.empty() && key.back() == ' ') key.pop_back();
    std::string value;
    std::size_t j = eq + 1;
    if (j < cs.size() && cs[j] == '{') {
      for (++j; j < cs.size(); ++j) {
        if (cs[j] == '}') {
          if (j + 1 < cs.size() && cs[j + 1] == '}') { value += '}'; ++j; continue; }
          ++j;
          break;
        }
        value += cs[j];
      }
      auto semi = cs.find(';', j);
      i = semi == std::string::npos ? cs.size() : semi + 1;
    } else {
      auto semi = cs.find(';', j);
      value = cs.substr(j, semi == std::string::npos ? std::string::npos : semi - j);
      i = semi == std::string::npos ? cs.size() : semi + 1;
    }
    out.emplace_back(key, value);
  }
  return out;
}

std::string parse_url(const std::string& rest, ConnectionConfig& c) {
  if (rest.rfind("//", 0) != 0) return "expected odbc://DSN or odbc://?dsn=NAME (or a connection_string: instead of url:)";
  std::string r = rest.substr(2);
  bool ok = true;
  if (auto at = r.rfind('@'); at != std::string::npos) {
    const std::string userinfo = r.substr(0, at);
    r = r.substr(at + 1);
    auto colon = userinfo.find(':');
    c.user = config::percent_decode(userinfo.substr(0, colon), ok);
    if (colon != std::string::npos) c.password = config::percent_decode(userinfo.substr(colon + 1), ok);
    if (!ok) return "bad %-escape in the URL's user name or password (write % as %25)";
    redact::add_secret(c.password);
  }
  std::string query;
  if (auto q = r.find('?'); q != std::string::npos) { query = r.substr(q + 1); r = r.substr(0, q); }
  std::string dsn = config::percent_decode(r, ok);
  if (!ok) return "bad %-escape in the DSN";
  std::string extra;
  for (const auto& [key, value, decoded] : config::query_parameters(query)) {
    if (!decoded) return "bad %-escape in a URL parameter";
    if (lower(key) == "dsn") {
      if (!dsn.empty()) return "the URL names its DSN twice (odbc://DSN and ?dsn=)";
      dsn = value;
      continue;
    }
    if (lower(key) == "pwd" || lower(key) == "password") redact::add_secret(value);
    extra += key + "=" + attribute_value(value) + ";";
  }
  if (dsn.empty() && extra.empty()) return "the URL names no DSN (odbc://DSN or odbc://?dsn=NAME)";
  c.options["dsn"] = dsn;
  c.options["url_attributes"] = extra;
  return {};
}

std::string display(const ConnectionConfig& c) {
  auto dsn = c.options.find("dsn");
  if (dsn != c.options.end() && !dsn->second.empty())
    return "odbc://" + (c.user.empty() ? std::string() : c.user + (c.password.empty() ? "" : ":***") + "@") + dsn->second;
  // A connection string, without its passwords and its UID/PWD added from the fields.
  auto cs = c.options.find("connection_string");
  std::string shown;
  if (cs != c.options.end())
    for (const auto& [k, v] : attributes(cs->second))
      if (lower(k) != "pwd" && lower(k) != "password") shown += (shown.empty() ? "" : ";") + k + "=" + attribute_value(v);
  return "odbc:{" + shown + "}";
}

void validate(ConnectionBlock& block, ConnectionConfig& c) {
  const std::string where = block.where();
  std::string cs;
  const bool from_url = c.options.count("dsn") > 0;
  if (block.has("connection_string")) {
    auto v = block.text("connection_string");
    if (!v) return;
    if (from_url) block.error("connection_string", where + ": give url: or connection_string:, not both");
    cs = *v;
    if (!cs.empty() && cs.back() != ';') cs += ';';
  } else if (from_url) {
    if (!c.options["dsn"].empty()) cs = "DSN=" + attribute_value(c.options["dsn"]) + ";";
    cs += c.options["url_attributes"];
  } else {
    block.error("", where + " (odbc) needs url: odbc://DSN or connection_string: \"Driver=...;Server=...\"");
    return;
  }
  c.options.erase("url_attributes");
  bool has_uid = false, has_pwd = false;
  for (const auto& [key, v] : attributes(cs)) {
    const std::string k = lower(key);
    if (k == "pwd" || k == "password") { has_pwd = true; redact::add_secret(v); }
    if (k == "uid" || k == "user" || k == "user id") has_uid = true;
  }
  if (!c.user.empty()) {
    if (has_uid) block.error("user", where + ": the user is given twice (user and the connection string's UID)");
    else cs += "UID=" + attribute_value(c.user) + ";";
  }
  if (!c.password.empty()) {
    if (has_pwd) block.error("password", where + ": the password is given twice (password and the connection string's PWD)");
    else cs += "PWD=" + attribute_value(c.password) + ";";
  }
  c.options["connection_string"] = cs;
  if (block.has("dialect")) {
    if (auto d = block.text("dialect")) {
      const std::string v = lower(*d) == "postgresql" ? "postgres" : lower(*d);
      if (std::find(kDialects.begin(), kDialects.end(), v) == kDialects.end())
        block.error("dialect", where + ": unknown dialect '" + *d + "' (expected sqlserver, oracle, postgres, mysql, mariadb, sqlite or ansi)");
      else c.options["dialect"] = v;
    }
  }
}

}  // namespace

DriverSpec driver_spec() {
  DriverSpec s;
  s.name = "odbc";
  s.title = "ODBC";
  s.url_schemes = {"odbc"};
  s.url_form = UrlForm::own;
  s.keys = {"connection_string", "dialect", "user", "password", "password_file"};
  s.implied_by_key = "connection_string";
  s.names = &names;
  s.parse_url = parse_url;
  s.display = display;
  s.validate = validate;
  s.connect = connect;
  return s;
}

}  // namespace sluice::odbc
