// A process started by a test and kept running beside it (a server, a plugin): its stdin is a
// pipe (closing it tells well-behaved servers to exit), stdout and stderr go to files the test
// can read. The destructor stops it: SIGTERM, then SIGKILL after a bounded wait.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace xport::test {

class BackgroundProcess {
 public:
  // Starts `argv` with `env` added to the environment; output files in `log_dir`, named after
  // `name`.
  BackgroundProcess(std::string name, std::vector<std::string> argv,
                    const std::filesystem::path& log_dir,
                    std::vector<std::pair<std::string, std::string>> env = {})
      : name_(std::move(name)) {
    out_path_ = log_dir / (name_ + ".out");
    err_path_ = log_dir / (name_ + ".err");
    int in_pipe[2];
    if (::pipe(in_pipe) != 0) throw std::runtime_error("pipe failed");
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(in_pipe[0], 0);
      ::close(in_pipe[0]);
      ::close(in_pipe[1]);
      int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(out, 1);
      ::dup2(err, 2);
      for (auto& [k, v] : env)
        ::setenv(k.c_str(), v.c_str(), 1);
      std::vector<char*> args;
      for (auto& a : argv)
        args.push_back(a.data());
      args.push_back(nullptr);
      ::execvp(args[0], args.data());
      std::fprintf(stderr, "exec %s failed: %s\n", args[0], std::strerror(errno));
      ::_exit(127);
    }
    ::close(in_pipe[0]);
    stdin_fd_ = in_pipe[1];
  }

  ~BackgroundProcess() { stop(); }
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }
  std::string out() const { return slurp(out_path_); }
  std::string err() const { return slurp(err_path_); }

  // Writes `line` and a line end to the process's stdin (a process that is gone: an
  // exception, not SIGPIPE).
  void send_line(const std::string& line) const {
    static const bool ignored = [] { return ::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
    (void)ignored;
    const std::string text = line + "\n";
    std::size_t sent = 0;
    while (stdin_fd_ >= 0 && sent < text.size()) {
      const ssize_t n = ::write(stdin_fd_, text.data() + sent, text.size() - sent);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw std::runtime_error(name_ + ": cannot write to its stdin");
      sent += static_cast<std::size_t>(n);
    }
  }
  // Waits (bounded) for a line of stdout matching `pattern` and returns its first group.
  std::string wait_for_output(const std::string& pattern,
                              std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return wait_for(out_path_, pattern, timeout);
  }
  // The same for the n-th match (from 1): for a process that prints the same line again.
  std::string wait_for_nth_output(const std::string& pattern, std::size_t n,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return wait_for(out_path_, pattern, timeout, n);
  }
  std::string wait_for_stderr(const std::string& pattern,
                              std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    return wait_for(err_path_, pattern, timeout);
  }

  void signal(int sig) const {
    if (pid_ > 0) ::kill(pid_, sig);
  }

  // Waits for the process to exit; its exit code (128+signal when killed), or nullopt on
  // timeout.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout) {
    if (exit_code_) return exit_code_;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      pid_t r = ::waitpid(pid_, &status, WNOHANG);
      if (r == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        return exit_code_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return std::nullopt;
  }

  void stop() {
    if (stdin_fd_ >= 0) {
      ::close(stdin_fd_);
      stdin_fd_ = -1;
    }
    if (pid_ <= 0 || exit_code_) return;
    signal(SIGTERM);
    if (!wait_exit(std::chrono::seconds(15))) {
      signal(SIGKILL);
      wait_exit(std::chrono::seconds(5));
    }
  }

 private:
  static std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }

  std::string wait_for(const std::filesystem::path& file, const std::string& pattern,
                       std::chrono::milliseconds timeout, std::size_t n = 1) {
    std::regex re(pattern);
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const std::string text = slurp(file);
      std::size_t seen = 0;
      for (auto it = std::sregex_iterator(text.begin(), text.end(), re);
           it != std::sregex_iterator(); ++it) {
        if (++seen == n) return it->size() > 1 ? (*it)[1].str() : (*it)[0].str();
      }
      if (wait_exit(std::chrono::milliseconds(0)))
        throw std::runtime_error(name_ + " exited before printing /" + pattern + "/; stderr:\n" +
                                 err());
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    throw std::runtime_error(name_ + " did not print /" + pattern + "/ in time; stderr:\n" + err());
  }

  std::string name_;
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::optional<int> exit_code_;
  std::filesystem::path out_path_, err_path_;
};

}  // namespace xport::test
