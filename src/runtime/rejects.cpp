#include "runtime/rejects.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "core/identifiers.h"
#include "core/redact.h"
#include "sluice/status.h"

namespace sluice::runtime {
namespace {
void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}

nlohmann::json to_json(const Value& v) {
  using K = Value::Kind;
  switch (v.kind()) {
    case K::null: return nullptr;
    case K::boolean: return v.as_bool();
    case K::int64: return v.as_int();
    case K::uint64: return v.as_uint();
    case K::bytes: return "\\x" + convert::hex_encode(v.str());
    default: return v.to_text();
  }
}
}  // namespace

struct RejectFile::Shared {
  std::mutex mutex;
  std::FILE* file = nullptr;
  ~Shared() {
    if (file) std::fclose(file);
  }
  // One per path among the reject files open in this process.
  static std::shared_ptr<Shared> open(const std::string& path) {
    static std::mutex registry_mutex;
    static std::map<std::string, std::weak_ptr<Shared>> registry;
    std::lock_guard lock(registry_mutex);
    if (auto open = registry[path].lock()) return open;
    auto shared = std::make_shared<Shared>();
    shared->file = std::fopen(path.c_str(), "a");
    if (!shared->file) throw Error(ErrorClass::internal, "cannot open reject file " + path + ": " + std::strerror(errno));
    registry[path] = shared;
    return shared;
  }
};

RejectFile::RejectFile(const std::string& pattern, const std::string& base_dir, const std::string& pipeline,
                       const std::string& step)
    : step_(step) {
  // The names filled in become one file name each (ident::file_stem): a step or table
  // name such as "../x" or "a/b" can never move the file out of the folder written.
  std::string p = pattern;
  replace_all(p, "{pipeline}", ident::file_stem(pipeline));
  replace_all(p, "{step}", ident::file_stem(step));
  std::filesystem::path fp(p);
  if (fp.is_relative()) fp = std::filesystem::path(base_dir) / fp;
  path_ = fp.lexically_normal().string();
  std::error_code ec;
  std::filesystem::create_directories(fp.parent_path(), ec);
  file_ = Shared::open(path_);
}

RejectFile::~RejectFile() = default;

void RejectFile::write(const Schema& schema, const Row& row, const std::string& error, const std::string& sqlstate) {
  nlohmann::json line;
  line["step"] = step_;
  nlohmann::json r = nlohmann::json::object();
  for (std::size_t i = 0; i < row.size() && i < schema.columns.size(); ++i) r[schema.columns[i].name] = to_json(row[i]);
  line["row"] = r;
  line["error"] = redact::apply(error);
  line["sqlstate"] = sqlstate;
  std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard lock(file_->mutex);
  if (std::fwrite(text.data(), 1, text.size(), file_->file) != text.size())
    throw Error(ErrorClass::internal, "cannot write reject file " + path_);
}

void RejectFile::sync() {
  std::lock_guard lock(file_->mutex);
  std::fflush(file_->file);
  ::fsync(fileno(file_->file));
}

}  // namespace sluice::runtime
