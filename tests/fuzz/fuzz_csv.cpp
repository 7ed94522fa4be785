// The CSV reader on any bytes gives rows or a sluice::Error, nothing else; and rows
// written by the writer read back as exactly the same rows (NULL, "" and text apart).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "drivers/csv/csv_format.h"
#include "sluice/status.h"

using sluice::Row;
using sluice::csv::Dialect;
using sluice::csv::Reader;

namespace {

std::vector<Row> read_all(const std::string& bytes, const Dialect& d) {
  std::vector<Row> rows;
  std::FILE* f = fmemopen(const_cast<char*>(bytes.data()), bytes.size(), "rb");
  if (!f) return rows;
  Reader reader(f, "fuzz.csv", d);
  Row row;
  while (reader.next(row)) rows.push_back(row);
  return rows;
}

// The fuzz input as rows: byte 0x01 ends a field, 0x02 ends a row, 0x03 alone is NULL.
std::vector<Row> rows_from(const uint8_t* data, size_t size, std::size_t& width) {
  std::vector<Row> rows(1);
  std::string field;
  bool null = false;
  auto end_field = [&] {
    sluice::Value v;
    if (null) v.set_null(); else v.set_text(field);
    rows.back().push_back(v);
    field.clear();
    null = false;
  };
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == 1) end_field();
    else if (data[i] == 2) { end_field(); rows.emplace_back(); }
    else if (data[i] == 3 && field.empty()) null = true;
    else field += static_cast<char>(data[i]);
  }
  end_field();
  // Records of one width, as a table has.
  width = rows.front().size();
  for (auto& r : rows) r.resize(width);
  return rows;
}

bool same(const sluice::Value& a, const sluice::Value& b) {
  return a.is_null() == b.is_null() && (a.is_null() || a.str() == b.str());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Dialect d;
  // 1. Any bytes: rows or a classified error.
  try {
    (void)read_all(std::string(reinterpret_cast<const char*>(data), size), d);
  } catch (const sluice::Error&) {
  }
  // 2. Write then read is the identity (with and without a null marker).
  for (int marker = 0; marker < 2; ++marker) {
    if (marker) d.null_marker = "\\N";
    std::size_t width = 0;
    auto rows = rows_from(data, size, width);
    // A single record of one empty field is a blank line, which readers skip.
    if (width == 1 && rows.size() == 1 && !rows[0][0].is_null() && rows[0][0].str().empty()) continue;
    std::string text;
    for (const auto& r : rows) sluice::csv::format_record(r, d, text);
    std::vector<Row> back;
    try {
      back = read_all(text, d);
    } catch (const sluice::Error& e) {
      std::fprintf(stderr, "written CSV does not read back: %s\n", e.what());
      std::abort();
    }
    if (back.size() != rows.size()) {
      std::fprintf(stderr, "wrote %zu rows, read %zu\n", rows.size(), back.size());
      std::abort();
    }
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (back[r].size() != rows[r].size()) std::abort();
      for (std::size_t c = 0; c < rows[r].size(); ++c)
        if (!same(rows[r][c], back[r][c])) {
          std::fprintf(stderr, "row %zu column %zu differs after a round trip\n", r, c);
          std::abort();
        }
    }
  }
  return 0;
}
