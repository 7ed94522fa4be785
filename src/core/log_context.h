#pragma once
// What a log line is about, for logs a machine reads (--log-format json): the run, and
// the step and table the calling thread works on, set by a Scope for as long as it
// lives; and the numbers of the one event about to be logged (rows, seconds, retries),
// set just before it by with_numbers. The JSON sink puts them in fields of their own;
// text logs say the same in their message.
#include <string>
#include <utility>
#include <vector>

namespace sluice::logctx {

struct Context {
  std::string step, table, unit;
  std::vector<std::pair<std::string, double>> numbers;
};

void set_run_id(const std::string& run_id);
std::string run_id();

// This thread's context (the numbers are taken by the next line logged).
Context& current();

class Scope {
 public:
  Scope(std::string step, std::string table, std::string unit = {});
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Context saved_;
};

// Numbers for the next line this thread logs.
void with_numbers(std::vector<std::pair<std::string, double>> numbers);

}  // namespace sluice::logctx
