#include "drivers/mysql/mariadb_infile_sink.h"

#include <mysql.h>

#include <cstring>

#include "drivers/mysql/mysql_conn.h"
#include "drivers/mysql/mysql_text.h"
#include "sluice/status.h"

namespace sluice::mysql {
namespace {

// The name the statement asks for; the handler serves nothing else.
constexpr const char* kStreamName = "sluice-rows";
// Text per statement: well below the server's max_allowed_packet is not needed (the
// file travels in packets), but a refused chunk is redone, so chunks stay small.
constexpr std::size_t kMaxBytes = 4u << 20;

// LOAD DATA's escapes (FIELDS ESCAPED BY '\\'): the separators, the escape itself and NUL.
void append_escaped(std::string_view s, std::string& out) {
  std::size_t from = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char repl;
    switch (s[i]) {
      case '\\': repl = '\\'; break;
      case '\t': repl = 't'; break;
      case '\n': repl = 'n'; break;
      case '\r': repl = 'r'; break;
      case '\0': repl = '0'; break;
      default: continue;
    }
    out.append(s.data() + from, i - from);
    out += '\\';
    out += repl;
    from = i + 1;
  }
  out.append(s.data() + from, s.size() - from);
}

class MyInfileSink final : public sql::SqlTarget {
 public:
  MyInfileSink(std::unique_ptr<CSession> session, const sql::Dialect& dialect, LoadRequest req, const Schema& target, bool swapped)
      : SqlTarget(std::move(session), dialect, std::move(req), target, swapped) {
    conn_ = &static_cast<CSession&>(this->session()).conn();
    mysql_set_local_infile_handler(conn_->get(), &MyInfileSink::open_stream, &MyInfileSink::read_stream, &MyInfileSink::close_stream,
                                   &MyInfileSink::stream_error, this);
    // Bytes travel as hex and are decoded by the server (UNHEX): the file stays UTF-8 text.
    std::string columns, decode;
    const auto& names = request().schema.columns;
    for (std::size_t c = 0; c < names.size(); ++c) {
      const std::string quoted = dialect.quote(names[c].name);
      if (c) columns += ", ";
      if (target_types()[c].id == TypeId::bytes) {
        const std::string var = "@sluice_" + std::to_string(c);
        columns += var;
        decode += (decode.empty() ? " SET " : ", ") + quoted + " = UNHEX(" + var + ")";
      } else {
        columns += quoted;
      }
    }
    sql_ = std::string("LOAD DATA LOCAL INFILE '") + kStreamName + "' INTO TABLE " + dialect.quote_table(write_table()) +
           " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (" + columns + ")" + decode;
  }

 private:
  void write_rows(const Batch& batch) override {
    std::size_t start = 0;
    while (start < batch.size()) {
      const std::size_t n = fill(batch, start);
      execute(n);
      start += n;
    }
  }

  // Writes rows from `start` as LOAD DATA text, up to kMaxBytes; returns how many.
  std::size_t fill(const Batch& batch, std::size_t start) {
    const auto& types = target_types();
    const auto& names = request().schema.columns;
    text_.clear();
    std::size_t n = 0;
    for (; start + n < batch.size() && (n == 0 || text_.size() < kMaxBytes); ++n) {
      const Row& row = batch[start + n];
      for (std::size_t c = 0; c < types.size(); ++c) {
        if (c) text_ += '\t';
        const Value& v = convert::for_target(row[c], types[c], names[c].name, coerced_);
        if (v.is_null()) {
          text_ += "\\N";
        } else if (v.kind() == Value::Kind::boolean) {
          text_ += v.as_bool() ? '1' : '0';
        } else if (v.kind() == Value::Kind::bytes) {
          text_ += convert::hex_encode(v.str());
        } else if (server_text_is_string(v)) {
          append_escaped(v.str(), text_);
        } else {
          scratch_.clear();
          v.append_text(scratch_);
          append_escaped(scratch_, text_);
        }
      }
      text_ += '\n';
    }
    return n;
  }

  void execute(std::size_t n) {
    read_ = 0;
    expecting_ = true;
    const int failed = mysql_real_query(conn_->get(), sql_.data(), static_cast<unsigned long>(sql_.size()));
    expecting_ = false;
    if (failed) conn_->raise("LOAD DATA into " + write_table().display());
    const auto loaded = mysql_affected_rows(conn_->get());
    if (mysql_warning_count(conn_->get()) > 0 || loaded != n) refuse(n, loaded);
  }

  // LOAD DATA LOCAL kept going where an INSERT would have stopped: the first warning is the error.
  [[noreturn]] void refuse(std::size_t sent, unsigned long long loaded) {
    std::string message = std::to_string(loaded) + " of " + std::to_string(sent) + " rows loaded";
    std::string code = "HY000";
    if (!mysql_query(conn_->get(), "SHOW WARNINGS LIMIT 1"))
      if (MYSQL_RES* res = mysql_store_result(conn_->get())) {
        if (MYSQL_ROW w = mysql_fetch_row(res); w && w[1] && w[2]) {
          message = w[2];
          code = w[1];
        }
        mysql_free_result(res);
      }
    const int number = std::atoi(code.c_str());
    ErrorClass cls = number ? classify_mysql(number) : ErrorClass::data;
    if (cls != ErrorClass::transient) cls = ErrorClass::data;
    throw Error(cls, conn_->name() + ": LOAD DATA into " + write_table().display() + ": " + message + " (MySQL warning " + code + ")", code);
  }

  // Connector/C's local-infile callbacks: the stream is this sink's text_.
  static int open_stream(void** ptr, const char* name, void* self) {
    auto* sink = static_cast<MyInfileSink*>(self);
    *ptr = sink;
    return sink->expecting_ && std::strcmp(name, kStreamName) == 0 ? 0 : 1;
  }
  static int read_stream(void* self, char* buf, unsigned int len) {
    auto* sink = static_cast<MyInfileSink*>(self);
    const std::size_t n = std::min<std::size_t>(len, sink->text_.size() - sink->read_);
    std::memcpy(buf, sink->text_.data() + sink->read_, n);
    sink->read_ += n;
    return static_cast<int>(n);
  }
  static void close_stream(void*) {}
  static int stream_error(void*, char* msg, unsigned int len) {
    std::snprintf(msg, len, "sluice serves only its own rows to LOAD DATA LOCAL INFILE");
    return 2000;  // CR_UNKNOWN_ERROR
  }

  CConn* conn_ = nullptr;
  std::string sql_;
  std::string text_, scratch_;
  std::size_t read_ = 0;
  bool expecting_ = false;
  Value coerced_;
};

}  // namespace

std::unique_ptr<Sink> make_infile_sink(std::unique_ptr<CSession> session, const sql::Dialect& dialect, const LoadRequest& req,
                                       const Schema& target, bool swapped) {
  return std::make_unique<MyInfileSink>(std::move(session), dialect, req, target, swapped);
}

}  // namespace sluice::mysql
