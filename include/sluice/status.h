#pragma once
// Errors crossing module boundaries carry a class that decides what the runner does:
// config and usage errors exit 2, transient errors are retried, data errors can be
// rejected row by row, everything else stops the run. Drivers translate their
// library's exceptions into sluice::Error at their boundary; nothing above a driver
// looks at driver-specific codes.
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>

namespace sluice {

enum class ErrorClass {
  config,     // pipeline file, CLI usage, unknown driver: nothing was touched (exit 2)
  connect,    // could not connect or authenticate; not retried (wrong password stays wrong)
  transient,  // connection lost, deadlock, serialization failure, busy: retry from checkpoint
  data,       // a row the target refuses (constraint, range, encoding): abort or reject
  internal,   // anything else: a bug or an unexpected state
  interrupted,  // SIGINT/SIGTERM asked the run to stop; the open transaction was rolled back
};

const char* to_string(ErrorClass c);

class Error : public std::runtime_error {
 public:
  Error(ErrorClass cls, std::string message, std::string sqlstate = {})
      : std::runtime_error(std::move(message)), class_(cls), sqlstate_(std::move(sqlstate)) {}

  ErrorClass error_class() const { return class_; }
  // SQLSTATE (or the driver's native code as text) when the database gave one.
  const std::string& sqlstate() const { return sqlstate_; }

  bool is_transient() const { return class_ == ErrorClass::transient; }

  // A data error a driver could pin to one row of the batch it was writing (ODBC's
  // per-row status array): reject isolation then starts from that row instead of halving.
  const std::optional<std::size_t>& row() const { return row_; }
  Error& at_row(std::size_t r) { row_ = r; return *this; }
  bool is_data() const { return class_ == ErrorClass::data; }

 private:
  ErrorClass class_;
  std::string sqlstate_;
  std::optional<std::size_t> row_;
};

[[noreturn]] inline void throw_config(std::string msg) { throw Error(ErrorClass::config, std::move(msg)); }
[[noreturn]] inline void throw_data(std::string msg, std::string sqlstate = {}) {
  throw Error(ErrorClass::data, std::move(msg), std::move(sqlstate));
}
[[noreturn]] inline void throw_internal(std::string msg) { throw Error(ErrorClass::internal, std::move(msg)); }

}  // namespace sluice
