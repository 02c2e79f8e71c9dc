#include "scenario/world_file.h"

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "providers/registry.h"
#include "scenario/yaml.h"

namespace hnemu {

using nlohmann::json;

std::string worldKeysText() {
  std::string names;
  for (const ProviderKind* kind : providerKinds()) {
    names += ", " + std::string(kind->name());
  }
  const size_t last = names.rfind(", ");
  return "seed, clock, start, auto_quiet, auto_observe, faults, tamper_webhooks, "
         "duplicate_webhooks, delay_webhooks" +
         names.substr(0, last) + " or" + names.substr(last + 1);
}

std::optional<Error> parseWorldKey(const std::string& source, const std::string& key,
                                   const YAML::Node& value, WorldFile& world, bool& known) {
  known = true;
  try {
    if (const ProviderKind* kind = findProviderKind(key)) {
      const YamlDocument section(value, source, key);
      auto decoded = kind->decodeWorld(Input(section.json(), key, &section));
      if (!decoded.ok()) {
        return decoded.error();
      }
      world.sections[key] = std::move(decoded).value();
    } else if (key == "seed") {
      const json seed = yamlToJson(value);
      if (!seed.is_number_unsigned()) {
        return yamlError(source, value.Mark(), key, "expected a non-negative integer");
      }
      world.seed = seed.get<uint64_t>();
    } else if (key == "clock") {
      auto mode = parseClockMode(value.IsScalar() ? value.Scalar() : "");
      if (!mode.ok()) {
        return yamlError(source, value.Mark(), key, mode.error().message);
      }
      world.clock = mode.value();
    } else if (key == "start") {
      auto start = parseIso8601(value.IsScalar() ? value.Scalar() : "");
      if (!start.ok()) {
        return yamlError(source, value.Mark(), key, start.error().message);
      }
      world.start = start.value();
    } else if (key == "faults") {
      if (!value.IsSequence()) {
        return yamlError(source, value.Mark(), key, "expected a list of faults");
      }
      std::vector<std::string> providers;
      for (const ProviderKind* each : providerKinds()) {
        providers.emplace_back(each->name());
      }
      for (size_t i = 0; i < value.size(); ++i) {
        auto fault = decodeFault(yamlToJson(value[i]), providers);
        if (!fault.ok()) {
          return yamlError(source, value[i].Mark(), key + "[" + std::to_string(i) + "]",
                           fault.error().message);
        }
        world.faults.push_back(fault.value());
      }
    } else if (key == "tamper_webhooks" || key == "duplicate_webhooks") {
      const json count = yamlToJson(value);
      if (!count.is_number_unsigned() || count.get<uint64_t>() > 1000) {
        return yamlError(source, value.Mark(), key, "expected a count from 0 to 1000");
      }
      (key == "tamper_webhooks" ? world.tamper_webhooks : world.duplicate_webhooks) =
          count.get<int>();
    } else if (key == "delay_webhooks") {
      const json spec = yamlToJson(value);
      const Status keys = Input(spec, key).mapping({"count", "by"}, "count, by");
      if (!keys.ok()) {
        return yamlError(source, value.Mark(), key, keys.error().message);
      }
      if (!spec.contains("count") || !spec["count"].is_number_unsigned() ||
          spec["count"].get<uint64_t>() > 1000) {
        return yamlError(source, value.Mark(), key + ".count", "expected a count from 0 to 1000");
      }
      auto by = parseDuration(
          spec.contains("by") && spec["by"].is_string() ? spec["by"].get<std::string>() : "");
      if (!by.ok() || by.value() <= Millis(0)) {
        return yamlError(source, value.Mark(), key + ".by",
                         "expected how long they are held back, such as 30m");
      }
      world.delay_webhooks = spec["count"].get<int>();
      world.delay_webhooks_by = by.value();
    } else if (key == "auto_quiet" || key == "auto_observe") {
      auto duration = parseDuration(value.IsScalar() ? value.Scalar() : "");
      if (!duration.ok()) {
        return yamlError(source, value.Mark(), key, duration.error().message);
      }
      (key == "auto_quiet" ? world.auto_quiet : world.auto_observe) = duration.value();
    } else {
      known = false;
    }
  } catch (const YAML::Exception& error) {
    return makeError(ErrorCode::InvalidArgument,
                     source + ":" + std::to_string(error.mark.line + 1) + ":" +
                         std::to_string(error.mark.column + 1) + ": " + error.msg);
  }
  return std::nullopt;
}

}  // namespace hnemu
