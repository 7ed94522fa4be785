#pragma once
// RFC 4180 reading and writing with PostgreSQL's NULL convention: an unquoted empty
// field is NULL, a quoted empty field ("") is the empty string. With a null marker
// set, an unquoted field equal to the marker is NULL instead.
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "sluice/batch.h"

namespace sluice::csv {

struct Dialect {
  char delimiter = ',';
  std::optional<std::string> null_marker;
  std::string encoding = "utf8";  // input only: utf8 | latin1 | cp1252
};

// Streams records from a file. Owns the FILE*.
class Reader {
 public:
  Reader(const std::string& path, Dialect dialect);
  // Reads an open stream (taking ownership), named `name` in messages.
  Reader(std::FILE* file, std::string name, Dialect dialect);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Reads the next record into `fields` (NULLs as null Values, the rest text).
  // Returns false at end of file. Throws a data Error naming file:line on malformed input.
  bool next(Row& fields);
  // 1-based line where the last record returned started.
  long record_line() const { return record_line_; }
  const std::string& path() const { return path_; }

 private:
  int get();
  void skip_bom();
  void finish_field(Row& fields, std::size_t& n, bool quoted);

  std::string path_;
  Dialect dialect_;
  std::FILE* file_ = nullptr;
  std::vector<char> buf_;
  std::size_t pos_ = 0, len_ = 0;
  long line_ = 1, record_line_ = 1;
  std::string field_;
};

// Appends one record to `out`, quoting only where needed.
void format_record(const Row& row, const Dialect& d, std::string& out);
void format_header(const std::vector<std::string>& names, const Dialect& d, std::string& out);

}  // namespace sluice::csv
