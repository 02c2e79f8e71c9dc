#pragma once

// For the tests that run the real `hnemu` binary (signals, --state, exit codes).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace hnemu::testing {

struct Served {
  pid_t pid = -1;
  int port = 0;         // 0: it exited (or never said where it listens)
  std::string printed;  // standard output up to the "listening on" line
};

// Starts `hnemu ARGS...` with standard error appended to `log_path` and reads the port it prints.
// `file_size_limit` (bytes) is the child's RLIMIT_FSIZE: a full disk for every file it writes.
inline Served serveBinary(const std::vector<std::string>& args, const std::string& log_path,
                          std::optional<rlim_t> file_size_limit = std::nullopt) {
  int out[2];
  REQUIRE(::pipe(out) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(log, STDERR_FILENO);
    ::close(out[0]);
    if (file_size_limit) {
      const rlimit limit{*file_size_limit, *file_size_limit};
      ::setrlimit(RLIMIT_FSIZE, &limit);
    }
    std::vector<char*> argv{const_cast<char*>(HNEMU_BINARY)};
    for (const std::string& arg : args) {
      argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    ::execv(HNEMU_BINARY, argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  Served served{pid, 0, ""};
  char buffer[512];
  while (served.printed.find("listening on") == std::string::npos ||
         served.printed.find('\n', served.printed.find("listening on")) == std::string::npos) {
    const ssize_t n = ::read(out[0], buffer, sizeof buffer);
    if (n <= 0) {
      break;
    }
    served.printed.append(buffer, static_cast<size_t>(n));
  }
  ::close(out[0]);
  const size_t at = served.printed.find("http://127.0.0.1:");
  if (at != std::string::npos) {
    served.port = std::stoi(served.printed.substr(at + 17));
  }
  return served;
}

// `hnemu serve --port 0 --state PATH [EXTRA...]`.
inline Served serveWithState(const std::string& state_path, const std::string& log_path,
                             std::vector<std::string> extra = {},
                             std::optional<rlim_t> file_size_limit = std::nullopt) {
  std::vector<std::string> args{"serve", "--port", "0", "--state", state_path};
  args.insert(args.end(), extra.begin(), extra.end());
  return serveBinary(args, log_path, file_size_limit);
}

// Starts `hnemu ARGS...` with standard output and error appended to `log_path`; does not wait.
inline pid_t startBinary(const std::vector<std::string>& args, const std::string& log_path) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    std::vector<char*> argv{const_cast<char*>(HNEMU_BINARY)};
    for (const std::string& arg : args) {
      argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    ::execv(HNEMU_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

// Waits (up to 60 s) until process `pid` runs the hnemu binary and has blocked `signal` in its
// main thread: from then on hnemu handles the signal itself; before it, the signal's default
// action ends the process. A loaded (sanitized) build can take longer than any fixed pause to get
// there, and a sanitized fork blocks every signal for a moment before exec, which is why the
// binary is checked too.
inline bool waitSignalBlocked(pid_t pid, int signal) {
  const std::string proc = "/proc/" + std::to_string(pid);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code gone;
    if (std::filesystem::equivalent(proc + "/exe", HNEMU_BINARY, gone)) {
      std::ifstream status(proc + "/status");
      std::string line;
      while (std::getline(status, line)) {
        if (line.rfind("SigBlk:", 0) == 0 &&
            (std::stoull(line.substr(7), nullptr, 16) >> (signal - 1) & 1) != 0) {
          return true;
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

inline int waitExit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return status;
}

// Runs `hnemu ARGS...` to its end: exit status (-1 if it did not exit normally) and what it
// wrote to standard output and standard error, together.
inline int runBinary(const std::vector<std::string>& args, std::string& output) {
  int out[2];
  REQUIRE(::pipe(out) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(out[1], STDERR_FILENO);
    ::close(out[0]);
    std::vector<char*> argv{const_cast<char*>(HNEMU_BINARY)};
    for (const std::string& arg : args) {
      argv.push_back(const_cast<char*>(arg.c_str()));
    }
    argv.push_back(nullptr);
    ::execv(HNEMU_BINARY, argv.data());
    ::_exit(127);
  }
  ::close(out[1]);
  char buffer[4096];
  for (ssize_t n; (n = ::read(out[0], buffer, sizeof buffer)) > 0;) {
    output.append(buffer, static_cast<size_t>(n));
  }
  ::close(out[0]);
  const int status = waitExit(pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace hnemu::testing
