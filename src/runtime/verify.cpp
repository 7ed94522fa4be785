#include "runtime/verify.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/targets.h"
#include "plan/plan.h"
#include "sluice/runner.h"
#include "sluice/status.h"
#include "sluice/transform.h"

namespace sluice::runtime {
namespace {

using K = Value::Kind;

bool numeric(K k) { return k == K::int64 || k == K::uint64 || k == K::decimal || k == K::float64 || k == K::boolean; }

// "001.500" and "1.5" are the same number: compare decimal text without redundant zeros.
std::string normalized_number(const Value& v) {
  std::string s = v.kind() == K::boolean ? (v.as_bool() ? "1" : "0") : v.to_text();
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

// Orders keys the way the databases are asked to sort them (numbers numerically,
// text by bytes as in the C and _bin collations).
int compare_key_value(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return a.is_null() == b.is_null() ? 0 : (a.is_null() ? -1 : 1);
  if (numeric(a.kind()) && numeric(b.kind())) {
    if (a.kind() == K::int64 && b.kind() == K::int64) return a.as_int() < b.as_int() ? -1 : a.as_int() > b.as_int();
    long double x = std::strtold(normalized_number(a).c_str(), nullptr), y = std::strtold(normalized_number(b).c_str(), nullptr);
    return x < y ? -1 : x > y;
  }
  bool ta = a.kind() >= K::date && a.kind() <= K::timestamptz, tb = b.kind() >= K::date && b.kind() <= K::timestamptz;
  if (ta && tb) {
    auto micros = [](const Value& v) { return v.kind() == K::date ? v.as_temporal() * 86400000000LL : v.as_temporal(); };
    return micros(a) < micros(b) ? -1 : micros(a) > micros(b);
  }
  std::string x = a.to_text(), y = b.to_text();
  return x.compare(y) < 0 ? -1 : x.compare(y) > 0;
}

int compare_keys(const std::vector<Value>& a, const std::vector<Value>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
    if (int c = compare_key_value(a[i], b[i])) return c;
  return 0;
}

std::string show_key(const std::vector<std::string>& names, const std::vector<Value>& key) {
  std::string s = "(";
  for (std::size_t i = 0; i < key.size(); ++i)
    s += (i ? ", " : "") + names[i] + "=" + (key[i].is_null() ? "NULL" : key[i].to_text());
  return s + ")";
}

// One side of the comparison: a source with transforms, read batch by batch.
class Cursor {
 public:
  Cursor(std::unique_ptr<Connection> conn, const ExtractRequest& req, const std::vector<TransformConfig>& transforms)
      : conn_(std::move(conn)), source_(conn_->open_source(req)), batch_(5000) {
    schema_ = source_->schema();
    for (const auto& t : transforms) {
      transforms_.push_back(make_transform(t));
      schema_ = transforms_.back()->bind(schema_);
    }
  }
  const Schema& schema() const { return schema_; }
  // The current row, or nullptr at the end.
  const Row* row() {
    while (pos_ >= batch_.size()) {
      if (done_ || !source_->read(batch_)) { done_ = true; return nullptr; }
      for (auto& t : transforms_) t->apply(batch_);
      pos_ = 0;
    }
    return &batch_[pos_];
  }
  void next() { ++pos_; }

 private:
  std::unique_ptr<Connection> conn_;
  std::unique_ptr<Source> source_;
  std::vector<std::unique_ptr<Transform>> transforms_;
  Schema schema_;
  Batch batch_;
  std::size_t pos_ = 0;
  bool done_ = false;
};

}  // namespace

bool same_value(const Value& a, const Value& b, const std::optional<double>& tol) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.kind() == K::float64 || b.kind() == K::float64) {
    if (!numeric(a.kind()) || !numeric(b.kind())) return false;
    double x = std::strtod(normalized_number(a).c_str(), nullptr), y = std::strtod(normalized_number(b).c_str(), nullptr);
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) && std::isnan(y);
    if (tol) return std::fabs(x - y) <= *tol;
    // A float column travels as the exact double it holds; compare as floats when one
    // side is single precision text.
    return x == y || static_cast<float>(x) == static_cast<float>(y);
  }
  if (numeric(a.kind()) && numeric(b.kind())) return normalized_number(a) == normalized_number(b);
  bool ta = a.kind() >= K::date && a.kind() <= K::timestamptz, tb = b.kind() >= K::date && b.kind() <= K::timestamptz;
  if (ta || tb) {
    if (ta && tb) return compare_key_value(a, b) == 0 && (a.kind() == K::time) == (b.kind() == K::time);
    // A temporal value against text: compare the text forms parsed.
    const Value& t = ta ? a : b;
    const Value& s = ta ? b : a;
    if (s.kind() != K::text) return false;
    auto parsed = t.kind() == K::date ? convert::parse_date(s.str()) : t.kind() == K::time ? convert::parse_time(s.str())
                                                                                        : convert::parse_timestamp(s.str(), true);
    return parsed && *parsed == t.as_temporal();
  }
  if (a.kind() == K::json || b.kind() == K::json) {
    auto x = nlohmann::json::parse(a.str(), nullptr, false), y = nlohmann::json::parse(b.str(), nullptr, false);
    return !x.is_discarded() && !y.is_discarded() && x == y;
  }
  if (a.kind() == K::uuid || b.kind() == K::uuid) {
    std::string x = a.str(), y = b.str();
    for (auto& c : x) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto& c : y) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return x == y;
  }
  if (numeric(a.kind()) != numeric(b.kind())) return normalized_number(a) == normalized_number(b);
  if ((a.kind() == K::bytes) != (b.kind() == K::bytes)) {
    // Bytes stored as text (a CSV file) are in bytea's hex form: compare what it encodes.
    const Value& text = a.kind() == K::bytes ? b : a;
    const Value& bytes = a.kind() == K::bytes ? a : b;
    if (text.kind() == K::text && text.str().rfind("\\x", 0) == 0) {
      auto decoded = convert::hex_decode(std::string_view(text.str()).substr(2));
      return decoded && *decoded == bytes.str();
    }
  }
  return a.str() == b.str();  // text and bytes: exactly the same bytes
}

namespace {

// Both sides of one unit, read in key order (or row by row for files) and merged.
struct Sides {
  Cursor& source;
  Cursor& target;
  std::vector<std::size_t> source_key, target_key;  // key column positions on each side
  std::vector<std::string> key_names;
  bool positional;
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

// Merges the two sides; prints up to max_differences; returns the number of differences.
std::int64_t compare_sides(const Pipeline& p, const std::string& unit, Sides& sides, std::ostream& out) {
  const Schema& schema = sides.source.schema();
  std::int64_t n_source = 0, n_target = 0, differences = 0, position = 0;
  std::vector<Value> ks, kt, prev_s, prev_t;
  auto report = [&](const std::string& what) {
    if (differences++ < p.verify.max_differences) out << "  " << what << "\n";
  };
  auto key_of = [&](const Row& r, const std::vector<std::size_t>& idx, std::vector<Value>& k) {
    k.clear();
    if (sides.positional) {
      k.emplace_back().set_int(position);
      return;
    }
    for (auto i : idx) k.push_back(r[i]);
  };
  while (true) {
    const Row* a = sides.source.row();
    const Row* b = sides.target.row();
    if (!a && !b) break;
    ++position;
    if (a) key_of(*a, sides.source_key, ks);
    if (b) key_of(*b, sides.target_key, kt);
    if (!sides.positional) {
      if (a) check_order(unit, sides.key_names, prev_s, ks, "source");
      if (b) check_order(unit, sides.key_names, prev_t, kt, "target");
    }
    const int c = !a ? 1 : !b ? -1 : compare_keys(ks, kt);
    if (c <= 0) ++n_source, prev_s = ks;
    if (c >= 0) ++n_target, prev_t = kt;
    if (c < 0) {
      report("missing in target: " + show_key(sides.key_names, ks));
    } else if (c > 0) {
      report("only in target: " + show_key(sides.key_names, kt));
    } else {
      std::string cols;
      for (std::size_t i = 0; i < schema.columns.size(); ++i)
        if (!same_value((*a)[i], (*b)[i], p.verify.float_tolerance)) cols += (cols.empty() ? "" : ", ") + schema.columns[i].name;
      if (!cols.empty()) report("differs: " + show_key(sides.key_names, ks) + " in " + cols);
    }
    if (c <= 0) sides.source.next();
    if (c >= 0) sides.target.next();
  }
  out << "  source rows " << n_source << ", target rows " << n_target << ", " << differences
      << (differences == 1 ? " difference" : " differences");
  if (differences > p.verify.max_differences) out << " (first " << p.verify.max_differences << " shown)";
  out << (differences ? "" : ": equal") << "\n";
  return differences;
}

// One unit of the plan; true when the target differs from the source.
bool verify_unit(const Pipeline& p, const DriverRegistry& drivers, const plan::UnitPlan& unit, std::ostream& out) {
  const StepConfig& step = *unit.step;
  auto src_conn = drivers.connect(p.connections.at(step.extract.from));
  auto dst_conn = drivers.connect(p.connections.at(step.load.to));
  // Both sides in the order of the rows' identity (an incremental cursor only decides
  // which rows a run loads).
  ExtractRequest sreq = unit.extract;
  sreq.order_by = unit.key_order;
  sreq.shard_column.clear();
  sreq.shard_count = 0;
  const bool positional = unit.resume == plan::Resume::by_position || dst_conn->resumes_by_position();
  if (sreq.order_by.empty() && !positional)
    throw Error(ErrorClass::config, "step " + unit.name + ": cannot verify a table without a primary key or order_by");
  Cursor source(std::move(src_conn), sreq, unit.transforms);
  const Schema& s_schema = source.schema();
  // The key by the names it has after the transforms (renames follow it).
  std::vector<std::string> key = step.load.key.empty() ? s_schema.primary_key : step.load.key;
  if (key.empty()) key = sreq.order_by;
  if (!dst_conn->describe(unit.target_table)) {
    out << "step " << unit.name << ": target " << unit.target_table.display() << " does not exist\n";
    return true;
  }
  ExtractRequest treq;
  treq.table = unit.target_table;
  // The target's names for the same columns (identifiers: lower folds them).
  for (const auto& c : s_schema.columns) treq.columns.push_back(targets::target_name(step.load, c.name));
  if (!positional)
    for (const auto& k : key) treq.order_by.push_back(targets::target_name(step.load, k));
  Cursor target(std::move(dst_conn), treq, {});
  Sides sides{source, target, {}, {}, positional ? std::vector<std::string>{"row"} : key, positional};
  for (const auto& k : key) {
    auto si = s_schema.index_of(k);
    auto ti = target.schema().index_of(targets::target_name(step.load, k));
    if (!positional && (!si || !ti)) throw Error(ErrorClass::config, "step " + unit.name + ": key column '" + k + "' is not on both sides");
    if (si) sides.source_key.push_back(*si);
    if (ti) sides.target_key.push_back(*ti);
  }
  out << "step " << unit.name << ":\n";
  return compare_sides(p, unit.name, sides, out) > 0;
}

}  // namespace

int verify_pipeline(const Pipeline& p, const DriverRegistry& drivers, std::ostream& out) {
  int differing_steps = 0;
  try {
    // The run's own plan (without its write checks: verify only reads).
    plan::Options options;
    options.check_targets = false;
    options.objects = false;
    for (const auto& unit : plan::plan_units(p, drivers, options))
      if (verify_unit(p, drivers, unit, out)) ++differing_steps;
  } catch (const Error& e) {
    out << "error: " << e.what() << "\n";
    return exit_code_for(e.error_class());
  }
  return differing_steps ? kExitFailed : kExitOk;
}

}  // namespace sluice::runtime
