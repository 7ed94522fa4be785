#pragma once
// The thin layer over unixODBC that the rest of the driver stands on: handles that free
// themselves, UTF-8 <-> UTF-16 (every call goes through the W entry points, so names and
// text are never squeezed through the process locale), diagnostics, and the one place a
// SQLSTATE becomes a sluice ErrorClass.
#include <sql.h>
#include <sqlext.h>

#include <string>
#include <string_view>
#include <vector>

#include "sluice/status.h"

namespace sluice::odbc {

using WString = std::basic_string<SQLWCHAR>;

// Exact conversions: invalid UTF-8 never reaches here (sources and sinks check text),
// and a lone surrogate from a driver becomes U+FFFD rather than invalid UTF-8.
WString widen(std::string_view utf8);
void widen_into(std::string_view utf8, WString& out);
std::string narrow(const SQLWCHAR* s, std::size_t units);
void narrow_into(const SQLWCHAR* s, std::size_t units, std::string& out);
inline std::string narrow(const WString& s) { return narrow(s.data(), s.size()); }

inline bool succeeded(SQLRETURN rc) { return rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO; }

// An environment, connection or statement handle, freed with its owner's lifetime.
class Handle {
 public:
  Handle() = default;
  Handle(SQLSMALLINT type, SQLHANDLE parent);
  ~Handle();
  Handle(Handle&& o) noexcept : type_(o.type_), h_(o.h_) { o.h_ = SQL_NULL_HANDLE; }
  Handle& operator=(Handle&& o) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  SQLHANDLE get() const { return h_; }
  SQLSMALLINT type() const { return type_; }

 private:
  SQLSMALLINT type_ = SQL_HANDLE_STMT;
  SQLHANDLE h_ = SQL_NULL_HANDLE;
};

struct Diagnostic {
  std::string sqlstate;
  SQLINTEGER native = 0;
  std::string message;
};
std::vector<Diagnostic> diagnostics(SQLSMALLINT type, SQLHANDLE h);

// SQLSTATE (with the driver's native code where the state alone is ambiguous) to class:
// 08xxx connection lost (transient; a failed first connect is classified by the caller),
// 40001/40P01/HYT00/HYT01 and MySQL's 1213/1205 retried, 22xxx/23xxx data, 42xxx and
// the "not supported" states config, 28xxx connect.
ErrorClass classify(const std::string& sqlstate, SQLINTEGER native);

// Throws the classified Error for the failed call on `h`: "<what>: [SQLSTATE] message".
[[noreturn]] void raise(SQLSMALLINT type, SQLHANDLE h, const std::string& what);
// Throws when rc is not a success.
inline void check(SQLRETURN rc, const Handle& h, const std::string& what) {
  if (!succeeded(rc)) raise(h.type(), h.get(), what);
}

}  // namespace sluice::odbc
