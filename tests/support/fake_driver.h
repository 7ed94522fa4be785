#pragma once
// An in-memory database behind the Connection interface, for unit tests of the engine
// (load loop, commit cadence, checkpoints, retries, reject isolation, truncate, replace)
// without servers. It fails on purpose: it can refuse rows, fail the Nth commit, or drop
// the connection at the Nth write. Databases themselves are tested for real elsewhere.
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "sluice/connection.h"
#include "sluice/registry.h"
#include "sluice/status.h"

namespace sluice::test {

// The "server": shared by every connection made to it. Tables are keyed by name, and
// their first column is an integer id that orders them.
struct FakeDb {
  std::mutex mutex;
  std::map<std::string, Schema> schemas;
  std::map<std::string, std::vector<Row>> tables;  // committed rows
  std::map<std::string, Checkpoint> state;         // committed checkpoints, by state key

  // Faults.
  std::set<std::int64_t> refuse_ids;  // a write holding one of these ids is refused (data error)
  int fail_commit = 0;                // the Nth sink commit fails before it applies (transient)
  int drop_at_write = 0;              // the Nth sink write loses the connection (transient)

  // What happened, for the assertions.
  int commits = 0, writes = 0, truncates_committed = 0, swaps = 0;
  // At every committed transaction: rows in the target table and the checkpoint's row
  // count, as they stand together after the commit.
  struct Commit {
    std::size_t target_rows;
    std::int64_t checkpoint_rows;
    bool swapped;
  };
  std::vector<Commit> commit_log;

  void create_items(const std::string& table, int n) {
    Schema s;
    s.columns = {{"id", TypeInfo::of(TypeId::int64), false, {}, false}, {"name", TypeInfo::of(TypeId::text), true, {}, false}};
    s.primary_key = {"id"};
    schemas[table] = s;
    auto& rows = tables[table];
    rows.clear();
    for (int i = 1; i <= n; ++i) {
      Row r(2);
      r[0].set_int(i);
      r[1].set_text("item " + std::to_string(i));
      rows.push_back(r);
    }
  }
  std::vector<std::int64_t> ids(const std::string& table) {
    std::vector<std::int64_t> out;
    for (const auto& r : tables[table]) out.push_back(r[0].as_int());
    return out;
  }
};

class FakeSource final : public Source {
 public:
  FakeSource(std::vector<Row> rows, Schema schema) : rows_(std::move(rows)), schema_(std::move(schema)) {}
  const Schema& schema() const override { return schema_; }
  bool read(Batch& batch) override {
    batch.clear();
    while (!batch.full() && next_ < rows_.size()) {
      Row& r = batch.append_row(schema_.size());
      for (std::size_t c = 0; c < schema_.size(); ++c) r[c] = rows_[next_][c];
      ++next_;
    }
    return !batch.empty();
  }

 private:
  std::vector<Row> rows_;
  Schema schema_;
  std::size_t next_ = 0;
};

class FakeSink final : public Sink {
 public:
  FakeSink(FakeDb& db, LoadRequest req) : db_(db), req_(std::move(req)) {}
  void begin() override { pending_.clear(); truncate_ = false; in_tx_ = true; }
  void truncate() override { truncate_ = true; }
  void write(const Batch& batch) override {
    std::lock_guard<std::mutex> lock(db_.mutex);
    if (++db_.writes == db_.drop_at_write) throw Error(ErrorClass::transient, "fake: connection lost during write");
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (db_.refuse_ids.count(batch[i][0].as_int()))
        throw Error(ErrorClass::data, "fake: row id " + std::to_string(batch[i][0].as_int()) + " refused", "23514");
    for (std::size_t i = 0; i < batch.size(); ++i) pending_.push_back(batch[i]);
  }
  void commit(const Checkpoint& cp) override { apply(cp, false); }
  void rollback() noexcept override { pending_.clear(); truncate_ = false; in_tx_ = false; }
  void finish(const Checkpoint& cp) override { apply(cp, req_.mode == LoadMode::replace); }
  std::int64_t commits() const override { return commits_; }

 private:
  std::string written_table() const { return req_.mode == LoadMode::replace ? req_.table.name + "__staging" : req_.table.name; }
  // One transaction: the rows, the truncate, the swap and the checkpoint together.
  void apply(const Checkpoint& cp, bool swap) {
    std::lock_guard<std::mutex> lock(db_.mutex);
    if (++db_.commits == db_.fail_commit) {
      pending_.clear();
      throw Error(ErrorClass::transient, "fake: connection lost during COMMIT");
    }
    auto& rows = db_.tables[written_table()];
    if (truncate_) { rows.clear(); ++db_.truncates_committed; }
    rows.insert(rows.end(), pending_.begin(), pending_.end());
    if (swap) {
      db_.tables[req_.table.name] = rows;
      db_.tables.erase(written_table());
      ++db_.swaps;
    }
    db_.state[req_.state_key] = cp;
    db_.commit_log.push_back({db_.tables[req_.table.name].size(), cp.rows, swap});
    pending_.clear();
    truncate_ = false;
    in_tx_ = false;
    ++commits_;
  }

  FakeDb& db_;
  LoadRequest req_;
  std::vector<Row> pending_;
  bool truncate_ = false, in_tx_ = false;
  std::int64_t commits_ = 0;
};

class FakeConnection final : public Connection {
 public:
  explicit FakeConnection(FakeDb& db) : db_(db) {}

  std::vector<TableRef> list_tables(const std::string&) override {
    std::lock_guard<std::mutex> lock(db_.mutex);
    std::vector<TableRef> out;
    for (const auto& [name, _] : db_.schemas) out.push_back({"", name});
    return out;
  }
  std::optional<Schema> describe(const TableRef& t) override {
    std::lock_guard<std::mutex> lock(db_.mutex);
    auto it = db_.schemas.find(t.name);
    if (it == db_.schemas.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::int64_t> estimate_rows(const TableRef&) override { return std::nullopt; }
  Schema describe_query(const std::string&) override { throw Error(ErrorClass::config, "the fake driver has no queries"); }

  std::unique_ptr<Source> open_source(const ExtractRequest& req) override {
    std::lock_guard<std::mutex> lock(db_.mutex);
    auto it = db_.schemas.find(req.table.name);
    if (it == db_.schemas.end()) throw Error(ErrorClass::config, "fake: no table " + req.table.name);
    std::vector<Row> rows;
    for (const auto& r : db_.tables[req.table.name])
      if (req.resume_after.empty() || r[0].as_int() > req.resume_after[0].as_int()) rows.push_back(r);
    return std::make_unique<FakeSource>(std::move(rows), it->second);
  }

  std::unique_ptr<Sink> open_sink(const LoadRequest& req) override {
    std::lock_guard<std::mutex> lock(db_.mutex);
    const bool exists = db_.schemas.count(req.table.name) > 0;
    if (!exists || (req.create == CreateMode::always && !req.resuming)) {
      if (req.create == CreateMode::never) throw Error(ErrorClass::config, "fake: no target " + req.table.name);
      db_.schemas[req.table.name] = req.schema;
      db_.tables[req.table.name].clear();
    }
    if (req.mode == LoadMode::replace && !req.resuming) db_.tables[req.table.name + "__staging"].clear();
    return std::make_unique<FakeSink>(db_, req);
  }

  std::string column_type_sql(const TypeInfo&) override { return "fake"; }
  TypeInfo created_type(const TypeInfo& t) override { return t; }
  TableDdl table_ddl(const TableRef& t, const Schema&, const std::vector<std::string>&, const TableObjects&) override {
    return {"CREATE FAKE " + t.name, {}, {}, {}};
  }

  std::optional<Checkpoint> read_checkpoint(const std::string&, const std::string& key) override {
    std::lock_guard<std::mutex> lock(db_.mutex);
    auto it = db_.state.find(key);
    if (it == db_.state.end()) return std::nullopt;
    return it->second;
  }
  void write_checkpoint(const std::string&, const std::string& key, const Checkpoint& cp) override {
    std::lock_guard<std::mutex> lock(db_.mutex);
    db_.state[key] = cp;
  }
  std::unique_ptr<RunLock> lock_run(const std::string&, const std::string&) override { return std::make_unique<RunLock>(); }
  std::vector<StateRow> read_state(const std::string&) override {
    std::lock_guard<std::mutex> lock(db_.mutex);
    std::vector<StateRow> out;
    for (const auto& [k, cp] : db_.state) out.push_back({k, cp, ""});
    return out;
  }
  void clear_state(const std::string&, const std::string& key) override {
    std::lock_guard<std::mutex> lock(db_.mutex);
    if (key.empty()) db_.state.clear();
    else db_.state.erase(key);
  }

 private:
  FakeDb& db_;
};

// A registry whose driver "fake" connects to `db`.
inline DriverRegistry fake_registry(FakeDb& db) {
  DriverRegistry r;
  r.add("fake", [&db](const ConnectionConfig&) { return std::make_unique<FakeConnection>(db); });
  return r;
}

// A one-step pipeline from fake table `from` to fake table `to`.
inline Pipeline fake_pipeline(const std::string& from, const std::string& to, LoadMode mode, int batch_size, int commit_every) {
  Pipeline p;
  p.name = "fake";
  p.file = "/tmp/fake.yaml";
  p.base_dir = "/tmp";
  for (const char* name : {"src", "dst"}) {
    ConnectionConfig c;
    c.name = name;
    c.driver = "fake";
    c.host = "fake";
    c.database = name;
    p.connections[name] = c;
  }
  StepConfig s;
  s.name = "copy";
  s.extract.from = "src";
  s.extract.table = from;
  s.load.to = "dst";
  s.load.table = to;
  s.load.mode = mode;
  s.load.settings.batch_size = batch_size;
  s.load.settings.commit_every = commit_every;
  s.load.settings.retry.initial_backoff = Millis(1);
  s.load.settings.retry.max_backoff = Millis(2);
  p.steps.push_back(s);
  return p;
}

}  // namespace sluice::test
