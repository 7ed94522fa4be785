#pragma once
// run --every ... --listen HOST:PORT: a small HTTP server beside the service loop,
// answering GET /healthz (the last pass's health JSON; 200 while starting or after a
// successful pass, 503 after a failed one) and GET /metrics (Prometheus text format).
// cpp-httplib (Debian's libcpp-httplib-dev) serves it on two threads of its own; the
// port is bound in the constructor so a taken port stops the run before any pass.
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "runtime/service_metrics.h"

namespace httplib {
class Server;
}

namespace sluice::runtime {

struct ListenAddress {
  std::string host;
  int port = 0;  // 0: any free port (the one bound is logged)
};

// "127.0.0.1:9187", "[::1]:9187", "0.0.0.0:0"; nullopt when it is none of those.
std::optional<ListenAddress> parse_listen_address(const std::string& text);

class StatusListener {
 public:
  // Throws a config Error naming the address when it cannot be bound.
  StatusListener(const ListenAddress& address, const ServiceMetrics& metrics);
  ~StatusListener();
  StatusListener(const StatusListener&) = delete;
  StatusListener& operator=(const StatusListener&) = delete;

  int port() const { return port_; }

 private:
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace sluice::runtime
