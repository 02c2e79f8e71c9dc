#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

// What the public hnemu::Emulator (include/hnemu/emulator.h) runs on: the internal emulator, seen
// through the control API's answers. The public API and the internals both name things in
// namespace hnemu (Emulator, Error, Coverage, ...), so no source file sees both: this header
// names neither, backend.cpp sees the internals, emulator.cpp the public API.
namespace hnemu::library {

struct BackendOptions {
  std::uint64_t seed = 1;
  std::string clock;  // "manual", "auto" or "realtime"
  std::string start;  // ISO 8601; empty: the emulator's default
  int port = 0;
  bool default_accounts = true;
};

// An answer as the control API gives it: a status and a JSON body ({"error": {"status",
// "message"}} when the status is not 2xx).
struct Answer {
  int status = 200;
  std::string body;
  bool ok() const { return status >= 200 && status < 300; }
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual Answer start() = 0;  // {"port": N}
  virtual void stop() = 0;
  virtual bool running() const = 0;
  virtual int port() const = 0;
  virtual std::string url() const = 0;

  // A control API request (target: a path under /__hnemu/ with its query), answered in process
  // exactly as over HTTP. `source` names a scenario body's origin (a file path) for its errors.
  virtual Answer control(const std::string& method, const std::string& target,
                         const std::string& body, const std::string& content_type,
                         const std::string& source) = 0;
  // Reads a scenario file (regular, at most 1 MiB) and loads it as control() would.
  virtual Answer loadScenarioFile(const std::string& path) = 0;

  virtual std::size_t runUntilIdle(std::size_t max_timers) = 0;
  virtual bool waitForWebhooks(std::chrono::milliseconds timeout) = 0;
  virtual std::vector<std::string> timeline(std::size_t max_lines) = 0;
  virtual std::string report() = 0;
};

// Throws std::invalid_argument when an option does not parse.
std::unique_ptr<Backend> makeBackend(const BackendOptions& options);

}  // namespace hnemu::library
