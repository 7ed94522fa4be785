#include "core/redact.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <vector>

namespace sluice::redact {
namespace {

std::mutex& secrets_mutex() {
  static std::mutex m;
  return m;
}
std::vector<std::string>& secrets() {
  static std::vector<std::string> s;
  return s;
}

bool scheme_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
}
// Where a URL token ends in running text: whitespace or a quote.
bool token_end(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '`'; }

}  // namespace

void add_secret(const std::string& secret) {
  if (secret.size() < kMinSecretLength) return;
  std::lock_guard<std::mutex> lock(secrets_mutex());
  auto& s = secrets();
  if (std::find(s.begin(), s.end(), secret) == s.end()) s.push_back(secret);
  // Longest first, so a secret containing another is masked whole.
  std::sort(s.begin(), s.end(), [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string url_userinfo(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto sep = text.find("://", i);
    if (sep == std::string_view::npos) break;
    std::size_t scheme = sep;
    while (scheme > i && scheme_char(text[scheme - 1])) --scheme;
    std::size_t auth = sep + 3;
    std::size_t end = auth;
    while (end < text.size() && !token_end(text[end])) ++end;
    // The password may itself hold '/', '?', '#' or '@' unescaped: the userinfo runs to
    // the last '@' of the token.
    std::size_t at = std::string_view::npos;
    for (std::size_t k = auth; k < end; ++k)
      if (text[k] == '@') at = k;
    out.append(text.substr(i, auth - i));
    if (scheme == sep || at == std::string_view::npos) {
      i = auth;
      continue;
    }
    std::string_view userinfo = text.substr(auth, at - auth);
    auto colon = userinfo.find(':');
    if (colon == std::string_view::npos) {  // a user without a password
      out.append(userinfo);
      i = at;
      continue;
    }
    bool plain_user = userinfo.substr(0, colon).find_first_of("/?#") == std::string_view::npos;
    if (plain_user) out.append(userinfo.substr(0, colon + 1));
    out.append("***");
    i = at;
  }
  out.append(text.substr(i));
  return out;
}

std::string connection_string_passwords(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  const auto at_key = [&](std::size_t k, std::size_t& value) {
    // PWD= or Password= (any case), at the start or after ';', '{' or whitespace.
    if (k > 0 && text[k - 1] != ';' && text[k - 1] != ' ' && text[k - 1] != '{' && text[k - 1] != '"' && text[k - 1] != '\'') return false;
    for (std::string_view key : {std::string_view("pwd"), std::string_view("password")}) {
      if (k + key.size() > text.size()) continue;
      bool same = true;
      for (std::size_t j = 0; j < key.size() && same; ++j) same = std::tolower(static_cast<unsigned char>(text[k + j])) == key[j];
      std::size_t v = k + key.size();
      while (same && v < text.size() && text[v] == ' ') ++v;
      if (same && v < text.size() && text[v] == '=') { value = v + 1; return true; }
    }
    return false;
  };
  while (i < text.size()) {
    std::size_t value = 0;
    if (!at_key(i, value)) { out += text[i++]; continue; }
    while (value < text.size() && text[value] == ' ') ++value;
    out.append(text.substr(i, value - i));
    std::size_t end = value;
    if (end < text.size() && text[end] == '{') {  // {braced}, with }} for a literal }
      ++end;
      while (end < text.size() && !(text[end] == '}' && (end + 1 >= text.size() || text[end + 1] != '}'))) end += text[end] == '}' ? 2 : 1;
      if (end < text.size()) ++end;
    } else {
      while (end < text.size() && text[end] != ';' && !token_end(text[end])) ++end;
    }
    out.append("***");
    i = end;
  }
  return out;
}

std::string apply(std::string_view text) {
  std::string out = connection_string_passwords(url_userinfo(text));
  std::lock_guard<std::mutex> lock(secrets_mutex());
  for (const auto& s : secrets())
    for (auto p = out.find(s); p != std::string::npos; p = out.find(s, p + 3)) out.replace(p, s.size(), "***");
  return out;
}

}  // namespace sluice::redact
