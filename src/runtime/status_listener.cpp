#include "runtime/status_listener.h"

#include <httplib.h>
#include <spdlog/spdlog.h>

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "sluice/value.h"
#include "sluice/status.h"

namespace sluice::runtime {

std::optional<ListenAddress> parse_listen_address(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return std::nullopt;  // an IPv6 address needs its brackets
  }
  auto port = convert::parse_int(text.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535) return std::nullopt;
  return ListenAddress{host, static_cast<int>(*port)};
}

StatusListener::StatusListener(const ListenAddress& address, const ServiceMetrics& metrics)
    : server_(std::make_unique<httplib::Server>()) {
  // Two threads: a scrape and a health probe at once; nobody else calls this server.
  server_->new_task_queue = [] { return new httplib::ThreadPool(2); };
  // httplib's default also sets SO_REUSEPORT, with which a second service bound to the
  // same port would silently share it (and half the scrapes); only SO_REUSEADDR here.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server_->set_read_timeout(5, 0);
  server_->set_write_timeout(5, 0);
  server_->Get("/healthz", [&metrics](const httplib::Request&, httplib::Response& res) {
    auto [body, healthy] = metrics.health();
    res.status = healthy ? 200 : 503;
    res.set_content(body, "application/json");
  });
  server_->Get("/metrics", [&metrics](const httplib::Request&, httplib::Response& res) {
    res.set_content(metrics.prometheus_text(), "text/plain; version=0.0.4; charset=utf-8");
  });
  const std::string shown = (address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host);
  errno = 0;
  port_ = address.port == 0 ? server_->bind_to_any_port(address.host) : (server_->bind_to_port(address.host, address.port) ? address.port : -1);
  if (port_ <= 0) {
    const std::string why = errno != 0 ? std::strerror(errno) : "the address does not resolve or cannot be bound";
    throw Error(ErrorClass::config, "--listen: cannot listen on " + shown + ":" + std::to_string(address.port) + ": " + why);
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  spdlog::info("serving /healthz and /metrics on http://{}:{}", shown, port_);
}

StatusListener::~StatusListener() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace sluice::runtime
