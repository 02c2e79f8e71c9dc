#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/result.h"

// Decoding configuration (world files, control API bodies) with errors that say where: a JSON
// value and its path from the document's root ("twilio.numbers.+14155550100"), and for a
// document read from a file, the line and column of every path.
namespace hnemu {

class Locator {
 public:
  virtual ~Locator() = default;
  // "SOURCE:LINE:COLUMN" of the value at `path`, or of its key.
  virtual std::optional<std::string> where(const std::string& path, bool key) const = 0;
};

class Input {
 public:
  explicit Input(const nlohmann::json& value, std::string path = "",
                 const Locator* locator = nullptr);

  const nlohmann::json& json() const { return value_; }
  const std::string& path() const { return path_; }
  bool has(const std::string& key) const { return value_.is_object() && value_.contains(key); }
  Input child(const std::string& key) const;
  Input item(size_t index) const;

  // An error about this value: "SOURCE:LINE:COLUMN: PATH: message" for a located document, the
  // message alone for a request body (whose own errors name their fields).
  Error error(const std::string& message) const;
  // The same, at the position of the key `key` of this mapping.
  Error keyError(const std::string& key, const std::string& message) const;
  // An error of an item decoder, placed at this value.
  Error wrap(const Error& inner) const { return error(inner.message); }

  // This value must be a mapping whose keys are all among `known` (an error names the first
  // other key, at its position).
  Status mapping(std::initializer_list<const char*> known, const std::string& what) const;

 private:
  Error at(const std::optional<std::string>& where, const std::string& path,
           const std::string& message) const;

  const nlohmann::json& value_;
  std::string path_;
  const Locator* locator_;
};

// Field readers for JSON objects, shared by every decoder. A missing or null optional field
// reads as "".
Result<std::string> stringField(const nlohmann::json& body, const char* name, bool required);
// The body's keys must all be among `known`.
Status rejectUnknownKeys(const nlohmann::json& body, std::initializer_list<const char*> known);
// A control request's body: a JSON object; an empty body is an empty object.
Result<nlohmann::json> jsonObjectBody(const std::string& body);

}  // namespace hnemu
