#pragma once

// For the tests: a provider's published OpenAPI document (3.0 or 3.1, JSON) and a check of
// answers against the schemas it declares. JSON Schema as OpenAPI uses it: type (one name, or in
// 3.1 a list), nullable, enum, properties, required, additionalProperties, items, allOf, anyOf,
// oneOf, local $ref, minLength/maxLength, pattern, minimum/maximum. Formats are not checked.
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "core/router.h"

namespace hnemu::testing {

class OpenApi {
 public:
  explicit OpenApi(nlohmann::json document);
  // Throws std::runtime_error when the file cannot be read or is not JSON.
  static OpenApi fromFile(const std::string& path);

  struct Operation {
    std::string method;  // upper case, as HTTP spells it
    std::string path;    // as the document spells it: /v2/HostedNumber/Orders/{Sid}
    const nlohmann::json* spec = nullptr;
  };
  // The operation serving `method` on a concrete request path.
  std::optional<Operation> operation(std::string_view method, std::string_view path) const;
  std::vector<Operation> operations() const;

  // What is wrong with an answer to `operation` (empty: it matches): an undeclared status, a
  // body where none is declared or none where one is, a body that does not match its schema.
  std::vector<std::string> checkResponse(const Operation& operation, int status,
                                         const std::string& body) const;
  // What is wrong with `value` against `schema` ($refs resolved in this document).
  std::vector<std::string> check(const nlohmann::json& schema, const nlohmann::json& value) const;

 private:
  void validate(const nlohmann::json& schema, const nlohmann::json& value, const std::string& where,
                std::vector<std::string>& problems) const;
  const nlohmann::json& resolve(const std::string& ref) const;
  const std::regex& pattern(const std::string& text) const;

  nlohmann::json document_;
  std::vector<std::pair<PathTemplate, std::string>> paths_;
  mutable std::map<std::string, std::unique_ptr<std::regex>> patterns_;
};

}  // namespace hnemu::testing
