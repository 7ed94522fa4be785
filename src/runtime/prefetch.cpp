#include "runtime/prefetch.h"

#include <algorithm>

namespace sluice::runtime {

Prefetch::Prefetch(std::size_t capacity, std::function<bool(Fill&)> fill) : fill_(std::move(fill)) {
  slots_.push_back(std::make_unique<Fill>(capacity));
  free_.push_back(slots_.back().get());
  reader_ = std::thread([this] { run(); });
}

Prefetch::~Prefetch() {
  {
    std::lock_guard<std::mutex> g(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  reader_.join();
}

void Prefetch::run() {
  while (true) {
    Fill* f;
    {
      std::unique_lock<std::mutex> lk(mu_);
      cv_.wait(lk, [&] { return stop_ || !free_.empty(); });
      if (stop_) return;
      f = free_.back();
      free_.pop_back();
    }
    f->error = nullptr;
    f->end = false;
    try {
      f->end = !fill_(*f);
    } catch (...) {
      f->error = std::current_exception();
    }
    const bool last = f->end || f->error;
    {
      std::lock_guard<std::mutex> g(mu_);
      full_.push_back(f);
    }
    cv_.notify_all();
    if (last) return;
  }
}

Fill& Prefetch::next() {
  std::unique_lock<std::mutex> lk(mu_);
  cv_.wait(lk, [&] { return !full_.empty(); });
  Fill* f = full_.front();
  full_.erase(full_.begin());
  if (f->error) {
    auto e = f->error;
    f->error = nullptr;
    free_.push_back(f);
    std::rethrow_exception(e);
  }
  return *f;
}

void Prefetch::release(Fill& fill) {
  {
    std::lock_guard<std::mutex> g(mu_);
    free_.push_back(&fill);
  }
  cv_.notify_all();
}

}  // namespace sluice::runtime
