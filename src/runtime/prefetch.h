#pragma once
// Reads ahead on a thread of its own: while the writer sends one batch to the target,
// the reader fills the next from the source (and runs the transforms on it). One fill
// circulates: the writer swaps its rows out for the batch it has written, so memory
// stays at two batches whatever the table (a second fill in flight cost a third of the
// memory and bought no measurable speed: bench/, 300,000 10-column rows).
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "sluice/batch.h"

namespace sluice::runtime {

struct Fill {
  explicit Fill(std::size_t capacity) : batch(capacity) {}
  Batch batch;
  std::vector<std::vector<Value>> keys;  // key of every source row of the fill, before transforms
  std::size_t rows_in_fill = 0;          // source rows, before transforms dropped any
  std::int64_t values_changed = 0;       // values the reader changed (zero dates, repaired text)
  bool end = false;                      // the source is exhausted (batch empty)
  std::exception_ptr error;              // what the reader threw
};

class Prefetch {
 public:
  // `fill` runs on the reader thread: it fills one Fill and returns false at the end.
  Prefetch(std::size_t capacity, std::function<bool(Fill&)> fill);
  ~Prefetch();  // stops the reader and joins it
  Prefetch(const Prefetch&) = delete;
  Prefetch& operator=(const Prefetch&) = delete;

  // The next fill, in source order; rethrows the reader's exception. The fill stays
  // the caller's until release().
  Fill& next();
  void release(Fill& fill);

 private:
  void run();

  std::function<bool(Fill&)> fill_;
  std::vector<std::unique_ptr<Fill>> slots_;
  std::vector<Fill*> free_, full_;  // full_ in order (front first)
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread reader_;
};

}  // namespace sluice::runtime
