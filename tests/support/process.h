#pragma once
// Child processes for tests: run the sluice binary, measure its peak memory, kill it.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace sluice::test {

class Child {
 public:
  // Starts `args` (args[0] is the program) with output to `log_path`.
  Child(const std::vector<std::string>& args, const std::string& log_path) {
    pid_ = ::fork();
    if (pid_ == 0) {
      FILE* f = std::fopen(log_path.c_str(), "a");
      if (f) { ::dup2(fileno(f), 1); ::dup2(fileno(f), 2); }
      std::vector<char*> argv;
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~Child() {
    if (pid_ > 0 && !reaped_) { ::kill(pid_, SIGKILL); wait(); }
  }
  pid_t pid() const { return pid_; }
  void signal(int sig) { ::kill(pid_, sig); }
  // Waits for the exit; returns the exit code (128 + signal if killed).
  int wait() {
    int status = 0;
    struct rusage ru {};
    ::wait4(pid_, &status, 0, &ru);
    reaped_ = true;
    max_rss_kb_ = ru.ru_maxrss;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  // True once the child has exited (reaps it).
  bool exited(int* code = nullptr) {
    int status = 0;
    struct rusage ru {};
    pid_t r = ::wait4(pid_, &status, WNOHANG, &ru);
    if (r != pid_) return false;
    reaped_ = true;
    max_rss_kb_ = ru.ru_maxrss;
    if (code) *code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return true;
  }
  long max_rss_kb() const { return max_rss_kb_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  long max_rss_kb_ = 0;
};

}  // namespace sluice::test
