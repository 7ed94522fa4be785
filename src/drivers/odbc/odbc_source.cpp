#include "drivers/odbc/odbc_source.h"

#include <cstring>

#include "drivers/odbc/odbc_dialects.h"

namespace sluice::odbc {
namespace {

// Wider than this, a column is long data and read with SQLGetData.
constexpr std::size_t kLongColumnBytes = 8000;
// Rows per block fetch, lowered so that the bound arrays stay within about 8 MiB.
constexpr std::size_t kRowsetRows = 1000, kRowsetBytes = 8u << 20;

bool plain_text(TypeId id) { return id == TypeId::text || id == TypeId::varchar || id == TypeId::char_ || id == TypeId::enum_; }

// Bytes a bound buffer needs for one value of `t`; 0 = long data.
std::size_t bound_width(const TypeInfo& t, Carrier c) {
  switch (c) {
    case Carrier::int64: case Carrier::uint64: case Carrier::float64: return 8;
    case Carrier::boolean: return 1;
    case Carrier::ascii: return t.id == TypeId::decimal ? 160 : 64;  // digits, sign, point; dates and times
    case Carrier::wide:
      if (t.id == TypeId::uuid) return 37 * sizeof(SQLWCHAR);
      if ((t.id == TypeId::varchar || t.id == TypeId::char_) && t.length > 0) {
        // UTF-16 units: up to two per character.
        const std::size_t b = (2 * static_cast<std::size_t>(t.length) + 1) * sizeof(SQLWCHAR);
        return b <= kLongColumnBytes ? b : 0;
      }
      return 0;
    case Carrier::binary: return t.length > 0 && static_cast<std::size_t>(t.length) <= kLongColumnBytes ? static_cast<std::size_t>(t.length) : 0;
  }
  return 0;
}

}  // namespace

OdbcSource::OdbcSource(std::unique_ptr<Conn> conn, const sql::Dialect& dialect, const ExtractRequest& req, Schema schema)
    : conn_(std::move(conn)), dialect_(dialect), req_(req), schema_(std::move(schema)) {
  conn_->begin();
  for (const auto& s : read_only_snapshot(conn_->dbms())) conn_->exec(s);
  for (const auto& k : req_.order_by)
    if (auto idx = schema_.index_of(k)) key_columns_.push_back(*idx);
  if (req_.query.empty() && !req_.order_by.empty() && key_columns_.size() == req_.order_by.size()) page_rows_ = page_rows(conn_->dbms());
  // Long columns are selected last: every driver lets SQLGetData read the columns after
  // the last bound one, so the others can stay bound.
  for (int long_data = 0; long_data < 2; ++long_data)
    for (std::size_t c = 0; c < schema_.size(); ++c) {
      const TypeInfo& t = schema_.columns[c].type;
      if ((bound_width(t, carrier(t)) == 0) == (long_data == 1)) order_.push_back(c);
    }
  start_query();
}

// SQLite's ODBC driver hands out a REAL with 15 significant digits, which is not
// always the number stored: such columns are read as quote() writes them (20 digits
// where 15 do not round-trip; SQLite 3.40's own 17-digit printf is off at the extremes).
bool OdbcSource::floats_as_text() const { return conn_->dbms() == Dbms::sqlite; }

Carrier OdbcSource::carrier(const TypeInfo& t) const {
  if ((t.id == TypeId::float32 || t.id == TypeId::float64) && floats_as_text()) return Carrier::ascii;
  return carrier_for(t);
}

void OdbcSource::start_query() {
  ExtractRequest q = req_;
  q.columns.clear();
  for (std::size_t c : order_) q.columns.push_back(schema_.columns[c].name);
  auto sel = sql::keyed_select(q, dialect_.select_spelling(), q.columns, [this](const std::string& name) {
    auto idx = schema_.index_of(name);
    if (!idx || !floats_as_text()) return std::string();
    const TypeId id = schema_.columns[*idx].type.id;
    if (id != TypeId::float32 && id != TypeId::float64) return std::string();
    const std::string q = dialect_.quote(name);
    return "CASE WHEN " + q + " IS NULL THEN NULL ELSE quote(" + q + ") END AS " + q;
  });
  if (page_rows_ > 0) sel.sql += dialect_.limit_clause(page_rows_);
  stmt_ = conn_->statement();
  rows_in_page_ = fetched_ = next_ = 0;
  WString w = widen(sel.sql);
  if (!succeeded(SQLPrepareW(stmt_.get(), w.data(), static_cast<SQLINTEGER>(w.size())))) conn_->raise(stmt_, "preparing the extract");
  if (!sel.params.empty()) {
    // Resume keys bound with the key columns' own types: a text parameter compared with
    // an integer column is an error on PostgreSQL.
    std::vector<TypeInfo> types;
    std::vector<const Value*> values;
    key_values_.resize(sel.params.size());
    for (std::size_t i = 0; i < sel.params.size(); ++i) {
      TypeInfo t = TypeInfo::of(TypeId::text);
      if (auto idx = schema_.index_of(sel.param_columns[i])) t = schema_.columns[*idx].type;
      types.push_back(t);
      values.push_back(sel.params[i]);
    }
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = &convert::for_target(*values[i], types[i], "resume key", key_values_[i]);
    key_params_.reset(types, 1);
    key_params_.set_row(0, values);
    key_params_.bind(*conn_, stmt_, 1);
  }
  if (!succeeded(SQLExecute(stmt_.get()))) conn_->raise(stmt_, "starting the extract");
  bind_columns();
}

OdbcSource::~OdbcSource() {
  stmt_ = Handle();
  try {
    conn_->end(false);
  } catch (...) {
  }
}

void OdbcSource::bind_columns() {
  bound_.resize(order_.size());
  std::size_t row_bytes = 0;
  block_ = true;
  for (std::size_t pos = 0; pos < order_.size(); ++pos) {
    Bound& b = bound_[pos];
    const TypeInfo& t = schema_.columns[order_[pos]].type;
    b.carrier = carrier(t);
    b.width = bound_width(t, b.carrier);
    if (b.width == 0) block_ = false;
    row_bytes += b.width + sizeof(SQLLEN);
  }
  // With long data a row is fetched at a time (SQLGetData after each fetch).
  rowset_ = block_ ? std::max<std::size_t>(1, std::min(kRowsetRows, kRowsetBytes / std::max<std::size_t>(row_bytes, 1))) : 1;
  row_status_.resize(rowset_);
  if (block_) {
    SQLSetStmtAttr(stmt_.get(), SQL_ATTR_ROW_BIND_TYPE, reinterpret_cast<SQLPOINTER>(SQL_BIND_BY_COLUMN), 0);
    if (!succeeded(SQLSetStmtAttr(stmt_.get(), SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(rowset_)), 0)))
      conn_->raise(stmt_, "setting the block cursor's row count");
    SQLSetStmtAttr(stmt_.get(), SQL_ATTR_ROW_STATUS_PTR, row_status_.data(), 0);
    SQLSetStmtAttr(stmt_.get(), SQL_ATTR_ROWS_FETCHED_PTR, &rows_fetched_, 0);
  }
  for (std::size_t pos = 0; pos < order_.size(); ++pos) {
    Bound& b = bound_[pos];
    if (b.width == 0) continue;
    b.data.resize(b.width * rowset_);
    b.ind.resize(rowset_);
    if (!succeeded(SQLBindCol(stmt_.get(), static_cast<SQLUSMALLINT>(pos + 1), c_type(b.carrier), b.data.data(),
                              static_cast<SQLLEN>(b.width), b.ind.data())))
      conn_->raise(stmt_, "binding column " + schema_.columns[order_[pos]].name);
  }
}

bool OdbcSource::read(Batch& batch) {
  batch.clear();
  const std::size_t width = schema_.size();
  while (!batch.full() && !done_) {
    if (next_ >= fetched_) {
      SQLRETURN rc = block_ ? SQLFetchScroll(stmt_.get(), SQL_FETCH_NEXT, 0) : SQLFetch(stmt_.get());
      if (rc == SQL_NO_DATA && page_rows_ > 0 && rows_in_page_ == page_rows_) {
        // A full page: the next one starts after its last key.
        req_.resume_after = last_key_;
        start_query();
        continue;
      }
      if (rc == SQL_NO_DATA) { done_ = true; break; }
      if (!succeeded(rc)) conn_->raise(stmt_, "reading");
      fetched_ = block_ ? static_cast<std::size_t>(rows_fetched_) : 1;
      next_ = 0;
      if (fetched_ == 0) { done_ = true; break; }
    }
    if (block_ && row_status_[next_] == SQL_ROW_ERROR) throw Error(ErrorClass::internal, conn_->name() + ": the ODBC driver reported a row it could not read");
    Row& row = batch.append_row(width);
    for (std::size_t pos = 0; pos < width; ++pos) {
      if (bound_[pos].width > 0) read_bound(next_, pos, row[order_[pos]]);
      else read_long(pos, row[order_[pos]]);
    }
    ++next_;
    ++rows_in_page_;
    if (page_rows_ > 0 && rows_in_page_ == page_rows_) {
      last_key_.resize(key_columns_.size());
      for (std::size_t k = 0; k < key_columns_.size(); ++k) last_key_[k] = row[key_columns_[k]];
    }
  }
  return !batch.empty();
}

void OdbcSource::read_bound(std::size_t r, std::size_t pos, Value& out) {
  const Bound& b = bound_[pos];
  const std::size_t c = order_[pos];
  const SQLLEN ind = b.ind[r];
  if (ind == SQL_NULL_DATA) { out.set_null(); return; }
  const char* p = b.data.data() + r * b.width;
  const auto& column = schema_.columns[c];
  // The driver reported a narrower column than a value it holds: nothing is cut.
  const bool cut = (b.carrier == Carrier::ascii || b.carrier == Carrier::wide) &&
                   (ind == SQL_NO_TOTAL || static_cast<std::size_t>(ind) >= b.width);
  if (cut || (b.carrier == Carrier::binary && (ind == SQL_NO_TOTAL || static_cast<std::size_t>(ind) > b.width)))
    throw Error(ErrorClass::internal, conn_->name() + ": column " + column.name + ": a value longer than the " + std::to_string(column.type.length) +
                                          " the ODBC driver reported for the column");
  switch (b.carrier) {
    case Carrier::int64: {
      std::int64_t x;
      std::memcpy(&x, p, sizeof x);
      out.set_int(x);
      return;
    }
    case Carrier::uint64: {
      std::uint64_t x;
      std::memcpy(&x, p, sizeof x);
      out.set_uint(x);
      return;
    }
    case Carrier::float64: {
      double x;
      std::memcpy(&x, p, sizeof x);
      out.set_double(x);
      return;
    }
    case Carrier::boolean: out.set_bool(*p != 0); return;
    case Carrier::ascii: text_.assign(p, static_cast<std::size_t>(ind)); break;
    case Carrier::wide: narrow_into(reinterpret_cast<const SQLWCHAR*>(p), static_cast<std::size_t>(ind) / sizeof(SQLWCHAR), text_); break;
    case Carrier::binary: out.set_bytes(std::string_view(p, static_cast<std::size_t>(ind))); return;
  }
  finish_value(c, out);
}

// Long data arrives in pieces: SQLGetData until the driver says it is all there.
void OdbcSource::read_long(std::size_t pos, Value& out) {
  const std::size_t c = order_[pos];
  const auto col = static_cast<SQLUSMALLINT>(pos + 1);
  const Carrier carrier = this->carrier(schema_.columns[c].type);
  SQLLEN ind = 0;
  switch (carrier) {
    case Carrier::int64: case Carrier::uint64: case Carrier::float64: case Carrier::boolean: {
      char buf[8] = {0};
      SQLRETURN rc = SQLGetData(stmt_.get(), col, c_type(carrier), buf, sizeof buf, &ind);
      if (!succeeded(rc)) conn_->raise(stmt_, "reading column " + schema_.columns[c].name);
      if (ind == SQL_NULL_DATA) { out.set_null(); return; }
      if (carrier == Carrier::boolean) { out.set_bool(buf[0] != 0); return; }
      if (carrier == Carrier::float64) { double x; std::memcpy(&x, buf, 8); out.set_double(x); return; }
      if (carrier == Carrier::uint64) { std::uint64_t x; std::memcpy(&x, buf, 8); out.set_uint(x); return; }
      std::int64_t x;
      std::memcpy(&x, buf, 8);
      out.set_int(x);
      return;
    }
    default: break;
  }
  const SQLSMALLINT ctype = c_type(carrier);
  const std::size_t unit = carrier == Carrier::wide ? sizeof(SQLWCHAR) : 1;
  const std::size_t terminator = carrier == Carrier::binary ? 0 : unit;
  std::vector<char>& buf = bytes_;
  std::size_t have = 0;
  if (buf.size() < 65536) buf.resize(65536);
  for (;;) {
    SQLRETURN rc = SQLGetData(stmt_.get(), col, ctype, buf.data() + have, static_cast<SQLLEN>(buf.size() - have), &ind);
    if (rc == SQL_NO_DATA) break;
    if (!succeeded(rc)) conn_->raise(stmt_, "reading column " + schema_.columns[c].name);
    if (ind == SQL_NULL_DATA) { out.set_null(); return; }
    const std::size_t room = buf.size() - have - terminator;
    if (ind != SQL_NO_TOTAL && static_cast<std::size_t>(ind) <= room) { have += static_cast<std::size_t>(ind); break; }
    // Truncated: the piece filled the room (less the terminator); grow and continue.
    have += room / unit * unit;
    buf.resize(std::max(buf.size() * 2, have + (ind == SQL_NO_TOTAL ? 0 : static_cast<std::size_t>(ind)) + 2 * unit + 1));
  }
  if (carrier == Carrier::binary) { out.set_bytes(std::string_view(buf.data(), have)); return; }
  if (carrier == Carrier::wide) narrow_into(reinterpret_cast<const SQLWCHAR*>(buf.data()), have / sizeof(SQLWCHAR), text_);
  else text_.assign(buf.data(), have);
  finish_value(c, out);
}

// Text read for column c becomes the column's value, by the exact conversions every
// source uses (a value that does not parse is an error, never a guess).
void OdbcSource::finish_value(std::size_t c, Value& out) {
  const TypeInfo& t = schema_.columns[c].type;
  if (plain_text(t.id)) { out.set_text(text_); return; }
  scratch_.set_text(text_);
  try {
    convert::coerce(scratch_, t, out);
  } catch (const Error& e) {
    throw Error(ErrorClass::data, conn_->name() + ": column " + schema_.columns[c].name + ": " + e.what(), e.sqlstate());
  }
}

}  // namespace sluice::odbc
