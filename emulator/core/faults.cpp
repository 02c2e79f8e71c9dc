#include "core/faults.h"

namespace hnemu {

uint64_t FaultInjector::add(FaultRule rule) {
  std::lock_guard lock(mutex_);
  rule.id = next_id_++;
  rule.fired = 0;
  rules_.push_back(rule);
  return rule.id;
}

std::optional<FaultRule> FaultInjector::take(const std::string& provider, const std::string& method,
                                             const std::string& path) {
  std::lock_guard lock(mutex_);
  for (FaultRule& rule : rules_) {
    const bool exhausted = rule.times > 0 && rule.fired >= rule.times;
    if (exhausted || (!rule.provider.empty() && rule.provider != provider) ||
        (!rule.method.empty() && rule.method != method) ||
        path.compare(0, rule.path.size(), rule.path) != 0) {
      continue;
    }
    ++rule.fired;
    return rule;
  }
  return std::nullopt;
}

std::vector<FaultRule> FaultInjector::rules() const {
  std::lock_guard lock(mutex_);
  return rules_;
}

void FaultInjector::clear() {
  std::lock_guard lock(mutex_);
  rules_.clear();
}

}  // namespace hnemu
