#include "core/faults.h"

#include <algorithm>

#include "core/input.h"

namespace hnemu {

using nlohmann::json;

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

Result<FaultRule> decodeFault(const json& body, const std::vector<std::string>& providers) {
  if (!body.is_object()) {
    return makeError(ErrorCode::InvalidArgument, "a fault must be a mapping");
  }
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(
      body, {"provider", "method", "path", "status", "times", "retry_after", "latency", "drop"}));
  FaultRule rule;
  HNEMU_ASSIGN_OR_RETURN(rule.provider, stringField(body, "provider", false));
  HNEMU_ASSIGN_OR_RETURN(rule.method, stringField(body, "method", false));
  HNEMU_ASSIGN_OR_RETURN(rule.path, stringField(body, "path", false));
  if (!rule.provider.empty() &&
      std::find(providers.begin(), providers.end(), rule.provider) == providers.end()) {
    std::string names;
    for (size_t i = 0; i < providers.size(); ++i) {
      names += (i == 0 ? "" : i + 1 == providers.size() ? " or " : ", ") + providers[i];
    }
    return makeError(ErrorCode::InvalidArgument, "'provider' must be " + names);
  }
  if (body.contains("latency")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "latency", true));
    HNEMU_ASSIGN_OR_RETURN(rule.latency, parseDuration(text));
  }
  if (body.contains("drop")) {
    if (!body["drop"].is_boolean()) {
      return makeError(ErrorCode::InvalidArgument, "'drop' must be true or false");
    }
    rule.drop_connection = body["drop"].get<bool>();
  }
  if (body.contains("status")) {
    if (!body["status"].is_number_integer() || body["status"].get<int>() < 400 ||
        body["status"].get<int>() > 599) {
      return makeError(ErrorCode::InvalidArgument,
                       "'status' must be an HTTP error status from 400 to 599");
    }
    rule.status = body["status"].get<int>();
  } else if (rule.drop_connection || rule.latency > Millis(0)) {
    rule.status = 0;
  } else {
    return makeError(ErrorCode::InvalidArgument,
                     "a fault needs 'status' (400-599), 'latency' or 'drop: true'");
  }
  if (body.contains("times")) {
    if (!body["times"].is_number_unsigned() || body["times"].get<uint64_t>() > 1'000'000) {
      return makeError(ErrorCode::InvalidArgument,
                       "'times' must be a non-negative integer (0: every matching request)");
    }
    rule.times = body["times"].get<int>();
  }
  if (body.contains("retry_after")) {
    if (!body["retry_after"].is_number() || body["retry_after"].get<double>() < 0 ||
        body["retry_after"].get<double>() > 86400) {
      return makeError(ErrorCode::InvalidArgument,
                       "'retry_after' must be a number of seconds from 0 to 86400");
    }
    rule.retry_after_seconds = body["retry_after"].get<double>();
  }
  return rule;
}

json faultJson(const FaultRule& rule) {
  return json{
      {"id", rule.id},
      {"provider", rule.provider},
      {"method", rule.method},
      {"path", rule.path},
      {"status", rule.status},
      {"times", rule.times},
      {"retry_after", rule.retry_after_seconds ? json(*rule.retry_after_seconds) : json(nullptr)},
      {"latency", formatDuration(rule.latency)},
      {"drop", rule.drop_connection},
      {"fired", rule.fired}};
}

uint64_t FaultInjector::nextId() const {
  std::lock_guard lock(mutex_);
  return next_id_;
}

void FaultInjector::restore(std::vector<FaultRule> rules, uint64_t next_id) {
  std::lock_guard lock(mutex_);
  rules_ = std::move(rules);
  next_id_ = next_id;
}

}  // namespace hnemu
