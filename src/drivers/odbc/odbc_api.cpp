#include "drivers/odbc/odbc_api.h"

#include "drivers/mysql/mysql_conn.h"
#include "drivers/sql/sqlstate.h"

namespace sluice::odbc {

void widen_into(std::string_view s, WString& out) {
  out.clear();
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    char32_t cp;
    std::size_t n;
    if (b < 0x80) { cp = b; n = 1; }
    else if ((b >> 5) == 0x6) { cp = b & 0x1f; n = 2; }
    else if ((b >> 4) == 0xe) { cp = b & 0x0f; n = 3; }
    else { cp = b & 0x07; n = 4; }
    if (i + n > s.size()) { out.push_back(0xfffd); break; }
    for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<SQLWCHAR>(0xd800 + (cp >> 10)));
      out.push_back(static_cast<SQLWCHAR>(0xdc00 + (cp & 0x3ff)));
    } else {
      out.push_back(static_cast<SQLWCHAR>(cp));
    }
  }
}

WString widen(std::string_view s) {
  WString out;
  widen_into(s, out);
  return out;
}

void narrow_into(const SQLWCHAR* s, std::size_t units, std::string& out) {
  out.clear();
  out.reserve(units);
  for (std::size_t i = 0; i < units; ++i) {
    char32_t cp = s[i];
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < units && s[i + 1] >= 0xdc00 && s[i + 1] <= 0xdfff) {
      cp = 0x10000 + ((cp - 0xd800) << 10) + (s[i + 1] - 0xdc00);
      ++i;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      cp = 0xfffd;
    }
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
      out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
  }
}

std::string narrow(const SQLWCHAR* s, std::size_t units) {
  std::string out;
  narrow_into(s, units, out);
  return out;
}

Handle::Handle(SQLSMALLINT type, SQLHANDLE parent) : type_(type) {
  SQLRETURN rc = SQLAllocHandle(type, parent, &h_);
  if (!succeeded(rc)) {
    h_ = SQL_NULL_HANDLE;
    if (parent != SQL_NULL_HANDLE) raise(type == SQL_HANDLE_STMT ? SQL_HANDLE_DBC : SQL_HANDLE_ENV, parent, "allocating an ODBC handle");
    throw Error(ErrorClass::internal, "the ODBC driver manager could not allocate an environment");
  }
}

Handle::~Handle() {
  if (h_ != SQL_NULL_HANDLE) SQLFreeHandle(type_, h_);
}

Handle& Handle::operator=(Handle&& o) noexcept {
  if (this != &o) {
    if (h_ != SQL_NULL_HANDLE) SQLFreeHandle(type_, h_);
    type_ = o.type_;
    h_ = o.h_;
    o.h_ = SQL_NULL_HANDLE;
  }
  return *this;
}

std::vector<Diagnostic> diagnostics(SQLSMALLINT type, SQLHANDLE h) {
  std::vector<Diagnostic> out;
  if (h == SQL_NULL_HANDLE) return out;
  for (SQLSMALLINT i = 1; i <= 20; ++i) {
    SQLWCHAR state[6] = {0};
    SQLINTEGER native = 0;
    SQLWCHAR msg[2048];
    SQLSMALLINT len = 0;
    SQLRETURN rc = SQLGetDiagRecW(type, h, i, state, &native, msg, static_cast<SQLSMALLINT>(sizeof msg / sizeof msg[0]), &len);
    if (!succeeded(rc)) break;
    std::string text = narrow(msg, std::min<std::size_t>(static_cast<std::size_t>(std::max<SQLSMALLINT>(len, 0)), sizeof msg / sizeof msg[0] - 1));
    // Drivers prefix their messages with the components that passed them on.
    while (!text.empty() && text[0] == '[') {
      auto close = text.find(']');
      if (close == std::string::npos) break;
      text = text.substr(close + 1);
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    while (!text.empty() && text[0] == ' ') text.erase(0, 1);
    out.push_back({narrow(state, 5), native, text});
  }
  return out;
}

ErrorClass classify(const std::string& state, SQLINTEGER native) {
  // IM: the driver manager (no such DSN or driver); HYC00/HY106/HYC00: a feature the
  // driver lacks. Neither gets better by retrying.
  if (state.rfind("IM", 0) == 0 || state == "HYC00" || state == "HY106") return ErrorClass::config;
  // MySQL's drivers report most server errors as HY000 with the server's own code.
  if (native >= 1000 && native < 5000 && (state == "HY000" || state.empty() || state == "40001" || state == "23000")) {
    ErrorClass c = mysql::classify_mysql(static_cast<int>(native));
    if (c != ErrorClass::internal) return c;
  }
  return sql::classify_sqlstate(state);
}

void raise(SQLSMALLINT type, SQLHANDLE h, const std::string& what) {
  auto diags = diagnostics(type, h);
  std::string message = what;
  std::string state;
  SQLINTEGER native = 0;
  for (const auto& d : diags) {
    if (d.sqlstate.rfind("01", 0) == 0 && diags.size() > 1) continue;  // warnings beside the error
    if (state.empty()) { state = d.sqlstate; native = d.native; }
    message += ": [" + d.sqlstate + "] " + d.message;
    break;
  }
  if (diags.empty()) message += ": the ODBC driver gave no diagnostic";
  throw Error(classify(state, native), message, state);
}

}  // namespace sluice::odbc
