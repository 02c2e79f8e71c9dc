#pragma once

#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace hnemu {

// A fault to answer instead of a provider: the matching requests get the provider's own error
// for `status`, and the operation is not run, so a client's retry never duplicates a resource.
struct FaultRule {
  uint64_t id = 0;
  std::string provider;  // empty: any provider
  std::string method;    // empty: any method
  std::string path;      // a path prefix ("/v2/messaging_hosted_number_orders"); empty: any
  int status = 500;      // 0: no error; the request runs after `latency`
  int times = 1;         // how many matching requests fail; 0: every one
  std::optional<double> retry_after_seconds;
  Millis latency{0};             // virtual time that passes before the answer (timers fire)
  bool drop_connection = false;  // the connection closes before a body; nothing is run
  int fired = 0;
};

// {"provider", "method", "path", "status", "times", "retry_after", "latency", "drop"};
// `provider` must be one of `providers`.
Result<FaultRule> decodeFault(const nlohmann::json& body,
                              const std::vector<std::string>& providers);
nlohmann::json faultJson(const FaultRule& rule);

class FaultInjector {
 public:
  uint64_t add(FaultRule rule);
  // The rule that answers this request, if any; counts it as fired.
  std::optional<FaultRule> take(const std::string& provider, const std::string& method,
                                const std::string& path);
  // Whether take() would answer this request now, without counting it.
  bool matches(const std::string& provider, const std::string& method,
               const std::string& path) const;
  std::vector<FaultRule> rules() const;
  uint64_t nextId() const;
  // Puts saved rules back, fired counts and all (--state snapshots).
  void restore(std::vector<FaultRule> rules, uint64_t next_id);
  void clear();

 private:
  mutable std::mutex mutex_;
  std::vector<FaultRule> rules_;
  uint64_t next_id_ = 1;
};

}  // namespace hnemu
