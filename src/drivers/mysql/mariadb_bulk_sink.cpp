#include "drivers/mysql/mariadb_bulk_sink.h"

#include <mysql.h>

#include <cstring>

#include "drivers/mysql/mysql_text.h"
#include "sluice/status.h"

namespace sluice::mysql {
namespace {

// Rows per execute, and the arena size at which a chunk is sent (well below the
// server's max_allowed_packet, 16 MiB by default).
constexpr std::size_t kMaxRows = 10000;
constexpr std::size_t kMaxBytes = 4u << 20;

enum class Carrier { integer, real, tiny, text, blob };

Carrier carrier_for(const TypeInfo& t) {
  switch (t.id) {
    case TypeId::int8: case TypeId::int16: case TypeId::int32: case TypeId::int64: return Carrier::integer;
    case TypeId::float32: case TypeId::float64: return Carrier::real;
    case TypeId::boolean: return Carrier::tiny;
    case TypeId::bytes: return Carrier::blob;
    default: return Carrier::text;
  }
}

struct Column {
  Carrier carrier = Carrier::text;
  bool is_unsigned = false;
  std::vector<long long> ints;
  std::vector<double> reals;
  std::vector<signed char> tinies;
  std::vector<std::size_t> offsets;  // into the arena
  std::vector<char*> pointers;
  std::vector<unsigned long> lengths;
  std::vector<char> indicators;
};

class MyBulkSink final : public sql::SqlTarget {
 public:
  MyBulkSink(std::unique_ptr<CSession> session, const sql::Dialect& dialect, LoadRequest req, const Schema& target, bool swapped)
      : SqlTarget(std::move(session), dialect, std::move(req), target, swapped) {
    conn_ = &static_cast<CSession&>(this->session()).conn();
    const LoadRequest& r = request();
    std::string marks;
    for (std::size_t i = 0; i < r.schema.columns.size(); ++i) marks += i ? ", ?" : "?";
    sql_ = "INSERT INTO " + dialect.quote_table(write_table()) + " (" + column_list() + ") VALUES (" + marks + ")";
    if (r.mode == LoadMode::upsert) sql_ += " " + dialect.upsert_clause(r.key, r.schema.names());
    columns_.resize(target_types().size());
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      columns_[c].carrier = carrier_for(target_types()[c]);
      columns_[c].is_unsigned = target_types()[c].is_unsigned;
    }
    binds_.resize(columns_.size());
  }
  ~MyBulkSink() override {
    if (stmt_) mysql_stmt_close(stmt_);
  }

 private:
  void write_rows(const Batch& batch) override {
    if (!stmt_) {
      stmt_ = mysql_stmt_init(conn_->get());
      if (!stmt_) conn_->raise("preparing the insert into " + write_table().display());
      if (mysql_stmt_prepare(stmt_, sql_.data(), sql_.size())) conn_->raise(stmt_, "preparing the insert into " + write_table().display());
    }
    std::size_t start = 0;
    while (start < batch.size()) {
      const std::size_t n = fill(batch, start);
      execute(n);
      start += n;
    }
  }

  // Converts rows from `start` into the column arrays, up to the chunk limits; returns how many.
  std::size_t fill(const Batch& batch, std::size_t start) {
    const auto& types = target_types();
    const auto& names = request().schema.columns;
    const std::size_t rows = std::min(kMaxRows, batch.size() - start);
    for (auto& col : columns_) {
      col.ints.resize(rows);
      col.reals.resize(rows);
      col.tinies.resize(rows);
      col.offsets.resize(rows);
      col.lengths.resize(rows);
      col.indicators.resize(rows);
      col.pointers.resize(rows);
    }
    arena_.clear();
    std::size_t n = 0;
    for (; n < rows && (n == 0 || arena_.size() < kMaxBytes); ++n) {
      const Row& row = batch[start + n];
      for (std::size_t c = 0; c < columns_.size(); ++c) {
        Column& col = columns_[c];
        const Value& v = convert::for_target(row[c], types[c], names[c].name, coerced_);
        if (v.is_null()) { col.indicators[n] = STMT_INDICATOR_NULL; continue; }
        col.indicators[n] = STMT_INDICATOR_NONE;
        switch (col.carrier) {
          case Carrier::integer:
            col.ints[n] = v.kind() == Value::Kind::uint64 ? static_cast<long long>(v.as_uint()) : v.as_int();
            break;
          case Carrier::real: col.reals[n] = v.kind() == Value::Kind::float64 ? v.as_double() : static_cast<double>(v.as_int()); break;
          case Carrier::tiny: col.tinies[n] = v.as_bool() ? 1 : 0; break;
          case Carrier::text: case Carrier::blob: {
            col.offsets[n] = arena_.size();
            if (server_text_is_string(v))
              arena_ += v.str();
            else
              v.append_text(arena_);
            col.lengths[n] = static_cast<unsigned long>(arena_.size() - col.offsets[n]);
            break;
          }
        }
      }
    }
    // The arena is complete: its pointers are stable now.
    for (auto& col : columns_)
      if (col.carrier == Carrier::text || col.carrier == Carrier::blob)
        for (std::size_t r = 0; r < n; ++r) col.pointers[r] = arena_.data() + col.offsets[r];
    return n;
  }

  void execute(std::size_t n) {
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      Column& col = columns_[c];
      MYSQL_BIND& b = binds_[c];
      std::memset(&b, 0, sizeof b);
      b.u.indicator = col.indicators.data();
      switch (col.carrier) {
        case Carrier::integer: b.buffer_type = MYSQL_TYPE_LONGLONG; b.buffer = col.ints.data(); b.is_unsigned = col.is_unsigned; break;
        case Carrier::real: b.buffer_type = MYSQL_TYPE_DOUBLE; b.buffer = col.reals.data(); break;
        case Carrier::tiny: b.buffer_type = MYSQL_TYPE_TINY; b.buffer = col.tinies.data(); break;
        case Carrier::text: case Carrier::blob:
          b.buffer_type = col.carrier == Carrier::blob ? MYSQL_TYPE_BLOB : MYSQL_TYPE_STRING;
          b.buffer = col.pointers.data();
          b.length = col.lengths.data();
          break;
      }
    }
    unsigned int size = static_cast<unsigned int>(n);
    if (mysql_stmt_attr_set(stmt_, STMT_ATTR_ARRAY_SIZE, &size)) conn_->raise(stmt_, "setting the bulk array size");
    if (mysql_stmt_bind_param(stmt_, binds_.data())) conn_->raise(stmt_, "binding the rows for " + write_table().display());
    if (mysql_stmt_execute(stmt_)) conn_->raise(stmt_, "inserting into " + write_table().display());
  }

  CConn* conn_ = nullptr;
  std::string sql_;
  MYSQL_STMT* stmt_ = nullptr;
  std::vector<Column> columns_;
  std::vector<MYSQL_BIND> binds_;
  std::string arena_;
  Value coerced_;
};

}  // namespace

std::unique_ptr<Sink> make_bulk_sink(std::unique_ptr<CSession> session, const sql::Dialect& dialect, const LoadRequest& req,
                                     const Schema& target, bool swapped) {
  return std::make_unique<MyBulkSink>(std::move(session), dialect, req, target, swapped);
}

}  // namespace sluice::mysql
