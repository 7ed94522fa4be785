#pragma once
// The one container that carries rows from a source through transforms to a sink.
//
// A Batch keeps every row it has ever held: clear() only resets the count, and the next
// fill reuses the rows' Values (and their string buffers). Sources fill with
// append_row(), transforms edit in place, sinks read rows [0, size()).
// Not thread-safe; one owner at a time (a reader thread hands a full batch over whole).
#include <cstddef>
#include <vector>

#include "sluice/value.h"

namespace sluice {

using Row = std::vector<Value>;

class Batch {
 public:
  explicit Batch(std::size_t capacity = 1000) : capacity_(capacity) {}

  std::size_t size() const { return size_; }
  std::size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ >= capacity_; }

  void clear() { size_ = 0; }
  // Returns the next row, resized to `width` columns, for the caller to overwrite.
  Row& append_row(std::size_t width) {
    if (size_ == rows_.size()) rows_.emplace_back();
    Row& r = rows_[size_++];
    r.resize(width);
    return r;
  }
  // Drops the last appended row (a source that read a row it must skip).
  void pop_row() { if (size_ > 0) --size_; }

  Row& operator[](std::size_t i) { return rows_[i]; }
  const Row& operator[](std::size_t i) const { return rows_[i]; }

  // Keeps only rows for which keep(row) is true, preserving order (filter transforms).
  template <typename Pred>
  void retain_if(Pred keep) {
    const bool numbered = origins_.size() >= size_;
    std::size_t out = 0;
    for (std::size_t i = 0; i < size_; ++i) {
      if (keep(rows_[i])) {
        if (out != i) {
          std::swap(rows_[out], rows_[i]);
          if (numbered) std::swap(origins_[out], origins_[i]);
        }
        ++out;
      }
    }
    size_ = out;
  }

  // Remembers each row's current position, so that after rows were dropped origin(i)
  // still says which row of the original fill row i was (the runner maps rows to
  // source keys this way).
  void number_rows() {
    origins_.resize(size_);
    for (std::size_t i = 0; i < size_; ++i) origins_[i] = i;
  }
  std::size_t origin(std::size_t i) const { return i < origins_.size() ? origins_[i] : i; }

 private:
  std::vector<Row> rows_;
  std::vector<std::size_t> origins_;
  std::size_t size_ = 0;
  std::size_t capacity_;
};

}  // namespace sluice
