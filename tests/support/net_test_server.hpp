// Test support for the xport::net tests: the aiohttp test server (tests/support/
// http_test_server.py) as a child process, a throwaway CA with server certificates made with
// the openssl CLI, a fixture sharing one server per suite, SHA-256 of files, and the process's
// peak RSS.
#pragma once

#include <gtest/gtest.h>

#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/process.hpp"
#include "support/test_pki.hpp"

namespace xport::test {

inline const char* kPython = "/usr/bin/python3";
inline const std::string kServerScript =
    std::string(XPORT_SOURCE_DIR) + "/tests/support/http_test_server.py";

// Why the server cannot run here, or "" when it can.
inline std::string server_unavailable() {
  if (!exists(kPython)) return "no /usr/bin/python3";
  if (run(std::string(kPython) + " -c 'import aiohttp'").exit_code != 0) {
    return "/usr/bin/python3 has no aiohttp (apt-get install python3-aiohttp)";
  }
  return {};
}

// The server, started in the constructor (which waits, at most 20 s, for its port) and killed
// in the destructor. It also exits by itself when its stdin (held here) closes.
class TestServer {
 public:
  explicit TestServer(const std::string& cert = {}, const std::string& key = {}) {
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0) {
      throw std::runtime_error("pipe failed");
    }
    std::vector<std::string> args = {kPython, kServerScript};
    if (!cert.empty()) args.insert(args.end(), {"--cert", cert, "--key", key});
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      ::dup2(in[0], 0);
      ::dup2(out[1], 1);
      std::vector<char*> argv;
      for (auto& a : args)
        argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    stdin_ = in[1];
    int from = out[0];
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (line.find('\n') == std::string::npos) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{from, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
      char buf[64];
      auto n = ::read(from, buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<std::size_t>(n));
    }
    ::close(from);
    try {
      port_ = std::stoi(line);
    } catch (...) {
      port_ = 0;
    }
    if (port_ <= 0) {
      stop();
      throw std::runtime_error("test server did not start (got '" + line + "')");
    }
  }
  ~TestServer() { stop(); }
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& scheme, const std::string& path,
                  const std::string& host = "127.0.0.1") const {
    return scheme + "://" + host + ":" + std::to_string(port_) + path;
  }

 private:
  void stop() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {  // at most 5 s, then SIGKILL
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  pid_t pid_ = -1;
  int stdin_ = -1;
  int port_ = 0;
};

// A test suite sharing one TestServer: started once for the suite; a test skips only when
// this machine cannot run the server, and fails when a server that should start did not.
class SharedTestServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (server_unavailable().empty()) server_ = new TestServer();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!server_) {
      auto why = server_unavailable();
      if (why.empty()) FAIL() << "the test server did not start (see SetUpTestSuite above)";
      GTEST_SKIP() << why;
    }
  }
  static inline TestServer* server_ = nullptr;
};

inline std::string sha256_hex(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    EVP_DigestUpdate(ctx, buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  unsigned char md[32];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

// Peak resident set size of this process so far (VmHWM), in bytes.
inline long long peak_rss() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return -1;
}

}  // namespace xport::test
