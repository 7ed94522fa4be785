#include "core/log_context.h"

#include <mutex>

namespace sluice::logctx {
namespace {
std::mutex run_mutex;
std::string g_run_id;
thread_local Context t_context;
}  // namespace

void set_run_id(const std::string& run_id) {
  std::lock_guard lock(run_mutex);
  g_run_id = run_id;
}

std::string run_id() {
  std::lock_guard lock(run_mutex);
  return g_run_id;
}

Context& current() { return t_context; }

Scope::Scope(std::string step, std::string table, std::string unit) : saved_(t_context) {
  t_context.step = std::move(step);
  t_context.table = std::move(table);
  t_context.unit = std::move(unit);
}

Scope::~Scope() { t_context = std::move(saved_); }

void with_numbers(std::vector<std::pair<std::string, double>> numbers) { t_context.numbers = std::move(numbers); }

}  // namespace sluice::logctx
