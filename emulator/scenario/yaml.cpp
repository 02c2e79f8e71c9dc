#include "scenario/yaml.h"

#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <vector>

namespace hnemu {
namespace {

Error located(const std::string& source, const YAML::Mark& mark, const std::string& message) {
  return makeError(ErrorCode::InvalidArgument, source + ":" + std::to_string(mark.line + 1) + ":" +
                                                   std::to_string(mark.column + 1) + ": " +
                                                   message);
}

// Walks the document as yamlToJson would expand it, without recursion: every node is counted as
// often as it is reached, and a node reached again below itself is a cycle.
std::optional<Error> checkExpansion(const YAML::Node& root, const std::string& source,
                                    const YamlLimits& limits) {
  struct Frame {
    YAML::Node node;
    size_t depth;
  };
  std::vector<Frame> pending{{root, 1}};
  std::vector<YAML::Node> ancestors;  // the path from the root to the node being expanded
  size_t nodes = 0;
  size_t bytes = 0;
  while (!pending.empty()) {
    Frame frame = std::move(pending.back());
    pending.pop_back();
    ancestors.resize(frame.depth - 1);
    if (++nodes > limits.max_nodes) {
      return located(source, frame.node.Mark(),
                     "the document expands to more than " + std::to_string(limits.max_nodes) +
                         " nodes once its aliases are expanded (a limit of hnemu's)");
    }
    if (frame.depth > limits.max_depth) {
      return located(source, frame.node.Mark(),
                     "nested deeper than " + std::to_string(limits.max_depth) +
                         " levels once its aliases are expanded (a limit of hnemu's)");
    }
    if (!frame.node.IsMap() && !frame.node.IsSequence()) {
      bytes += frame.node.IsScalar() ? frame.node.Scalar().size() : 0;
      if (bytes > limits.max_bytes) {
        return located(source, frame.node.Mark(),
                       "the document's text is more than " + std::to_string(limits.max_bytes) +
                           " bytes once its aliases are expanded (a limit of hnemu's)");
      }
      continue;
    }
    for (const YAML::Node& ancestor : ancestors) {
      if (ancestor.is(frame.node)) {
        return located(source, frame.node.Mark(),
                       "an alias refers to a node that contains it, so it has no end");
      }
    }
    ancestors.push_back(frame.node);
    const size_t child_depth = frame.depth + 1;
    if (frame.node.IsMap()) {
      std::set<std::string> keys;
      for (const auto& entry : frame.node) {
        if (!entry.first.IsScalar()) {
          return located(source, entry.first.Mark(), "a mapping key must be a plain value");
        }
        if (!keys.insert(entry.first.Scalar()).second) {
          return located(source, entry.first.Mark(),
                         "the key '" + entry.first.Scalar() + "' is given twice");
        }
        pending.push_back({entry.first, child_depth});
        pending.push_back({entry.second, child_depth});
      }
    } else {
      for (const auto& item : frame.node) {
        pending.push_back({item, child_depth});
      }
    }
  }
  return std::nullopt;
}

}  // namespace

Result<YAML::Node> loadYaml(std::string_view text, const std::string& source, YamlLimits limits) {
  YAML::Node root;
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
    if (documents.size() > 1) {
      return located(source, documents[1].Mark(),
                     "a second YAML document; a scenario is one document");
    }
    root = documents.empty() ? YAML::Node() : documents.front();
  } catch (const YAML::DeepRecursion& error) {
    return located(source, error.mark, "nested deeper than YAML parsing allows");
  } catch (const YAML::Exception& error) {
    return located(source, error.mark, error.msg);
  }
  if (auto error = checkExpansion(root, source, limits)) {
    return *error;
  }
  return root;
}

namespace {

std::string position(const std::string& source, const YAML::Mark& mark) {
  return source + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

}  // namespace

YamlDocument::YamlDocument(const YAML::Node& node, std::string source, const std::string& root_path)
    : source_(std::move(source)) {
  value_ = convert(node, root_path);
}

nlohmann::json YamlDocument::convert(const YAML::Node& node, const std::string& path) {
  value_marks_[path] = node.Mark();
  if (node.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& item : node) {
      const std::string key = item.first.as<std::string>();
      const std::string child = path.empty() ? key : path + "." + key;
      key_marks_[child] = item.first.Mark();
      out[key] = convert(item.second, child);
    }
    return out;
  }
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < node.size(); ++i) {
      out.push_back(convert(node[i], path + "[" + std::to_string(i) + "]"));
    }
    return out;
  }
  return yamlToJson(node);
}

std::optional<std::string> YamlDocument::where(const std::string& path, bool key) const {
  const auto& marks = key ? key_marks_ : value_marks_;
  const auto it = marks.find(path);
  if (it == marks.end()) {
    return std::nullopt;
  }
  return position(source_, it->second);
}

nlohmann::json yamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& item : node) {
        out[item.first.as<std::string>()] = yamlToJson(item.second);
      }
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) {
        out.push_back(yamlToJson(item));
      }
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string text = node.Scalar();
      if (node.Tag() == "!") {
        return text;
      }
      if (!text.empty() && text.size() < 19 && std::all_of(text.begin(), text.end(), [](char c) {
            return std::isdigit(static_cast<unsigned char>(c));
          })) {
        return std::stoull(text);
      }
      if (text == "true" || text == "false") {
        return text == "true";
      }
      return text;
    }
    default:
      return nullptr;
  }
}

Error yamlError(const std::string& source, const YAML::Mark& mark, const std::string& path,
                const std::string& message) {
  return located(source, mark, path + ": " + message);
}

}  // namespace hnemu
