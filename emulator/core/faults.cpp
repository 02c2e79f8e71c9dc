#include "core/faults.h"

namespace hnemu {

uint64_t FaultInjector::add(FaultRule rule) {
  std::lock_guard lock(mutex_);
  rule.id = next_id_++;
  rule.fired = 0;
  rules_.push_back(rule);
  return rule.id;
}

namespace {

bool answers(const FaultRule& rule, const std::string& provider, const std::string& method,
             const std::string& path) {
  const bool exhausted = rule.times > 0 && rule.fired >= rule.times;
  return !exhausted && (rule.provider.empty() || rule.provider == provider) &&
         (rule.method.empty() || rule.method == method) &&
         path.compare(0, rule.path.size(), rule.path) == 0;
}

}  // namespace

std::optional<FaultRule> FaultInjector::take(const std::string& provider, const std::string& method,
                                             const std::string& path) {
  std::lock_guard lock(mutex_);
  for (FaultRule& rule : rules_) {
    if (answers(rule, provider, method, path)) {
      ++rule.fired;
      return rule;
    }
  }
  return std::nullopt;
}

bool FaultInjector::matches(const std::string& provider, const std::string& method,
                            const std::string& path) const {
  std::lock_guard lock(mutex_);
  for (const FaultRule& rule : rules_) {
    if (answers(rule, provider, method, path)) {
      return true;
    }
  }
  return false;
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
