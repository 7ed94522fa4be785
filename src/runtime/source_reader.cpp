#include "runtime/source_reader.h"

#include "runtime/progress.h"
#include "runtime/signals.h"
#include "sluice/status.h"

namespace sluice::runtime {

std::string describe_row(const std::vector<std::string>& names, const std::vector<Value>& key, std::int64_t row_number) {
  if (key.empty()) return "row " + std::to_string(row_number) + " of the source";
  std::string s = "row with key (";
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (i) s += ", ";
    s += (i < names.size() ? names[i] : "?") + "=" + (key[i].is_null() ? "NULL" : key[i].to_text());
  }
  return s + ")";
}

void check_stop() {
  if (int sig = stop_requested())
    throw Error(ErrorClass::interrupted, std::string("stopped by ") + (sig == 2 ? "SIGINT" : sig == 15 ? "SIGTERM" : "a signal"));
}

SourceReader::SourceReader(std::unique_ptr<Source> source, std::vector<std::unique_ptr<Transform>> transforms,
                           const plan::UnitPlan& unit, std::int64_t rows_before, std::size_t batch_size)
    : source_(std::move(source)), transforms_(std::move(transforms)), unit_(unit), rows_seen_(rows_before), batch_size_(batch_size), rows_consumed_(rows_before) {
  const Schema& read = source_->schema();
  if (unit_.resume == plan::Resume::by_key)
    for (const auto& k : unit_.extract.order_by) {
      auto idx = read.index_of(k);
      if (!idx) throw Error(ErrorClass::config, "order_by column '" + k + "' is not among the extracted columns");
      key_index_.push_back(*idx);
    }
  schema_ = read;
  for (auto& t : transforms_) schema_ = t->bind(schema_);
}

SourceReader::~SourceReader() { prefetch_.reset(); }

void SourceReader::add_transform(std::unique_ptr<Transform> transform) {
  if (prefetch_) throw Error(ErrorClass::internal, "a transform added after reading began");
  schema_ = transform->bind(schema_);
  transforms_.push_back(std::move(transform));
}

// Runs on the reader thread.
bool SourceReader::fill(Fill& f) {
  check_stop();
  Batch& b = f.batch;
  if (!source_->read(b)) return false;
  f.rows_in_fill = b.size();
  b.number_rows();
  f.keys.resize(b.size());
  for (std::size_t r = 0; r < b.size(); ++r) {
    f.keys[r].resize(key_index_.size());
    for (std::size_t i = 0; i < key_index_.size(); ++i) f.keys[r][i] = b[r][key_index_[i]];
  }
  const std::int64_t before = rows_seen_;
  rows_seen_ += static_cast<std::int64_t>(b.size());
  const std::int64_t changed_total = source_->values_changed();
  f.values_changed = changed_total - source_changed_;
  source_changed_ = changed_total;
  const OnInvalidText mode = unit_.step->load.settings.on_invalid_text;
  if (mode != OnInvalidText::reject) {
    for (std::size_t r = 0; r < b.size(); ++r)
      for (auto& v : b[r])
        if ((v.kind() == Value::Kind::text || v.kind() == Value::Kind::json) && !convert::clean_text(v.str())) {
          v.set_string(v.kind(), convert::repair_text(v.str(), mode == OnInvalidText::replace));
          ++f.values_changed;
        }
  }
  try {
    for (auto& t : transforms_) t->apply(b);
  } catch (const RowError& e) {
    const std::size_t origin = b.origin(e.row());
    throw Error(ErrorClass::data, describe_row(key_names(), keyed() ? f.keys[origin] : std::vector<Value>{},
                                               before + static_cast<std::int64_t>(origin) + 1) + ": " + e.what());
  }
  return true;
}

bool SourceReader::next(Batch& batch, std::vector<std::vector<Value>>& keys, FillCounts& counts) {
  check_stop();
  if (!prefetch_) prefetch_ = std::make_unique<Prefetch>(batch_size_, [this](Fill& f) { return fill(f); });
  Fill& f = prefetch_->next();
  if (f.end) {
    prefetch_->release(f);
    return false;
  }
  std::swap(batch, f.batch);
  std::swap(keys, f.keys);
  counts.source_rows = f.rows_in_fill;
  counts.values_changed = f.values_changed;
  prefetch_->release(f);
  rows_consumed_ += static_cast<std::int64_t>(counts.source_rows);
  if (progress_.line) progress_.line->update(rows_consumed_, progress_.part);
  return true;
}

}  // namespace sluice::runtime
