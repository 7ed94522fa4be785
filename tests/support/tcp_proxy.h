#pragma once
// A loopback TCP proxy for fault injection: forwards connections to a server and can
// cut every open connection at once (as a network failure would), while still
// accepting new ones.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::test {

class TcpProxy {
 public:
  TcpProxy(std::string target_host, int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  int port() const { return port_; }
  // Closes every connection open now; returns how many were cut.
  int cut_all();
  // Bytes forwarded from the server to clients so far.
  std::uint64_t bytes_down() const { return bytes_down_.load(); }

 private:
  void accept_loop();
  void pump(int client, int server);

  std::string host_;
  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> bytes_down_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> open_fds_;
  std::vector<std::thread> pumps_;
};

}  // namespace sluice::test
