#include "runtime/signals.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace sluice::runtime {
namespace {
std::atomic<int> g_stop{0};

void on_signal(int sig) {
  if (g_stop.exchange(sig) != 0) {
    static const char msg[] = "sluice: second signal, exiting now\n";
    ssize_t ignored = ::write(2, msg, sizeof msg - 1);
    (void)ignored;
    ::_exit(128 + sig);
  }
}
}  // namespace

void install_stop_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a blocked read returns EINTR and the run stops sooner
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int stop_requested() { return g_stop.load(); }
void clear_stop_request() { g_stop.store(0); }

}  // namespace sluice::runtime
