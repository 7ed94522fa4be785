#include "runtime/verify.h"

#include <algorithm>
#include <future>

#include "core/targets.h"
#include "plan/plan.h"
#include "runtime/prefetch.h"
#include "runtime/row_digest.h"
#include "runtime/verify_values.h"
#include "runtime/zone_transform.h"
#include "sluice/runner.h"
#include "sluice/status.h"
#include "sluice/transform.h"

namespace sluice::runtime {
namespace {

// Rows per key range of the digests: a differing range is read row by row, so small
// enough to read in well under a second, large enough that the digest rows stay few.
constexpr std::int64_t kRowsPerRange = 20000;
constexpr std::int64_t kMaxRanges = 4096;
// Past this many differing ranges one pass over both sides is cheaper than one per range.
constexpr std::size_t kMaxNarrowedRanges = 32;

// The columns an extract gives, without reading its rows.
Schema extracted_schema(Connection& conn, const ExtractRequest& req) {
  if (!req.query.empty()) return conn.describe_query(req.query);
  auto full = conn.describe(req.table);
  if (!full) throw Error(ErrorClass::config, "source table " + req.table.display() + " does not exist");
  return full->project(req.columns, req.table);
}

std::vector<std::unique_ptr<Transform>> bind_transforms(const std::vector<TransformConfig>& configs, Schema& schema) {
  std::vector<std::unique_ptr<Transform>> out;
  for (const auto& t : configs) {
    out.push_back(make_transform(t));
    schema = out.back()->bind(schema);
  }
  return out;
}

// One side of the comparison: an extract with its transforms, read ahead on a thread
// of its own, so that both sides of a comparison are read at the same time.
class Cursor {
 public:
  Cursor(Connection& conn, const ExtractRequest& req, const std::vector<TransformConfig>& transforms)
      : source_(conn.open_source(req)) {
    schema_ = source_->schema();
    transforms_ = bind_transforms(transforms, schema_);
    prefetch_ = std::make_unique<Prefetch>(5000, [this](Fill& f) {
      if (!source_->read(f.batch)) return false;
      for (auto& t : transforms_) t->apply(f.batch);
      return true;
    });
  }
  const Schema& schema() const { return schema_; }
  // The current row, or nullptr at the end.
  const Row* row() {
    while (!fill_ || pos_ >= fill_->batch.size()) {
      if (done_) return nullptr;
      if (fill_) prefetch_->release(*fill_);
      fill_ = &prefetch_->next();
      pos_ = 0;
      done_ = fill_->end;
    }
    return &fill_->batch[pos_];
  }
  void next() { ++pos_; }

 private:
  std::unique_ptr<Source> source_;
  std::vector<std::unique_ptr<Transform>> transforms_;
  Schema schema_;
  Fill* fill_ = nullptr;
  std::size_t pos_ = 0;
  bool done_ = false;
  std::unique_ptr<Prefetch> prefetch_;  // last: its reader stops before the source goes
};

// One side of a unit: its connection, what it reads, and where the key is in its rows.
struct Side {
  std::unique_ptr<Connection> conn;
  ExtractRequest req;
  std::vector<TransformConfig> transforms;
  Schema schema;                      // of its rows (after the transforms)
  std::vector<std::size_t> key;       // key column positions in its rows
};

struct Counts {
  std::int64_t source = 0, target = 0, differences = 0;
  std::vector<std::string> shown;  // the differences reported (up to max_differences)
};

// Throws when a side repeats a key or does not return keys in ascending byte order: a
// merge needs both sides in the order compared here.
void check_order(const std::string& unit, const std::vector<std::string>& key_names, const std::vector<Value>& prev,
                 const std::vector<Value>& key, const char* side) {
  if (prev.empty()) return;
  const int c = compare_keys(prev, key);
  if (c == 0)
    throw Error(ErrorClass::config, "step " + unit + ": key " + show_key(key_names, key) + " occurs twice in the " + side +
                                        "; verify needs a unique key");
  if (c > 0)
    throw Error(ErrorClass::config, "step " + unit + ": the " + side + " does not return keys in byte order (text "
                                        "collation); verify needs byte order (PostgreSQL C collation, MySQL _bin)");
}

// Merges the two sides' rows (of `source_req` and `target_req`) in key order, or row by
// row when `positional`; reports differences (up to max_differences over the unit) and
// adds to `counts`.
void compare_rows(const Pipeline& p, const std::string& unit, Side& src, Side& dst, const ExtractRequest& source_req,
                  const ExtractRequest& target_req, const std::vector<std::string>& key_names, bool positional,
                  Counts& counts, std::ostream& out) {
  Cursor a_side(*src.conn, source_req, src.transforms);
  Cursor b_side(*dst.conn, target_req, {});
  const Schema& schema = a_side.schema();
  std::int64_t position = 0;
  std::vector<Value> ks, kt, prev_s, prev_t;
  auto report = [&](const std::string& what) {
    if (counts.differences++ < p.verify.max_differences) {
      out << "  " << what << "\n";
      counts.shown.push_back(what);
    }
  };
  auto key_of = [&](const Row& r, const std::vector<std::size_t>& idx, std::vector<Value>& k) {
    k.clear();
    if (positional) {
      k.emplace_back().set_int(position);
      return;
    }
    for (auto i : idx) k.push_back(r[i]);
  };
  while (true) {
    const Row* a = a_side.row();
    const Row* b = b_side.row();
    if (!a && !b) break;
    ++position;
    if (a) key_of(*a, src.key, ks);
    if (b) key_of(*b, dst.key, kt);
    if (!positional) {
      if (a) check_order(unit, key_names, prev_s, ks, "source");
      if (b) check_order(unit, key_names, prev_t, kt, "target");
    }
    const int c = !a ? 1 : !b ? -1 : compare_keys(ks, kt);
    if (c <= 0) ++counts.source, prev_s = ks;
    if (c >= 0) ++counts.target, prev_t = kt;
    if (c < 0) {
      report("missing in target: " + show_key(key_names, ks));
    } else if (c > 0) {
      report("only in target: " + show_key(key_names, kt));
    } else {
      std::string cols;
      for (std::size_t i = 0; i < schema.columns.size(); ++i)
        if (!same_value((*a)[i], (*b)[i], p.verify.float_tolerance)) cols += (cols.empty() ? "" : ", ") + schema.columns[i].name;
      if (!cols.empty()) report("differs: " + show_key(key_names, ks) + " in " + cols);
    }
    if (c <= 0) a_side.next();
    if (c >= 0) b_side.next();
  }
}

// ---- digests ----

bool integer_type(const TypeInfo& t) {
  return t.id == TypeId::int8 || t.id == TypeId::int16 || t.id == TypeId::int32 || (t.id == TypeId::int64 && !t.is_unsigned);
}

// The digests of a side: by its database where it can, else from its rows read here.
RangeDigests side_digests(Side& side, const DigestRequest& on_server, std::size_t range_key) {
  if (side.transforms.empty())
    if (auto d = side.conn->digest(on_server)) return *d;
  RangeDigests out;
  Cursor cursor(*side.conn, side.req, side.transforms);
  const Schema& schema = cursor.schema();
  std::string text;
  for (const Row* r; (r = cursor.row()); cursor.next()) {
    text.clear();
    for (std::size_t i = 0; i < schema.columns.size(); ++i) append_canonical((*r)[i], schema.columns[i].type, text);
    const std::int64_t range = on_server.range_column.empty() ? 0 : range_of((*r)[range_key], on_server.range_base, on_server.range_width);
    add_row(text, out[range]);
  }
  return out;
}

struct DigestOutcome {
  std::int64_t ranges = 0;
  std::vector<std::int64_t> differing;  // range numbers, ascending
  Counts counts;                        // rows of each side
  std::string range_column_source, range_column_target;
  std::int64_t base = 0, width = 1;
};

// Digests of both sides per key range, computed at the same time; nullopt when the
// columns have no canonical text or neither database computes digests itself (then
// reading both sides once is all a digest would do).
std::optional<DigestOutcome> digest_sides(Side& src, Side& dst, const std::vector<std::string>& key_names) {
  for (const Schema* s : {&src.schema, &dst.schema})
    for (const auto& c : s->columns)
      if (!has_digest_text(c.type)) return std::nullopt;
  const bool src_server = src.transforms.empty() && src.conn->can_digest(src.schema);
  const bool dst_server = dst.conn->can_digest(dst.schema);
  if (!src_server && !dst_server) return std::nullopt;

  DigestOutcome o;
  // Ranges of the first key column when it is an integer on both sides (its name on
  // the source side is the extract's own only without transforms).
  if (!key_names.empty() && src.transforms.empty() && integer_type(src.schema.columns[src.key[0]].type) &&
      integer_type(dst.schema.columns[dst.key[0]].type)) {
    const std::string sk = src.schema.columns[src.key[0]].name, tk = dst.schema.columns[dst.key[0]].name;
    std::optional<KeyBounds> bounds;
    for (auto [side, column] : {std::pair{&src, sk}, std::pair{&dst, tk}}) {
      auto b = side->conn->key_bounds(side->req, column);
      if (!b) continue;
      if (!bounds) bounds = b;
      else bounds = KeyBounds{std::min(bounds->min, b->min), std::max(bounds->max, b->max), std::max(bounds->rows, b->rows)};
    }
    if (bounds) {
      const __int128 span = static_cast<__int128>(bounds->max) - bounds->min + 1;
      if (span <= INT64_MAX) {
        const __int128 rows = bounds->rows > 0 ? bounds->rows : span;
        const __int128 n = std::clamp<__int128>(rows / kRowsPerRange, 1, kMaxRanges);
        o.range_column_source = sk;
        o.range_column_target = tk;
        o.base = bounds->min;
        o.width = static_cast<std::int64_t>(std::max<__int128>(1, (span + n - 1) / n));
      }
    }
  }
  auto request = [&](const Side& side, const std::string& column) {
    DigestRequest r{side.req, column, o.base, o.width};
    r.extract.order_by.clear();
    return r;
  };
  const DigestRequest src_req = request(src, o.range_column_source), dst_req = request(dst, o.range_column_target);
  auto src_future = std::async(std::launch::async, [&] { return side_digests(src, src_req, src.key.empty() ? 0 : src.key[0]); });
  RangeDigests target = side_digests(dst, dst_req, dst.key.empty() ? 0 : dst.key[0]);
  RangeDigests source = src_future.get();

  std::vector<std::int64_t> ranges;
  for (const auto& [r, d] : source) ranges.push_back(r), o.counts.source += d.rows;
  for (const auto& [r, d] : target) ranges.push_back(r), o.counts.target += d.rows;
  std::sort(ranges.begin(), ranges.end());
  ranges.erase(std::unique(ranges.begin(), ranges.end()), ranges.end());
  o.ranges = static_cast<std::int64_t>(ranges.size());
  for (auto r : ranges) {
    auto a = source.find(r), b = target.find(r);
    if (a == source.end() || b == target.end() || !(a->second == b->second)) o.differing.push_back(r);
  }
  return o;
}

Value range_bound(std::int64_t base, std::int64_t width, std::int64_t range) {
  const __int128 at = static_cast<__int128>(base) + static_cast<__int128>(range) * width;
  Value v;
  if (at >= INT64_MIN && at <= INT64_MAX) v.set_int(static_cast<std::int64_t>(at));
  return v;  // NULL: open (past the integer range)
}

void print_counts(const Pipeline& p, const Counts& c, const std::string& how, std::ostream& out, nlohmann::json& step) {
  step["status"] = c.differences ? "differ" : "equal";
  step["source_rows"] = c.source;
  step["target_rows"] = c.target;
  step["differences"] = c.differences;
  step["shown"] = c.shown;
  out << "  source rows " << c.source << ", target rows " << c.target << ", " << c.differences
      << (c.differences == 1 ? " difference" : " differences");
  if (c.differences > p.verify.max_differences) out << " (first " << p.verify.max_differences << " shown)";
  out << (c.differences ? "" : ": equal") << how << "\n";
}

// One unit of the plan; true when the target differs from the source.
bool verify_unit(const Pipeline& p, const DriverRegistry& drivers, const plan::UnitPlan& unit, std::ostream& out, nlohmann::json& step_doc) {
  step_doc = {{"step", unit.name}, {"target_table", unit.target_table.display()}};
  const StepConfig& step = *unit.step;
  Side src{drivers.connect(p.connections.at(step.extract.from)), unit.extract, unit.transforms, {}, {}};
  Side dst{drivers.connect(p.connections.at(step.load.to)), {}, {}, {}, {}};
  // Both sides in the order of the rows' identity (an incremental cursor only decides
  // which rows a run loads).
  src.req.order_by = unit.key_order;
  src.req.shard_column.clear();
  src.req.shard_count = 0;
  const bool positional = unit.resume == plan::Resume::by_position || dst.conn->resumes_by_position();
  if (src.req.order_by.empty() && !positional)
    throw Error(ErrorClass::config, "step " + unit.name + ": cannot verify a table without a primary key or order_by");
  src.schema = extracted_schema(*src.conn, src.req);
  bind_transforms(src.transforms, src.schema);
  // The key by the names it has after the transforms (renames follow it).
  std::vector<std::string> key = step.load.key.empty() ? src.schema.primary_key : step.load.key;
  if (key.empty()) key = src.req.order_by;
  auto target_table = dst.conn->describe(unit.target_table);
  if (!target_table) {
    out << "step " << unit.name << ": target " << unit.target_table.display() << " does not exist\n";
    step_doc["status"] = "target missing";
    return true;
  }
  dst.req.table = unit.target_table;
  // The target's names for the same columns (identifiers: lower folds them).
  for (const auto& c : src.schema.columns) dst.req.columns.push_back(targets::target_name(step.load, c.name));
  if (!positional)
    for (const auto& k : key) dst.req.order_by.push_back(targets::target_name(step.load, k));
  dst.schema = target_table->project(dst.req.columns, unit.target_table);
  // Date-times compared as the run loaded them, after crossing zones.
  if (auto zones = zone_transform(p, step, src.schema, dst.req.columns, *dst.conn, unit.target_table)) {
    src.schema = make_transform(*zones)->bind(src.schema);
    src.transforms.push_back(std::move(*zones));
  }
  const std::vector<std::string> key_names = positional ? std::vector<std::string>{"row"} : key;
  if (!positional)
    for (const auto& k : key) {
      auto si = src.schema.index_of(k);
      auto ti = dst.schema.index_of(targets::target_name(step.load, k));
      if (!si || !ti) throw Error(ErrorClass::config, "step " + unit.name + ": key column '" + k + "' is not on both sides");
      src.key.push_back(*si);
      dst.key.push_back(*ti);
    }
  out << "step " << unit.name << ":\n";

  Counts counts;
  std::optional<DigestOutcome> digests;
  if (!positional && p.verify.checksums) digests = digest_sides(src, dst, key_names);
  if (!digests) {
    compare_rows(p, unit.name, src, dst, src.req, dst.req, key_names, positional, counts, out);
    step_doc["method"] = "row by row";
    print_counts(p, counts, "", out, step_doc);
    return counts.differences > 0;
  }
  const std::string how = " (checksums of " + std::to_string(digests->ranges) + " key range" + (digests->ranges == 1 ? "" : "s") +
                          (digests->differing.empty() ? "" : ", " + std::to_string(digests->differing.size()) + " read row by row") + ")";
  const bool by_range = !digests->range_column_source.empty() && digests->differing.size() <= kMaxNarrowedRanges &&
                        std::find(digests->differing.begin(), digests->differing.end(), kNullRange) == digests->differing.end();
  if (digests->differing.empty()) {
    counts = digests->counts;
  } else if (!by_range) {
    compare_rows(p, unit.name, src, dst, src.req, dst.req, key_names, false, counts, out);
  } else {
    for (auto r : digests->differing) {
      ExtractRequest sr = src.req, tr = dst.req;
      sr.range_column = digests->range_column_source;
      tr.range_column = digests->range_column_target;
      sr.range_from = tr.range_from = range_bound(digests->base, digests->width, r);
      sr.range_to = tr.range_to = range_bound(digests->base, digests->width, r + 1);
      Counts in_range;
      in_range.differences = counts.differences;
      compare_rows(p, unit.name, src, dst, sr, tr, key_names, false, in_range, out);
      counts.differences = in_range.differences;
      counts.shown.insert(counts.shown.end(), in_range.shown.begin(), in_range.shown.end());
    }
    // The rows of the ranges not read again are the digests' counts.
    counts.source = digests->counts.source;
    counts.target = digests->counts.target;
  }
  step_doc["method"] = "checksums";
  step_doc["checksum_ranges"] = digests->ranges;
  step_doc["ranges_read_row_by_row"] = digests->differing.size();
  print_counts(p, counts, how, out, step_doc);
  return counts.differences > 0;
}

}  // namespace

int verify_pipeline(const Pipeline& p, const DriverRegistry& drivers, std::ostream& out, nlohmann::json& doc) {
  int differing_steps = 0;
  doc["steps"] = nlohmann::json::array();
  try {
    // The run's own plan (without its write checks: verify only reads).
    plan::Options options;
    options.check_targets = false;
    options.objects = false;
    for (const auto& unit : plan::plan_units(p, drivers, options)) {
      nlohmann::json step;
      if (verify_unit(p, drivers, unit, out, step)) ++differing_steps;
      doc["steps"].push_back(std::move(step));
    }
  } catch (const Error& e) {
    out << "error: " << e.what() << "\n";
    doc["error"] = e.what();
    doc["differing_steps"] = differing_steps;
    return exit_code_for(e.error_class());
  }
  doc["differing_steps"] = differing_steps;
  return differing_steps ? kExitFailed : kExitOk;
}

}  // namespace sluice::runtime
