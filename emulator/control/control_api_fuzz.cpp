// Fuzz target: any bytes as a request line and body, through requestFor's path and query
// decoding and the router, to the control API (/__hnemu/...) or a provider. A control request
// answers with the control API's JSON problem shape, and nothing answers 5xx.
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "emulator.h"

namespace {

hnemu::Emulator& emulator() {
  static hnemu::Emulator instance;
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  // First byte: the method; up to the first newline: the target (prefixed by /__hnemu/ when the
  // method byte is even); the rest: the body.
  static const char* const kMethods[] = {"GET", "POST", "PUT", "DELETE", "PATCH"};
  const std::string method = kMethods[data[0] % 5];
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t newline = rest.find('\n');
  std::string target = rest.substr(0, newline);
  const std::string body = newline == std::string::npos ? "" : rest.substr(newline + 1);
  const bool control = data[0] % 2 == 0;
  if (control) {
    target = "/__hnemu/" + target;
  }
  auto request = hnemu::requestFor(method, target, body);
  if (!request.ok()) {
    return 0;
  }
  request.value().host = "127.0.0.1:1";
  request.value().headers.emplace("Host", "127.0.0.1:1");
  request.value().headers.emplace("Content-Type", "application/json");
  const hnemu::HttpResponse response = emulator().handle(request.value());
  if (response.status >= 500 || response.status < 100) {
    std::abort();
  }
  const bool console_file = request.value().path.rfind("/__hnemu/ui", 0) == 0;
  if (control && response.status >= 400 && !console_file) {
    const auto parsed = nlohmann::json::parse(response.body, nullptr, false);
    if (parsed.is_discarded() || !parsed.contains("error") ||
        parsed["error"].value("status", 0) != response.status) {
      std::abort();
    }
  }
  // Keep the state small so that runs stay fast; the clock does not run away.
  if (emulator().journal().size() > 64 || emulator().clock().pendingTimers().size() > 64) {
    emulator().reset();
  }
  return 0;
}
