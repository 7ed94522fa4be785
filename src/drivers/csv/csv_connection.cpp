// CSV folders: one file per table (<folder>/<table>.csv) with a header row. Checkpoints
// live in <folder>/.sluice_state.json beside the output, written atomically after the
// data file is synced, and record the byte length of the committed output so a resumed
// run cuts off anything written after the last commit.
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>


#include "core/identifiers.h"
#include "drivers/csv/csv_format.h"
#include "drivers/csv/csv_state.h"
#include "drivers/file_lock.h"
#include "sluice/connection.h"
#include "sluice/registry.h"
#include "sluice/status.h"

namespace fs = std::filesystem;

namespace sluice::csv {
namespace {

std::string csv_file(const std::string& folder, const TableRef& t) {
  if (!t.schema.empty())
    throw Error(ErrorClass::config, "a CSV folder has no schemas: table " + t.display() + " cannot be written to or read from " + folder);
  return (fs::path(folder) / (ident::file_stem(t.name) + ".csv")).string();
}

class CsvSource final : public Source {
 public:
  CsvSource(const std::string& path, const Dialect& d, const ExtractRequest& req) : reader_(path, d) {
    Row header;
    if (!reader_.next(header)) throw Error(ErrorClass::config, "CSV file " + path + " is empty: it needs a header row");
    std::vector<std::string> names;
    for (auto& v : header) {
      const std::string name = v.is_null() ? std::string() : v.str();
      const std::string column = "column " + std::to_string(names.size() + 1) + " of the header of " + path;
      if (name.empty()) throw Error(ErrorClass::config, column + " has no name");
      auto dup = std::find(names.begin(), names.end(), name);
      if (dup != names.end())
        throw Error(ErrorClass::config, column + " repeats the name '" + name + "' of column " +
                                            std::to_string(dup - names.begin() + 1));
      names.push_back(name);
    }
    for (const auto& n : names) schema_.columns.push_back({n, TypeInfo::of(TypeId::text), true, {}, false});
    if (!req.columns.empty()) {
      Schema picked;
      for (const auto& c : req.columns) {
        auto idx = schema_.index_of(c);
        if (!idx) throw Error(ErrorClass::config, "column '" + c + "' is not in the header of " + path);
        picked.columns.push_back(schema_.columns[*idx]);
        pick_.push_back(*idx);
      }
      schema_ = picked;
    }
    width_ = names.size();
    for (std::int64_t i = 0; i < req.skip_rows; ++i)
      if (!reader_.next(scratch_)) break;
  }

  const Schema& schema() const override { return schema_; }

  bool read(Batch& batch) override {
    batch.clear();
    while (!batch.full()) {
      if (!reader_.next(scratch_)) break;
      if (scratch_.size() != width_)
        throw Error(ErrorClass::data, reader_.path() + ":" + std::to_string(reader_.record_line()) + ": expected " +
                                          std::to_string(width_) + " fields as in the header, found " +
                                          std::to_string(scratch_.size()));
      Row& row = batch.append_row(schema_.size());
      if (pick_.empty()) {
        for (std::size_t i = 0; i < width_; ++i) std::swap(row[i], scratch_[i]);
      } else {
        for (std::size_t i = 0; i < pick_.size(); ++i) std::swap(row[i], scratch_[pick_[i]]);
      }
    }
    return !batch.empty();
  }

 private:
  Reader reader_;
  Schema schema_;
  std::vector<std::size_t> pick_;
  std::size_t width_ = 0;
  Row scratch_;
};

class CsvSink final : public Sink {
 public:
  CsvSink(std::string folder, const Dialect& d, LoadRequest req, std::int64_t resume_offset)
      : dialect_(d), req_(std::move(req)), state_(folder) {
    final_path_ = csv_file(folder, req_.table);
    // truncate and replace build the new file aside and swap it in at the end, so
    // readers never see a half-written file and a failed run leaves the old one.
    bool aside = req_.mode != LoadMode::append;
    path_ = aside ? final_path_ + ".sluice-tmp" : final_path_;
    bool exists = fs::exists(path_);
    if (req_.resuming && exists) {
      fs::resize_file(path_, static_cast<std::uintmax_t>(resume_offset));
    } else if (aside || !exists || fs::file_size(path_) == 0) {
      std::ofstream(path_, std::ios::trunc);
      std::string header;
      format_header(req_.schema.names(), dialect_, header);
      out_ = std::fopen(path_.c_str(), "ab");
      if (!out_) io_error("cannot open " + path_);
      std::fwrite(header.data(), 1, header.size(), out_);
    } else {
      check_header();
    }
    if (!out_) out_ = std::fopen(path_.c_str(), "ab");
    if (!out_) io_error("cannot open " + path_);
    std::fflush(out_);
    committed_offset_ = static_cast<std::int64_t>(fs::file_size(path_));
  }
  ~CsvSink() override {
    if (out_) std::fclose(out_);
  }

  void begin() override {}
  void truncate() override {}  // the file was started empty (written aside)

  void write(const Batch& batch) override {
    buf_.clear();
    for (std::size_t r = 0; r < batch.size(); ++r) {
      for (std::size_t c = 0; c < batch[r].size(); ++c)
        if (batch[r][c].kind() == Value::Kind::text && !convert::clean_text(batch[r][c].str()))
          throw Error(ErrorClass::data, "column " + req_.schema.columns[c].name +
                                            ": text is not valid UTF-8 or holds a NUL byte (see on_invalid_text)", "22021");
      format_record(batch[r], dialect_, buf_);
    }
    if (std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size()) io_error("writing " + path_);
  }

  void commit(const Checkpoint& cp) override {
    if (std::fflush(out_) != 0 || ::fsync(fileno(out_)) != 0) io_error("syncing " + path_);
    committed_offset_ = static_cast<std::int64_t>(std::ftell(out_));
    state_.save_at(req_.pipeline, req_.state_key, cp, committed_offset_);
    ++commits_;
  }

  void finish(const Checkpoint& cp) override {
    if (std::fflush(out_) != 0 || ::fsync(fileno(out_)) != 0) io_error("syncing " + path_);
    if (path_ != final_path_) {
      // The state is saved before the rename: a crash in between re-finishes on rerun.
      state_.save_at(req_.pipeline, req_.state_key, cp, static_cast<std::int64_t>(std::ftell(out_)));
      if (std::rename(path_.c_str(), final_path_.c_str()) != 0) io_error("replacing " + final_path_);
    } else {
      state_.save_at(req_.pipeline, req_.state_key, cp, static_cast<std::int64_t>(std::ftell(out_)));
    }
    ++commits_;
  }

  // Cuts off what was written since the last commit (a killed run's leftovers are cut
  // off on resume, from the offset in the state file).
  void rollback() noexcept override {
    std::fflush(out_);
    if (::ftruncate(fileno(out_), committed_offset_) == 0) std::fseek(out_, 0, SEEK_END);
  }
  std::int64_t commits() const override { return commits_; }

 private:
  void check_header() {
    Reader r(path_, dialect_);
    Row header;
    r.next(header);
    std::vector<std::string> names;
    for (auto& v : header) names.push_back(v.str());
    if (names != req_.schema.names())
      throw Error(ErrorClass::config, "cannot append to " + path_ + ": its header does not match the step's columns");
  }

  Dialect dialect_;
  LoadRequest req_;
  StateFile state_;
  std::string final_path_, path_;
  std::FILE* out_ = nullptr;
  std::int64_t committed_offset_ = 0;
  std::string buf_;
  std::int64_t commits_ = 0;
};

class CsvConnection final : public Connection {
 public:
  explicit CsvConnection(const ConnectionConfig& cfg) : cfg_(cfg), state_(cfg.path) {
    dialect_.delimiter = cfg.delimiter;
    dialect_.null_marker = cfg.null_marker;
    dialect_.encoding = cfg.encoding;
  }

  // Table names become file names only through ident::file_stem, so no name can
  // reach outside the folder.
  std::string file_of(const TableRef& t) const { return csv_file(cfg_.path, t); }

  // A source folder must exist and be a folder; a target folder is created, but the
  // path must not be a file.
  void require_folder(bool must_exist = true) const {
    std::error_code ec;
    if (fs::is_directory(cfg_.path, ec)) return;
    if (!must_exist && !fs::exists(cfg_.path, ec)) return;
    if (fs::exists(cfg_.path, ec))
      throw Error(ErrorClass::config, "CSV connection '" + cfg_.name + "': " + cfg_.path + " is a file, not a folder of CSV files");
    throw Error(ErrorClass::config, "CSV connection '" + cfg_.name + "': folder " + cfg_.path + " does not exist");
  }

  void check_readable() override { require_folder(); }

  std::vector<TableRef> list_tables(const std::string&) override {
    require_folder();
    std::vector<TableRef> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(cfg_.path, ec))
      if (e.is_regular_file() && e.path().extension() == ".csv") {
        std::string table = ident::table_of_stem(e.path().stem().string());
        if (!ident::is_reserved(table)) out.push_back({"", table});
      }
    if (ec) throw Error(ErrorClass::connect, "cannot list CSV folder " + cfg_.path + ": " + ec.message());
    std::sort(out.begin(), out.end(), [](const TableRef& a, const TableRef& b) { return a.name < b.name; });
    return out;
  }

  std::optional<Schema> describe(const TableRef& t) override {
    require_folder(false);
    if (!fs::exists(file_of(t))) return std::nullopt;
    ExtractRequest req;
    req.table = t;
    CsvSource src(file_of(t), dialect_, req);
    return src.schema();
  }

  std::optional<std::int64_t> estimate_rows(const TableRef&) override { return std::nullopt; }

  std::unique_ptr<Source> open_source(const ExtractRequest& req) override {
    if (!req.query.empty()) throw Error(ErrorClass::config, "a CSV connection has no query language: use table:");
    if (!req.where.empty()) throw Error(ErrorClass::config, "a CSV connection cannot apply where: (use a filter transform)");
    require_folder();
    if (!fs::exists(file_of(req.table)))
      throw Error(ErrorClass::config, "CSV file " + file_of(req.table) + " does not exist");
    return std::make_unique<CsvSource>(file_of(req.table), dialect_, req);
  }

  std::unique_ptr<Sink> open_sink(const LoadRequest& req) override {
    if (req.mode == LoadMode::upsert)
      throw Error(ErrorClass::config, "a CSV target supports append, truncate and replace, not upsert");
    std::error_code ec;
    fs::create_directories(cfg_.path, ec);
    if (ec) throw Error(ErrorClass::connect, "cannot create CSV folder " + cfg_.path + ": " + ec.message());
    if (req.create == CreateMode::never && !fs::exists(file_of(req.table)))
      throw Error(ErrorClass::config, "target file " + file_of(req.table) + " does not exist and create is never");
    const std::int64_t offset = req.resuming ? state_.offset(req.pipeline, req.state_key) : 0;
    if (req.create == CreateMode::always && !req.resuming && req.mode == LoadMode::append) fs::remove(file_of(req.table), ec);
    return std::make_unique<CsvSink>(cfg_.path, dialect_, req, offset);
  }

  bool resumes_by_position() const override { return true; }
  Schema describe_query(const std::string&) override {
    throw Error(ErrorClass::config, "a CSV connection has no query language: use table:");
  }

  std::string column_type_sql(const TypeInfo&) override { return "text"; }
  TypeInfo created_type(const TypeInfo&) override { return TypeInfo::of(TypeId::text); }
  TableDdl table_ddl(const TableRef& t, const Schema& s, const std::vector<std::string>&, const TableObjects& objects) override {
    std::string cols;
    for (const auto& n : s.names()) cols += (cols.empty() ? "" : ",") + n;
    TableDdl ddl{"-- CSV file " + file_of(t) + " with header: " + cols, {}, {}, {}};
    // A file holds rows only.
    for (const auto& i : objects.indexes) ddl.not_migrated.push_back((i.unique ? "unique index " : "index ") + i.name + " (a CSV file has none)");
    for (const auto& f : objects.foreign_keys) ddl.not_migrated.push_back("foreign key " + f.name + " (a CSV file has none)");
    for (const auto& c : objects.checks) ddl.not_migrated.push_back("check " + c.name + " (a CSV file has none)");
    return ddl;
  }

  std::optional<Checkpoint> read_checkpoint(const std::string& pipeline, const std::string& key) override {
    return state_.load(pipeline, key);
  }
  void write_checkpoint(const std::string& pipeline, const std::string& key, const Checkpoint& cp) override {
    state_.save(pipeline, key, cp);
  }
  std::unique_ptr<RunLock> lock_run(const std::string& pipeline, const std::string& holder) override {
    std::error_code ec;
    fs::create_directories(cfg_.path, ec);
    return files::lock_file((fs::path(cfg_.path) / ".sluice.lock").string(), pipeline, holder);
  }

  std::vector<StateRow> read_state(const std::string& pipeline) override { return state_.list(pipeline); }
  void clear_state(const std::string& pipeline, const std::string& step) override { state_.clear(pipeline, step); }

 private:
  ConnectionConfig cfg_;
  Dialect dialect_;
  StateFile state_;
};

}  // namespace

std::unique_ptr<Connection> connect(const ConnectionConfig& cfg) { return std::make_unique<CsvConnection>(cfg); }

}  // namespace sluice::csv
