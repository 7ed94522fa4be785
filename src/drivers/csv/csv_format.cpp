#include "drivers/csv/csv_format.h"

#include <cerrno>
#include <cstring>

#include <sys/stat.h>

#include "sluice/status.h"

namespace sluice::csv {

Reader::Reader(const std::string& path, Dialect dialect) : path_(path), dialect_(std::move(dialect)), buf_(1 << 16) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw Error(ErrorClass::config, "CSV file " + path + " is a folder, not a file");
  file_ = std::fopen(path.c_str(), "rb");
  if (!file_) throw Error(ErrorClass::config, "cannot read CSV file " + path + ": " + std::strerror(errno));
  skip_bom();
}

Reader::Reader(std::FILE* file, std::string name, Dialect dialect)
    : path_(std::move(name)), dialect_(std::move(dialect)), file_(file), buf_(1 << 16) {
  skip_bom();
}

void Reader::skip_bom() {
  // A UTF-8 byte order mark is not part of the first column's name (one is dropped,
  // and only one: a field may itself start with U+FEFF).
  len_ = std::fread(buf_.data(), 1, buf_.size(), file_);
  if (len_ >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) pos_ = 3;
}

Reader::~Reader() {
  if (file_) std::fclose(file_);
}

int Reader::get() {
  if (pos_ == len_) {
    len_ = std::fread(buf_.data(), 1, buf_.size(), file_);
    pos_ = 0;
    if (len_ == 0) {
      // A local file that fails to read does not heal by retrying.
      if (std::ferror(file_)) throw Error(ErrorClass::internal, "error reading " + path_ + ": " + std::strerror(errno));
      return EOF;
    }
  }
  return static_cast<unsigned char>(buf_[pos_++]);
}

void Reader::finish_field(Row& fields, std::size_t& n, bool quoted) {
  if (n == fields.size()) fields.emplace_back();
  Value& v = fields[n++];
  bool is_null = !quoted && (dialect_.null_marker ? field_ == *dialect_.null_marker : field_.empty());
  if (is_null) { v.set_null(); return; }
  // Invalid UTF-8 is passed on as read: the step's on_invalid_text decides (reject,
  // replace or strip), and a target refuses what it cannot hold.
  convert::to_utf8(field_, dialect_.encoding, v.string_buffer(Value::Kind::text));
}

bool Reader::next(Row& fields) {
  std::size_t n = 0;
  record_line_ = line_;
  int c = get();
  if (c == EOF) return false;
  const char delim = dialect_.delimiter;
  for (;;) {
    field_.clear();
    bool quoted = false;
    if (c == '"') {
      quoted = true;
      for (;;) {
        c = get();
        if (c == EOF)
          throw Error(ErrorClass::data, path_ + ":" + std::to_string(record_line_) + ": quoted field is not closed before the end of the file");
        if (c == '"') {
          c = get();
          if (c == '"') { field_ += '"'; continue; }
          break;
        }
        if (c == '\n') ++line_;
        field_ += static_cast<char>(c);
      }
      if (c != delim && c != '\n' && c != '\r' && c != EOF)
        throw Error(ErrorClass::data, path_ + ":" + std::to_string(line_) + ": unexpected character after a closing quote (a quote inside a field must be doubled)");
    } else {
      while (c != delim && c != '\n' && c != '\r' && c != EOF) {
        if (c == '"')
          throw Error(ErrorClass::data, path_ + ":" + std::to_string(line_) + ": quote inside an unquoted field (quote the whole field and double the quote)");
        field_ += static_cast<char>(c);
        c = get();
      }
    }
    finish_field(fields, n, quoted);
    if (c == delim) { c = get(); continue; }
    if (c == '\r') {
      int after = get();
      if (after != '\n' && after != EOF) --pos_;  // a lone CR ends the record too
      ++line_;
    } else if (c == '\n') {
      ++line_;
    }
    break;
  }
  fields.resize(n);
  return true;
}

namespace {
void append_field(const Value& v, const Dialect& d, std::string& out, std::string& scratch) {
  if (v.is_null()) {
    if (d.null_marker) out += *d.null_marker;
    return;
  }
  const std::string* text;
  if (v.kind() == Value::Kind::text || v.kind() == Value::Kind::json || v.kind() == Value::Kind::decimal ||
      v.kind() == Value::Kind::uuid) {
    text = &v.str();
  } else if (v.kind() == Value::Kind::bytes) {
    // bytea hex form, as PostgreSQL writes it in CSV.
    scratch = "\\x" + convert::hex_encode(v.str());
    text = &scratch;
  } else {
    scratch.clear();
    v.append_text(scratch);
    text = &scratch;
  }
  // Leading or trailing blanks are quoted too: some readers trim unquoted fields.
  // A field starting with U+FEFF is quoted too: at the start of a file its bytes would
  // read back as a byte order mark and be dropped.
  bool quote = text->empty() || (d.null_marker && *text == *d.null_marker) || text->front() == ' ' ||
               text->back() == ' ' || text->front() == '\t' || text->back() == '\t' || text->rfind("\xEF\xBB\xBF", 0) == 0;
  for (char c : *text) {
    if (c == d.delimiter || c == '"' || c == '\n' || c == '\r') { quote = true; break; }
  }
  if (!quote) { out += *text; return; }
  out += '"';
  for (char c : *text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}
}  // namespace

void format_record(const Row& row, const Dialect& d, std::string& out) {
  std::string scratch;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (i) out += d.delimiter;
    append_field(row[i], d, out, scratch);
  }
  out += '\n';
}

void format_header(const std::vector<std::string>& names, const Dialect& d, std::string& out) {
  Row row(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) row[i].set_text(names[i]);
  format_record(row, d, out);
}

}  // namespace sluice::csv
