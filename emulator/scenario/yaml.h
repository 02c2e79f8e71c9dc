#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/input.h"
#include "core/result.h"

// The one way YAML comes into hnemu. yaml-cpp keeps an alias as a second reference to its anchor's
// node, so a document can be a cycle ("a: &x [*x]") or expand exponentially (aliases of aliases):
// loadYaml walks the graph as a reader would expand it and refuses either before anything else
// looks at it.
namespace hnemu {

struct YamlLimits {
  size_t max_depth = 64;               // nesting, counted as the expansion sees it
  size_t max_nodes = 200'000;          // nodes after every alias is expanded
  size_t max_bytes = 8 * 1024 * 1024;  // text of every scalar after expansion
};

// Parses text (one document) and checks it against limits; errors read
// "SOURCE:LINE:COLUMN: what was wrong". A mapping key must be a plain value, and only once.
Result<YAML::Node> loadYaml(std::string_view text, const std::string& source,
                            YamlLimits limits = {});

// YAML scalars keep their type where it is plain: quoted text stays text. Only for nodes of a
// document loadYaml accepted (it recurses as deep as the document nests).
nlohmann::json yamlToJson(const YAML::Node& node);

// A YAML node as JSON, with the position of every path in it (Input's paths: "a.b", "a[1]"), so
// that decoders that never see YAML still say where an error is.
class YamlDocument : public Locator {
 public:
  YamlDocument(const YAML::Node& node, std::string source, const std::string& root_path);
  const nlohmann::json& json() const { return value_; }
  std::optional<std::string> where(const std::string& path, bool key) const override;

 private:
  nlohmann::json convert(const YAML::Node& node, const std::string& path);

  std::string source_;
  std::map<std::string, YAML::Mark> value_marks_;
  std::map<std::string, YAML::Mark> key_marks_;
  nlohmann::json value_;
};

// "SOURCE:LINE:COLUMN: path: message".
Error yamlError(const std::string& source, const YAML::Mark& mark, const std::string& path,
                const std::string& message);

}  // namespace hnemu
