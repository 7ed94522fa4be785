#include <filesystem>

#include "core/driver_spec.h"
#include "core/redact.h"
#include "sluice/config.h"

namespace sluice::config {
std::string percent_decode(const std::string& s, bool& ok) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
          !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
        ok = false;
        return {};
      }
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<QueryParameter> query_parameters(const std::string& query) {
  std::vector<QueryParameter> out;
  std::size_t start = 0;
  while (start < query.size()) {
    auto amp = query.find('&', start);
    std::string kv = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    start = amp == std::string::npos ? query.size() : amp + 1;
    if (kv.empty()) continue;
    auto eq = kv.find('=');
    bool ok = true;
    QueryParameter p;
    p.key = percent_decode(kv.substr(0, eq), ok);
    if (!ok) p.key = kv.substr(0, eq);
    if (eq != std::string::npos) p.value = percent_decode(kv.substr(eq + 1), ok);
    p.decoded = ok;
    out.push_back(std::move(p));
  }
  return out;
}

namespace {

// A piece of the URL for a message, only when it cannot be (part of) a password: a
// short plain word. Errors about the rest name the part, not its text.
std::string shown(const std::string& piece) {
  if (piece.empty() || piece.size() > 16) return {};
  for (char c : piece)
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != '_') return {};
  return " '" + piece + "'";
}

std::string resolve(const std::string& path, const std::string& base_dir) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return p.lexically_normal().string();
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

}  // namespace

std::optional<TlsMode> parse_tls_mode(const std::string& s) {
  if (s == "disable" || s == "disabled") return TlsMode::disable;
  if (s == "prefer" || s == "preferred" || s == "allow") return TlsMode::prefer;
  if (s == "require" || s == "required") return TlsMode::require;
  if (s == "verify-ca" || s == "verify_ca") return TlsMode::verify_ca;
  if (s == "verify-full" || s == "verify_identity" || s == "verify-identity") return TlsMode::verify_full;
  return std::nullopt;
}

std::string apply_url(const std::string& url, const std::string& base_dir, ConnectionConfig& out) {
  auto colon = url.find(':');
  if (colon == std::string::npos || colon == 0)
    return "expected a URL such as postgres://user@host/db, mysql://..., sqlite:path.db or csv://folder";
  std::string scheme = url.substr(0, colon);
  for (auto& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string rest = url.substr(colon + 1);

  const DriverSpec* spec = driver_for_scheme(scheme);
  if (!spec) {
    std::string known;
    const auto& all = driver_specs();
    std::vector<std::string> schemes;
    for (const auto& d : all) schemes.insert(schemes.end(), d.url_schemes.begin(), d.url_schemes.end());
    for (std::size_t i = 0; i < schemes.size(); ++i)
      known += (i == 0 ? "" : i + 1 == schemes.size() ? " or " : ", ") + schemes[i];
    return "unknown URL scheme" + shown(scheme) + ": expected " + known;
  }
  out.driver = spec->name;

  if (spec->url_form == UrlForm::own) return spec->parse_url(rest, out);
  if (spec->url_form == UrlForm::path) {
    if (rest == ":memory:") { out.path = ":memory:"; return {}; }
    std::string path = rest;
    if (path.rfind("//", 0) == 0) path = path.substr(2);  // "//" + "/abs" or "//./rel"
    if (path.empty()) return "the " + scheme + " URL has no path";
    bool ok = true;
    path = percent_decode(path, ok);
    if (!ok) return "bad %-escape in the URL path";
    out.path = resolve(path, base_dir);
    return {};
  }

  if (rest.rfind("//", 0) != 0) return "expected " + scheme + "://host/database";
  rest = rest.substr(2);
  bool ok = true;
  // The userinfo runs to the last '@': a password holding an unescaped '/', '?', '#' or
  // '@' still parses, and no part of it can end up in the host, port, path or query
  // (whose errors quote them).
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    auto c = userinfo.find(':');
    out.user = percent_decode(userinfo.substr(0, c), ok);
    if (!ok) return "bad %-escape in the URL's user name";
    if (c != std::string::npos) out.password = percent_decode(userinfo.substr(c + 1), ok);
    if (!ok) return "bad %-escape in the URL's password (write % as %25)";
    if (out.password.find('\0') != std::string::npos) return "the URL's password holds a NUL byte (%00), which no database accepts";
    if (out.user.find('\0') != std::string::npos) return "the URL's user name holds a NUL byte (%00)";
    redact::add_secret(out.password);
  }
  std::string query;
  if (auto q = rest.find('?'); q != std::string::npos) { query = rest.substr(q + 1); rest = rest.substr(0, q); }
  std::string path;
  if (auto slash = rest.find('/'); slash != std::string::npos) { path = rest.substr(slash + 1); rest = rest.substr(0, slash); }
  std::string hostport = rest;
  std::string port;
  if (!hostport.empty() && hostport[0] == '[') {
    auto close = hostport.find(']');
    if (close == std::string::npos) return "unterminated [ in the URL host";
    out.host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size()) {
      if (hostport[close + 1] != ':') return "expected :port after ]";
      port = hostport.substr(close + 2);
    }
  } else if (auto c = hostport.rfind(':'); c != std::string::npos) {
    out.host = hostport.substr(0, c);
    port = hostport.substr(c + 1);
  } else {
    out.host = hostport;
  }
  if (!port.empty()) {
    for (char ch : port)
      if (!std::isdigit(static_cast<unsigned char>(ch)))
        return "the port (after the host's last ':') is not a number; a password holding '@', '/', '?' or '#' must be "
               "written %-escaped (%40, %2F, %3F, %23)";
    int p = port.size() > 5 ? 0 : std::stoi(port);
    if (p < 1 || p > 65535) return "the port is out of range 1-65535";
    out.port = p;
  }
  out.database = percent_decode(path, ok);
  if (!ok) return "bad %-escape in the URL's database name";
  if (out.database.find('\0') != std::string::npos) return "the URL's database name holds a NUL byte (%00)";

  for (const auto& [k, v, decoded] : query_parameters(query)) {
    if (!decoded) return "bad %-escape in URL parameter" + shown(k);
    if (k == "sslmode" || k == "ssl-mode" || k == "ssl_mode" || k == "tls") {
      auto m = parse_tls_mode(v);
      if (!m) return "unknown TLS mode" + shown(v) + ": expected disable, prefer, require, verify-ca or verify-full";
      out.tls.mode = *m;
    } else if (k == "sslrootcert" || k == "ssl-ca" || k == "ca") out.tls.ca = resolve(v, base_dir);
    else if (k == "sslcert" || k == "ssl-cert" || k == "cert") out.tls.cert = resolve(v, base_dir);
    else if (k == "sslkey" || k == "ssl-key" || k == "key") out.tls.key = resolve(v, base_dir);
    else if (k == "connect_timeout") {
      auto d = parse_duration(v);
      if (!d) {
        bool digits = !v.empty();
        for (char ch : v) digits = digits && std::isdigit(static_cast<unsigned char>(ch));
        if (!digits) return "connect_timeout" + shown(v) + " is not a duration";
        d = parse_duration(v + "s");
        if (!d) return "connect_timeout is out of range";
      }
      out.connect_timeout = *d;
    } else {
      return "unknown URL parameter" + shown(k) + " (known: sslmode, sslrootcert, sslcert, sslkey, connect_timeout)";
    }
  }
  return {};
}

}  // namespace sluice::config
