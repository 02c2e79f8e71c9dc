#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/input.h"
#include "core/phone.h"
#include "providers/provider.h"
#include "providers/telnyx/model.h"

// Telnyx's section of a world file, and the same decoders for the control API: accounts,
// messaging profiles, number profiles (how review and carrier treat each number), rules and the
// webhook signing key.
namespace hnemu::telnyx {

Result<Account> decodeAccount(const nlohmann::json& body);
// A profile that names no account belongs to `default_user_id`.
Result<MessagingProfile> decodeMessagingProfile(const nlohmann::json& body,
                                                const std::string& default_user_id);
Result<NumberProfile> decodeProfile(const std::string& number, const nlohmann::json& body,
                                    NumberProfile profile);
Status applyRules(const nlohmann::json& body, Rules& rules);
nlohmann::json profileJson(const NumberProfile& profile);
nlohmann::json rulesJson(const Rules& rules);

struct WorldCodec {
  using Profile = NumberProfile;
  using Rules = telnyx::Rules;
  static constexpr std::string_view kNumberForm = "an E.164 number";
  static std::string key(const std::string& text) { return isE164(text) ? text : ""; }
  static Result<Profile> decode(const std::string& key, const nlohmann::json& body, Profile base) {
    return decodeProfile(key, body, std::move(base));
  }
  static nlohmann::json encode(const Profile& profile) { return profileJson(profile); }
  static Status apply(const nlohmann::json& body, Rules& rules) { return applyRules(body, rules); }
  static nlohmann::json encodeRules(const Rules& rules) { return rulesJson(rules); }
};

struct Section : WorldSection {
  World world;
  bool accounts_given = false;              // else the accounts already there stay
  std::optional<std::string> signing_seed;  // 32 bytes; unset: derived from the emulator's seed
  bool declares(const std::string& number_key) const override {
    return world.numbers.count(number_key) > 0;
  }
};

Result<std::shared_ptr<const WorldSection>> decodeSection(const Input& section);

}  // namespace hnemu::telnyx
