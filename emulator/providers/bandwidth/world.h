#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/input.h"
#include "providers/bandwidth/model.h"
#include "providers/provider.h"

// Bandwidth's section of a world file, and the same decoders for the control API: accounts,
// number profiles (the checker's answer, how the import ends) and rules.
namespace hnemu::bandwidth {

Result<Account> decodeAccount(const nlohmann::json& body);
Result<NumberProfile> decodeProfile(const std::string& tn, const nlohmann::json& body,
                                    NumberProfile profile);
Status applyRules(const nlohmann::json& body, Rules& rules);
nlohmann::json profileJson(const NumberProfile& profile);
nlohmann::json accountJson(const Account& account);
nlohmann::json rulesJson(const Rules& rules);

struct WorldCodec {
  using Profile = NumberProfile;
  using Rules = bandwidth::Rules;
  static constexpr std::string_view kNumberForm = "a NANP number";
  static std::string key(const std::string& text) { return normalizeTn(text); }
  static Result<Profile> decode(const std::string& key, const nlohmann::json& body, Profile base) {
    return decodeProfile(key, body, std::move(base));
  }
  static nlohmann::json encode(const Profile& profile) { return profileJson(profile); }
  static Status apply(const nlohmann::json& body, Rules& rules) { return applyRules(body, rules); }
  static nlohmann::json encodeRules(const Rules& rules) { return rulesJson(rules); }
};

struct Section : WorldSection {
  World world;
  bool accounts_given = false;  // else the accounts already there stay
  bool declares(const std::string& number_key) const override {
    return world.numbers.count(number_key) > 0;
  }
};

Result<std::shared_ptr<const WorldSection>> decodeSection(const Input& section);

}  // namespace hnemu::bandwidth
