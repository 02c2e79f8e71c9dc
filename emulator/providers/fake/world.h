#pragma once

#include <memory>

#include "core/input.h"
#include "core/phone.h"
#include "providers/fake/model.h"
#include "providers/provider.h"

namespace hnemu::fake {

// `fake: {tokens: [...], numbers: {"+1...": {outcome: done|failed}}, rules: {processing_after,
// done_after}}`
struct WorldCodec {
  using Profile = NumberProfile;
  using Rules = fake::Rules;
  static constexpr std::string_view kNumberForm = "an E.164 number";
  static std::string key(const std::string& text) { return isE164(text) ? text : ""; }
  static Result<Profile> decode(const std::string& key, const nlohmann::json& body, Profile base);
  static nlohmann::json encode(const Profile& profile);
  static Status apply(const nlohmann::json& body, Rules& rules);
  static nlohmann::json encodeRules(const Rules& rules);
};

struct Section : WorldSection {
  World world;
  bool declares(const std::string& number_key) const override {
    return world.numbers.count(number_key) > 0;
  }
};

Result<std::shared_ptr<const WorldSection>> decodeSection(const Input& section);

}  // namespace hnemu::fake
