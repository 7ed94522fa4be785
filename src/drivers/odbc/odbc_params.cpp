#include "drivers/odbc/odbc_params.h"

#include <cstring>

#include "drivers/odbc/odbc_conn.h"

namespace sluice::odbc {
namespace {

std::size_t fixed_width(Carrier c) {
  switch (c) {
    case Carrier::int64: case Carrier::uint64: return sizeof(std::int64_t);
    case Carrier::float64: return sizeof(double);
    case Carrier::boolean: return 1;
    default: return 0;
  }
}

// Timestamps with zones go as UTC without a suffix: every session is set to UTC, and
// drivers parse a suffix differently or not at all.
void ascii_text(const Value& v, std::string& out) {
  out.clear();
  switch (v.kind()) {
    case Value::Kind::timestamptz: convert::format_timestamp(v.as_temporal(), out); return;
    default: v.append_text(out); return;
  }
}

}  // namespace

void ParameterArrays::reset(const std::vector<TypeInfo>& types, std::size_t capacity) {
  if (columns_.size() != types.size()) columns_.assign(types.size(), Column{});
  capacity_ = std::max<std::size_t>(capacity, 1);
  for (std::size_t i = 0; i < types.size(); ++i) {
    Column& c = columns_[i];
    c.type = types[i];
    c.carrier = carrier_for(types[i]);
    const std::size_t fixed = fixed_width(c.carrier);
    if (fixed) c.width = fixed;
    else if (c.width == 0 || c.width * capacity_ > budget_) c.width = c.carrier == Carrier::wide ? 64 : 32;
    if (c.data.size() < c.width * capacity_) c.data.resize(c.width * capacity_);
    c.ind.resize(capacity_);
  }
}

std::size_t ParameterArrays::bytes() const {
  std::size_t total = 0;
  for (const auto& c : columns_) total += c.width * capacity_;
  return total;
}

std::size_t ParameterArrays::needed_width(Column& c, const Value& v) {
  if (v.is_null()) return 0;
  switch (c.carrier) {
    case Carrier::ascii: ascii_text(v, c.text); return c.text.size() + 1;
    case Carrier::wide: widen_into(v.str(), c.wide); return (c.wide.size() + 1) * sizeof(SQLWCHAR);
    case Carrier::binary: return std::max<std::size_t>(v.str().size(), 1);
    default: return c.width;
  }
}

void ParameterArrays::widen_column(Column& c, std::size_t width, std::size_t rows_kept) {
  std::vector<char> grown(width * capacity_);
  for (std::size_t r = 0; r < rows_kept; ++r) std::memcpy(grown.data() + r * width, c.data.data() + r * c.width, c.width);
  c.data.swap(grown);
  c.width = width;
}

bool ParameterArrays::set_row(std::size_t row, const std::vector<const Value*>& values) {
  // Widths first: a row that does not fit the budget leaves everything as it was.
  std::size_t extra = 0;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    const std::size_t need = needed_width(columns_[i], *values[i]);
    if (need > columns_[i].width) extra += (std::max(need, columns_[i].width * 2) - columns_[i].width) * capacity_;
  }
  if (extra > 0 && row > 0 && bytes() + extra > budget_) return false;
  for (std::size_t i = 0; i < columns_.size(); ++i) store(columns_[i], row, *values[i]);
  return true;
}

void ParameterArrays::store(Column& c, std::size_t row, const Value& v) {
  if (v.is_null()) { c.ind[row] = SQL_NULL_DATA; return; }
  char* slot = nullptr;
  const auto place = [&](std::size_t need) {
    if (need > c.width) widen_column(c, std::max(need, c.width * 2), row);
    slot = c.data.data() + row * c.width;
  };
  switch (c.carrier) {
    case Carrier::int64: {
      place(8);
      std::int64_t x = v.kind() == Value::Kind::uint64 ? static_cast<std::int64_t>(v.as_uint()) : v.as_int();
      std::memcpy(slot, &x, sizeof x);
      c.ind[row] = sizeof x;
      return;
    }
    case Carrier::uint64: {
      place(8);
      std::uint64_t x = v.kind() == Value::Kind::uint64 ? v.as_uint() : static_cast<std::uint64_t>(v.as_int());
      std::memcpy(slot, &x, sizeof x);
      c.ind[row] = sizeof x;
      return;
    }
    case Carrier::float64: {
      place(8);
      double x = v.as_double();
      std::memcpy(slot, &x, sizeof x);
      c.ind[row] = sizeof x;
      return;
    }
    case Carrier::boolean:
      place(1);
      *slot = v.as_bool() ? 1 : 0;
      c.ind[row] = 1;
      return;
    case Carrier::ascii:  // c.text holds the value, converted by needed_width
      place(c.text.size() + 1);
      std::memcpy(slot, c.text.data(), c.text.size());
      slot[c.text.size()] = '\0';
      c.ind[row] = static_cast<SQLLEN>(c.text.size());
      return;
    case Carrier::wide:  // c.wide holds the value, converted by needed_width
      place((c.wide.size() + 1) * sizeof(SQLWCHAR));
      std::memcpy(slot, c.wide.data(), c.wide.size() * sizeof(SQLWCHAR));
      std::memset(slot + c.wide.size() * sizeof(SQLWCHAR), 0, sizeof(SQLWCHAR));
      c.ind[row] = static_cast<SQLLEN>(c.wide.size() * sizeof(SQLWCHAR));
      return;
    case Carrier::binary:
      place(std::max<std::size_t>(v.str().size(), 1));
      std::memcpy(slot, v.str().data(), v.str().size());
      c.ind[row] = static_cast<SQLLEN>(v.str().size());
      return;
  }
}

void ParameterArrays::bind(Conn& conn, Handle& stmt, std::size_t rows) {
  (void)rows;
  for (std::size_t i = 0; i < columns_.size(); ++i) {
    Column& c = columns_[i];
    SQLULEN size = 0;
    SQLSMALLINT digits = 0;
    switch (c.type.id) {
      case TypeId::decimal:
        size = c.type.precision > 0 ? static_cast<SQLULEN>(c.type.precision) : 38;
        digits = static_cast<SQLSMALLINT>(c.type.precision > 0 ? c.type.scale : 10);
        break;
      case TypeId::int64: if (c.type.is_unsigned) size = 20; break;
      case TypeId::date: size = 10; break;
      case TypeId::time: size = 15; digits = 6; break;
      case TypeId::timestamp: case TypeId::timestamptz: size = 26; digits = 6; break;
      default:
        if (c.carrier == Carrier::wide) size = std::max<SQLULEN>(1, c.width / sizeof(SQLWCHAR) - 1);
        else if (c.carrier == Carrier::binary || c.carrier == Carrier::ascii) size = std::max<SQLULEN>(1, c.width);
        break;
    }
    SQLRETURN rc = SQLBindParameter(stmt.get(), static_cast<SQLUSMALLINT>(i + 1), SQL_PARAM_INPUT, c_type(c.carrier),
                                    parameter_sql_type(c.type), size, digits, c.data.data(), static_cast<SQLLEN>(c.width), c.ind.data());
    if (!succeeded(rc)) conn.raise(stmt, "binding parameter " + std::to_string(i + 1));
  }
}

}  // namespace sluice::odbc
