#include "providers/provider.h"

#include <algorithm>

namespace hnemu {

std::vector<nlohmann::json> itemsBySequence(
    const nlohmann::json& state, const char* collection,
    const std::function<bool(const nlohmann::json&)>& matches) {
  std::vector<nlohmann::json> out;
  if (!state.is_object() || !state.contains(collection) || !state[collection].is_array()) {
    return out;
  }
  for (const nlohmann::json& item : state[collection]) {
    if (matches(item)) {
      out.push_back(item);
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a.value("sequence", 0) < b.value("sequence", 0);
  });
  return out;
}

nlohmann::json consoleRequest(const std::string& label, const std::string& method,
                              const std::string& path, const std::string& format,
                              nlohmann::json fields, nlohmann::json more) {
  nlohmann::json request = {{"label", label},
                            {"method", method},
                            {"path", path},
                            {"format", format},
                            {"fields", std::move(fields)}};
  request.update(more);
  return request;
}

nlohmann::json consoleField(const std::string& name, const std::string& label,
                            nlohmann::json more) {
  nlohmann::json field = {{"name", name}, {"label", label}};
  field.update(more);
  return field;
}

std::optional<std::string> ProviderKind::numberStatus(const nlohmann::json&,
                                                      const std::string&) const {
  return std::nullopt;
}

bool ProviderKind::inService(const nlohmann::json&, const std::string&) const { return false; }

nlohmann::json Provider::inbox(const std::optional<std::string>&, size_t) const {
  return nlohmann::json::array();
}

nlohmann::json Provider::calls(size_t) const { return nlohmann::json::array(); }

Status Provider::restoreState(const nlohmann::json&) {
  return makeError(ErrorCode::FailedPrecondition,
                   std::string(name()) + " cannot restore a snapshot");
}

std::optional<ProviderTimers::Armed> Provider::pendingTimer(uint64_t) const { return std::nullopt; }

Status Provider::rearmTimer(TimePoint, ProviderTimers::Armed) {
  return makeError(ErrorCode::FailedPrecondition, std::string(name()) + " has no timers");
}

}  // namespace hnemu
