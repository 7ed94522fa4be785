#pragma once
#include <chrono>
#include <random>

#include "sluice/pipeline.h"

namespace sluice::runtime {

// Exponential backoff with jitter: attempt n (1-based) waits between half and all of
// min(max_backoff, initial * 2^(n-1)), so many clients restarting together spread out.
inline Millis backoff_delay(const RetryPolicy& p, int attempt, std::mt19937_64& rng) {
  double base = static_cast<double>(p.initial_backoff.count());
  for (int i = 1; i < attempt && base < static_cast<double>(p.max_backoff.count()); ++i) base *= 2;
  base = std::min(base, static_cast<double>(p.max_backoff.count()));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return Millis(static_cast<long long>(base * jitter(rng)));
}

}  // namespace sluice::runtime
