#include "testing/openapi.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace hnemu::testing {

using nlohmann::json;

namespace {

constexpr const char* kMethods[] = {"get", "put", "post", "delete", "patch"};

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

size_t codePoints(const std::string& utf8) {
  return static_cast<size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool hasType(const json& value, const std::string& type) {
  if (type == "null") {
    return value.is_null();
  }
  if (type == "string") {
    return value.is_string();
  }
  if (type == "integer") {
    return value.is_number_integer();
  }
  if (type == "number") {
    return value.is_number();
  }
  if (type == "boolean") {
    return value.is_boolean();
  }
  if (type == "object") {
    return value.is_object();
  }
  if (type == "array") {
    return value.is_array();
  }
  return false;
}

// null is allowed by `nullable: true` (3.0) or a "null" in the type list (3.1).
bool allowsNull(const json& schema) {
  if (schema.value("nullable", false)) {
    return true;
  }
  const json* type = schema.contains("type") ? &schema["type"] : nullptr;
  return type != nullptr && type->is_array() &&
         std::find(type->begin(), type->end(), json("null")) != type->end();
}

}  // namespace

OpenApi::OpenApi(json document) : document_(std::move(document)) {
  if (!document_.contains("paths")) {
    return;
  }
  for (const auto& [path, item] : document_["paths"].items()) {
    paths_.emplace_back(PathTemplate::compile(path), path);
  }
}

OpenApi OpenApi::fromFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  json document = json::parse(text.str(), nullptr, false);
  if (document.is_discarded() || !document.is_object()) {
    throw std::runtime_error(path + " is not a JSON document");
  }
  return OpenApi(std::move(document));
}

std::optional<OpenApi::Operation> OpenApi::operation(std::string_view method,
                                                     std::string_view path) const {
  const std::string key = lower(method);
  for (const auto& [compiled, text] : paths_) {
    std::map<std::string, std::string> params;
    const json& item = document_["paths"][text];
    if (compiled.match(path, params) && item.contains(key)) {
      return Operation{upper(key), text, &item[key]};
    }
  }
  return std::nullopt;
}

std::vector<OpenApi::Operation> OpenApi::operations() const {
  std::vector<Operation> out;
  for (const auto& [compiled, text] : paths_) {
    const json& item = document_["paths"][text];
    for (const char* method : kMethods) {
      if (item.contains(method)) {
        out.push_back(Operation{upper(method), text, &item[method]});
      }
    }
  }
  return out;
}

std::vector<std::string> OpenApi::checkResponse(const Operation& operation, int status,
                                                const std::string& body) const {
  const json& responses = (*operation.spec)["responses"];
  const std::string code = std::to_string(status);
  const std::string range = code.substr(0, 1) + "XX";
  const json* declared = responses.contains(code)        ? &responses[code]
                         : responses.contains(range)     ? &responses[range]
                         : responses.contains("default") ? &responses["default"]
                                                         : nullptr;
  const std::string name = operation.method + " " + operation.path + " " + code;
  if (declared == nullptr) {
    return {name + ": status not declared"};
  }
  if (declared->contains("$ref")) {
    declared = &resolve((*declared)["$ref"].get<std::string>());
  }
  const json* schema = nullptr;
  if (declared->contains("content")) {
    for (const auto& [media_type, content] : (*declared)["content"].items()) {
      if (media_type.find("json") != std::string::npos && content.contains("schema")) {
        schema = &content["schema"];
      }
    }
  }
  if (schema == nullptr) {
    return body.empty() ? std::vector<std::string>{}
                        : std::vector<std::string>{name + ": a body where none is declared"};
  }
  const json value = json::parse(body, nullptr, false);
  if (value.is_discarded()) {
    return {name + ": the body is not JSON"};
  }
  std::vector<std::string> problems = check(*schema, value);
  for (std::string& problem : problems) {
    problem = name + ": " + problem;
  }
  return problems;
}

std::vector<std::string> OpenApi::check(const json& schema, const json& value) const {
  std::vector<std::string> problems;
  validate(schema, value, "$", problems);
  return problems;
}

const json& OpenApi::resolve(const std::string& ref) const {
  if (ref.rfind("#/", 0) != 0) {
    throw std::runtime_error("only local $refs are followed: " + ref);
  }
  const json* node = &document_;
  size_t at = 2;
  while (at <= ref.size()) {
    const size_t slash = std::min(ref.find('/', at), ref.size());
    const std::string part = ref.substr(at, slash - at);
    if (!node->is_object() || !node->contains(part)) {
      throw std::runtime_error("$ref does not resolve: " + ref);
    }
    node = &(*node)[part];
    at = slash + 1;
  }
  return *node;
}

const std::regex& OpenApi::pattern(const std::string& text) const {
  auto& compiled = patterns_[text];
  if (!compiled) {
    compiled = std::make_unique<std::regex>(text, std::regex::ECMAScript);
  }
  return *compiled;
}

void OpenApi::validate(const json& schema, const json& value, const std::string& where,
                       std::vector<std::string>& problems) const {
  if (schema.is_boolean()) {
    if (!schema.get<bool>()) {
      problems.push_back(where + ": no value is allowed here");
    }
    return;
  }
  if (!schema.is_object()) {
    return;
  }
  if (value.is_null() && allowsNull(schema)) {
    return;
  }
  if (schema.contains("$ref")) {
    validate(resolve(schema["$ref"].get<std::string>()), value, where, problems);
    return;
  }
  if (schema.contains("type")) {
    const json& type = schema["type"];
    const bool matches =
        type.is_array()
            ? std::any_of(type.begin(), type.end(),
                          [&](const json& each) { return hasType(value, each.get<std::string>()); })
            : hasType(value, type.get<std::string>());
    if (!matches) {
      problems.push_back(where + ": " + value.dump().substr(0, 80) + " is not of type " +
                         type.dump());
      return;
    }
  }
  if (schema.contains("enum") &&
      std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end()) {
    problems.push_back(where + ": " + value.dump() + " is not one of " + schema["enum"].dump());
  }
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (schema.contains("minLength") && codePoints(text) < schema["minLength"].get<size_t>()) {
      problems.push_back(where + ": '" + text + "' is shorter than " + schema["minLength"].dump());
    }
    if (schema.contains("maxLength") && codePoints(text) > schema["maxLength"].get<size_t>()) {
      problems.push_back(where + ": '" + text.substr(0, 80) + "' is longer than " +
                         schema["maxLength"].dump());
    }
    if (schema.contains("pattern") &&
        !std::regex_search(text, pattern(schema["pattern"].get<std::string>()))) {
      problems.push_back(where + ": '" + text + "' does not match " + schema["pattern"].dump());
    }
  }
  if (value.is_number()) {
    if (schema.contains("minimum") && value.get<double>() < schema["minimum"].get<double>()) {
      problems.push_back(where + ": " + value.dump() + " is below " + schema["minimum"].dump());
    }
    if (schema.contains("maximum") && value.get<double>() > schema["maximum"].get<double>()) {
      problems.push_back(where + ": " + value.dump() + " is above " + schema["maximum"].dump());
    }
  }
  if (value.is_object()) {
    for (const json& name : schema.value("required", json::array())) {
      if (!value.contains(name.get<std::string>())) {
        problems.push_back(where + ": lacks the required " + name.dump());
      }
    }
    static const json kNone = json::object();
    const json& properties = schema.contains("properties") ? schema["properties"] : kNone;
    for (const auto& [key, member] : value.items()) {
      if (properties.contains(key)) {
        validate(properties[key], member, where + "." + key, problems);
      } else if (schema.contains("additionalProperties")) {
        validate(schema["additionalProperties"], member, where + "." + key, problems);
      }
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (size_t i = 0; i < value.size(); ++i) {
      validate(schema["items"], value[i], where + "[" + std::to_string(i) + "]", problems);
    }
  }
  for (const json& each : schema.value("allOf", json::array())) {
    validate(each, value, where, problems);
  }
  for (const char* keyword : {"anyOf", "oneOf"}) {
    if (!schema.contains(keyword)) {
      continue;
    }
    size_t matching = 0;
    for (const json& each : schema[keyword]) {
      std::vector<std::string> inner;
      validate(each, value, where, inner);
      matching += inner.empty() ? 1 : 0;
    }
    if (matching == 0 || (std::string_view(keyword) == "oneOf" && matching > 1)) {
      problems.push_back(where + ": matches " + std::to_string(matching) + " of its " + keyword);
    }
  }
}

}  // namespace hnemu::testing
