#include "drivers/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "sluice/status.h"

namespace sluice::files {
namespace {

class FileLock final : public RunLock {
 public:
  explicit FileLock(int fd) : fd_(fd) {}
  ~FileLock() override {
    ::ftruncate(fd_, 0);
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }

 private:
  int fd_;
};

}  // namespace

std::unique_ptr<RunLock> lock_file(const std::string& path, const std::string& pipeline, const std::string& holder) {
  std::error_code ec;
  const auto folder = std::filesystem::path(path).parent_path();
  // The folder's own error (permission denied), not the "No such file" that opening
  // inside a folder that could not be made would report.
  if (!folder.empty() && !std::filesystem::create_directories(folder, ec) && ec)
    throw Error(ErrorClass::connect, "cannot create folder " + folder.string() + " for the lock file: " + ec.message());
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(ErrorClass::connect, "cannot open lock file " + path + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char buf[512] = {};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    ::close(fd);
    std::string who = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "unknown";
    while (!who.empty() && who.back() == '\n') who.pop_back();
    throw Error(ErrorClass::transient, "pipeline " + pipeline + " is already running (" + who + "; lock file " + path + ")");
  }
  std::string content = holder + "\n";
  ::ftruncate(fd, 0);
  if (::pwrite(fd, content.data(), content.size(), 0) < 0) { /* the lock holds without the note */ }
  return std::make_unique<FileLock>(fd);
}

}  // namespace sluice::files
