#include "drivers/csv/csv_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "sluice/status.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace sluice::csv {

void io_error(const std::string& what) { throw Error(ErrorClass::internal, what + ": " + std::strerror(errno)); }

void fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

namespace {

std::string now_text() {
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::gmtime(&t));
  return buf;
}

json read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return json::object();
  json j = json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    throw Error(ErrorClass::internal, "state file " + path + " is corrupt; remove it with sluice state --reset-all");
  return j;
}

// The folder exists: the caller holds a lock file in it.
void write_file(const std::string& path, const json& j) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << j.dump(2);
    if (!out) io_error("writing " + tmp);
  }
  fsync_path(tmp);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) io_error("replacing " + path);
  fsync_path(fs::path(path).parent_path().string());
}

Checkpoint to_checkpoint(const json& e) {
  Checkpoint cp;
  cp.run_id = e.value("run_id", "");
  cp.last_key = decode_key(e.value("last_key", ""));
  cp.rows = e.value("rows", 0LL);
  cp.completed = e.value("completed", false);
  return cp;
}

// The state file is read, changed and replaced as a whole: two writers at once (units of
// one run with --parallel, or two pipelines loading into one folder) would each replace
// the other's change, and share the temp file. An exclusive flock on a lock file beside
// it makes each change whole; flock locks belong to open files, so it also orders the
// threads of one process, each of which opens the lock file anew.
class ExclusiveFileLock {
 public:
  explicit ExclusiveFileLock(const std::string& path) : fd_(::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644)) {
    if (fd_ < 0) io_error("opening " + path);
    while (::flock(fd_, LOCK_EX) != 0)
      if (errno != EINTR) {
        ::close(fd_);
        io_error("locking " + path);
      }
  }
  ~ExclusiveFileLock() { ::close(fd_); }
  ExclusiveFileLock(const ExclusiveFileLock&) = delete;
  ExclusiveFileLock& operator=(const ExclusiveFileLock&) = delete;

 private:
  int fd_;
};

const json* entry(const json& j, const std::string& pipeline, const std::string& step) {
  auto p = j.find(pipeline);
  if (p == j.end() || !p->is_object()) return nullptr;
  auto s = p->find(step);
  return s == p->end() ? nullptr : &*s;
}

}  // namespace

StateFile::StateFile(const std::string& folder) : path_((fs::path(folder) / ".sluice_state.json").string()) {}

std::optional<Checkpoint> StateFile::load(const std::string& pipeline, const std::string& step) {
  json j = read_file(path_);
  const json* e = entry(j, pipeline, step);
  if (!e) return std::nullopt;
  return to_checkpoint(*e);
}

std::int64_t StateFile::offset(const std::string& pipeline, const std::string& step) const {
  json j = read_file(path_);
  const json* e = entry(j, pipeline, step);
  return e ? e->value("offset", 0LL) : 0;
}

void StateFile::save(const std::string& pipeline, const std::string& step, const Checkpoint& cp) {
  write(pipeline, step, cp, std::nullopt);
}

void StateFile::save_at(const std::string& pipeline, const std::string& step, const Checkpoint& cp, std::int64_t offset) {
  write(pipeline, step, cp, offset);
}

void StateFile::write(const std::string& pipeline, const std::string& step, const Checkpoint& cp, std::optional<std::int64_t> offset) {
  fs::create_directories(fs::path(path_).parent_path());
  ExclusiveFileLock lock(path_ + ".lock");
  json j = read_file(path_);
  json& e = j[pipeline][step];
  if (!offset) offset = e.is_object() ? e.value("offset", 0LL) : 0;
  e["run_id"] = cp.run_id;
  e["last_key"] = encode_key(cp.last_key);
  e["rows"] = cp.rows;
  e["completed"] = cp.completed;
  e["offset"] = *offset;
  e["updated_at"] = now_text();
  write_file(path_, j);
}

std::vector<StateRow> StateFile::list(const std::string& pipeline) {
  std::vector<StateRow> out;
  json j = read_file(path_);
  if (!j.contains(pipeline)) return out;
  for (auto& [step, e] : j[pipeline].items()) out.push_back({step, to_checkpoint(e), e.value("updated_at", "")});
  return out;
}

void StateFile::clear(const std::string& pipeline, const std::string& step) {
  if (!fs::exists(path_)) return;
  ExclusiveFileLock lock(path_ + ".lock");
  json j = read_file(path_);
  if (!j.contains(pipeline)) return;
  if (step.empty()) j.erase(pipeline);
  else j[pipeline].erase(step);
  write_file(path_, j);
}

}  // namespace sluice::csv
