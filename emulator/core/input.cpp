#include "core/input.h"

#include <algorithm>

namespace hnemu {

namespace {

std::string joined(std::initializer_list<const char*> names) {
  std::string out;
  for (const char* name : names) {
    out += (out.empty() ? "" : ", ") + std::string(name);
  }
  return out;
}

std::string childPath(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "." + key;
}

}  // namespace

Input::Input(const nlohmann::json& value, std::string path, const Locator* locator)
    : value_(value), path_(std::move(path)), locator_(locator) {}

Input Input::child(const std::string& key) const {
  static const nlohmann::json kMissing;
  const auto it = value_.is_object() ? value_.find(key) : value_.end();
  return Input(value_.is_object() && it != value_.end() ? *it : kMissing, childPath(path_, key),
               locator_);
}

Input Input::item(size_t index) const {
  static const nlohmann::json kMissing;
  return Input(value_.is_array() && index < value_.size() ? value_[index] : kMissing,
               path_ + "[" + std::to_string(index) + "]", locator_);
}

Error Input::at(const std::optional<std::string>& where, const std::string& path,
                const std::string& message) const {
  if (locator_ == nullptr) {
    return makeError(ErrorCode::InvalidArgument, message);
  }
  return makeError(ErrorCode::InvalidArgument,
                   where.value_or("?") + ": " + (path.empty() ? "(top)" : path) + ": " + message);
}

Error Input::error(const std::string& message) const {
  return at(locator_ != nullptr ? locator_->where(path_, false) : std::nullopt, path_, message);
}

Error Input::keyError(const std::string& key, const std::string& message) const {
  const std::string path = childPath(path_, key);
  return at(locator_ != nullptr ? locator_->where(path, true) : std::nullopt, path, message);
}

Status Input::mapping(std::initializer_list<const char*> known, const std::string& what) const {
  if (!value_.is_object()) {
    return error("expected a mapping with " + what);
  }
  for (const auto& entry : value_.items()) {
    if (std::none_of(known.begin(), known.end(),
                     [&](const char* name) { return entry.key() == name; })) {
      return keyError(entry.key(), "unknown key; expected " + joined(known));
    }
  }
  return Status();
}

Result<std::string> stringField(const nlohmann::json& body, const char* name, bool required) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) {
    if (required) {
      return makeError(ErrorCode::InvalidArgument, std::string("'") + name + "' is required");
    }
    return std::string();
  }
  if (!it->is_string()) {
    return makeError(ErrorCode::InvalidArgument, std::string("'") + name + "' must be a string");
  }
  return it->get<std::string>();
}

Status rejectUnknownKeys(const nlohmann::json& body, std::initializer_list<const char*> known) {
  for (const auto& item : body.items()) {
    const std::string& key = item.key();
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
      return makeError(ErrorCode::InvalidArgument,
                       "unknown key '" + key + "'; expected one of: " + joined(known));
    }
  }
  return {};
}

Result<nlohmann::json> jsonObjectBody(const std::string& body) {
  if (body.empty()) {
    return nlohmann::json::object();
  }
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return makeError(ErrorCode::InvalidArgument, "the body must be a JSON object");
  }
  return parsed;
}

}  // namespace hnemu
