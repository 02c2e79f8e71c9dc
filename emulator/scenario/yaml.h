#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.h"

// The one way YAML comes into hnemu. yaml-cpp keeps an alias as a second reference to its anchor's
// node, so a document can be a cycle ("a: &x [*x]") or expand exponentially (aliases of aliases):
// loadYaml walks the graph as a reader would expand it and refuses either before anything else
// looks at it.
namespace hnemu {

struct YamlLimits {
  size_t max_depth = 64;       // nesting, counted as the expansion sees it
  size_t max_nodes = 200'000;  // nodes after every alias is expanded
};

// Parses text and checks it against limits; errors read "SOURCE:LINE:COLUMN: what was wrong".
Result<YAML::Node> loadYaml(std::string_view text, const std::string& source,
                            YamlLimits limits = {});

// YAML scalars keep their type where it is plain: quoted text stays text. Only for nodes of a
// document loadYaml accepted (it recurses as deep as the document nests).
nlohmann::json yamlToJson(const YAML::Node& node);

// "SOURCE:LINE:COLUMN: path: message".
Error yamlError(const std::string& source, const YAML::Mark& mark, const std::string& path,
                const std::string& message);

}  // namespace hnemu
