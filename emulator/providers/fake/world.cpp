#include "providers/fake/world.h"

#include "core/time.h"
#include "providers/world_codec.h"

namespace hnemu::fake {

using nlohmann::json;

Result<NumberProfile> WorldCodec::decode(const std::string& key, const json& body, Profile base) {
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(body, {"outcome"}));
  base.number = key;
  if (body.contains("outcome")) {
    HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, "outcome", true));
    const auto outcome = enumFromName(kOrderStatusNames, text);
    if (!outcome || (*outcome != OrderStatus::Done && *outcome != OrderStatus::Failed)) {
      return makeError(ErrorCode::InvalidArgument, "outcome must be done or failed");
    }
    base.outcome = *outcome;
  }
  return base;
}

json WorldCodec::encode(const Profile& profile) {
  return json{{"number", profile.number},
              {"outcome", enumName(kOrderStatusNames, profile.outcome)}};
}

Status WorldCodec::apply(const json& body, Rules& rules) {
  HNEMU_RETURN_IF_ERROR(rejectUnknownKeys(body, {"processing_after", "done_after"}));
  for (const auto& [name, field] :
       {std::pair<const char*, Millis*>{"processing_after", &rules.processing_after},
        std::pair<const char*, Millis*>{"done_after", &rules.done_after}}) {
    if (body.contains(name)) {
      HNEMU_ASSIGN_OR_RETURN(const std::string text, stringField(body, name, true));
      HNEMU_ASSIGN_OR_RETURN(*field, parseDuration(text));
    }
  }
  return {};
}

json WorldCodec::encodeRules(const Rules& rules) {
  return json{{"processing_after", formatDuration(rules.processing_after)},
              {"done_after", formatDuration(rules.done_after)}};
}

Result<std::shared_ptr<const WorldSection>> decodeSection(const Input& section) {
  HNEMU_RETURN_IF_ERROR(section.mapping({"tokens", "numbers", "rules"}, "tokens, numbers, rules"));
  auto out = std::make_shared<Section>();
  if (section.has("tokens")) {
    auto token = [](const json& item) -> Result<std::string> {
      if (!item.is_string() || item.get<std::string>().empty()) {
        return makeError(ErrorCode::InvalidArgument, "a token is a non-empty string");
      }
      return item.get<std::string>();
    };
    HNEMU_RETURN_IF_ERROR(decodeList(section.child("tokens"), token, out->world.tokens));
  }
  if (section.has("rules")) {
    HNEMU_RETURN_IF_ERROR(decodeRules<WorldCodec>(section.child("rules"), out->world.rules));
  }
  if (section.has("numbers")) {
    HNEMU_RETURN_IF_ERROR(decodeNumbers<WorldCodec>(section.child("numbers"), out->world.numbers));
  }
  return std::shared_ptr<const WorldSection>(std::move(out));
}

}  // namespace hnemu::fake
