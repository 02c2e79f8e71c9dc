#pragma once

#include <yaml-cpp/yaml.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/faults.h"
#include "core/phone.h"
#include "core/result.h"
#include "providers/bandwidth/model.h"
#include "providers/telnyx/model.h"
#include "providers/twilio/model.h"
#include "scenario/yaml.h"

// The world the emulator starts from — accounts, how each number's owner, signer and carrier
// behave, the provider's rules — decoded from JSON (control API) or a YAML world file
// (`hnemu serve --scenario`, `PUT /__hnemu/scenario`). Unknown keys are errors.
namespace hnemu {

Result<std::string> stringField(const nlohmann::json& body, const char* name, bool required);
Status rejectUnknownKeys(const nlohmann::json& body, std::initializer_list<const char*> known);

Result<twilio::Account> decodeAccount(const nlohmann::json& body);
Result<twilio::NumberProfile> decodeProfile(const std::string& number, const nlohmann::json& body,
                                            twilio::NumberProfile profile);
Status applyRules(const nlohmann::json& body, twilio::Rules& rules);
nlohmann::json profileJson(const twilio::NumberProfile& profile);
nlohmann::json rulesJson(const twilio::Rules& rules);

Result<telnyx::Account> decodeTelnyxAccount(const nlohmann::json& body);
Result<telnyx::MessagingProfile> decodeMessagingProfile(const nlohmann::json& body,
                                                        const std::string& default_user_id);
Result<telnyx::NumberProfile> decodeTelnyxProfile(const std::string& number,
                                                  const nlohmann::json& body,
                                                  telnyx::NumberProfile profile);
Status applyTelnyxRules(const nlohmann::json& body, telnyx::Rules& rules);
nlohmann::json telnyxProfileJson(const telnyx::NumberProfile& profile);
nlohmann::json telnyxRulesJson(const telnyx::Rules& rules);

// {"provider", "method", "path", "status", "times", "retry_after", "latency", "drop"}
Result<FaultRule> decodeFault(const nlohmann::json& body);
nlohmann::json faultJson(const FaultRule& rule);

Result<bandwidth::Account> decodeBandwidthAccount(const nlohmann::json& body);
Result<bandwidth::NumberProfile> decodeBandwidthProfile(const std::string& tn,
                                                        const nlohmann::json& body,
                                                        bandwidth::NumberProfile profile);
Status applyBandwidthRules(const nlohmann::json& body, bandwidth::Rules& rules);
nlohmann::json bandwidthProfileJson(const bandwidth::NumberProfile& profile);
nlohmann::json bandwidthRulesJson(const bandwidth::Rules& rules);

// The parts of a provider's world that world files and the control API treat alike: number
// profiles, keyed by the provider's own number form, and the provider's rules.
template <class World>
struct WorldCodec;

template <>
struct WorldCodec<twilio::World> {
  using Profile = twilio::NumberProfile;
  using Rules = twilio::Rules;
  static constexpr std::string_view kNumberForm = "an E.164 number";
  static std::string key(const std::string& text) { return isE164(text) ? text : ""; }
  static Result<Profile> decode(const std::string& key, const nlohmann::json& body, Profile base) {
    return decodeProfile(key, body, std::move(base));
  }
  static nlohmann::json encode(const Profile& profile) { return profileJson(profile); }
  static Status apply(const nlohmann::json& body, Rules& rules) { return applyRules(body, rules); }
  static nlohmann::json encodeRules(const Rules& rules) { return rulesJson(rules); }
};

template <>
struct WorldCodec<telnyx::World> {
  using Profile = telnyx::NumberProfile;
  using Rules = telnyx::Rules;
  static constexpr std::string_view kNumberForm = "an E.164 number";
  static std::string key(const std::string& text) { return isE164(text) ? text : ""; }
  static Result<Profile> decode(const std::string& key, const nlohmann::json& body, Profile base) {
    return decodeTelnyxProfile(key, body, std::move(base));
  }
  static nlohmann::json encode(const Profile& profile) { return telnyxProfileJson(profile); }
  static Status apply(const nlohmann::json& body, Rules& rules) {
    return applyTelnyxRules(body, rules);
  }
  static nlohmann::json encodeRules(const Rules& rules) { return telnyxRulesJson(rules); }
};

template <>
struct WorldCodec<bandwidth::World> {
  using Profile = bandwidth::NumberProfile;
  using Rules = bandwidth::Rules;
  static constexpr std::string_view kNumberForm = "a NANP number";
  static std::string key(const std::string& text) { return bandwidth::normalizeTn(text); }
  static Result<Profile> decode(const std::string& key, const nlohmann::json& body, Profile base) {
    return decodeBandwidthProfile(key, body, std::move(base));
  }
  static nlohmann::json encode(const Profile& profile) { return bandwidthProfileJson(profile); }
  static Status apply(const nlohmann::json& body, Rules& rules) {
    return applyBandwidthRules(body, rules);
  }
  static nlohmann::json encodeRules(const Rules& rules) { return bandwidthRulesJson(rules); }
};

struct WorldFile {
  std::optional<uint64_t> seed;
  std::optional<ClockMode> clock;
  std::optional<TimePoint> start;
  std::optional<twilio::World> twilio;
  bool twilio_accounts_given = false;  // else the default account is kept
  std::optional<telnyx::World> telnyx;
  bool telnyx_accounts_given = false;
  std::optional<std::string> telnyx_signing_seed;  // 32 bytes; unset: derived from the seed
  std::optional<bandwidth::World> bandwidth;
  bool bandwidth_accounts_given = false;
  std::vector<FaultRule> faults;  // injected after every load and reset of this world
  int tamper_webhooks = 0;        // deliveries whose first attempt carries a forged signature
  std::optional<Millis> auto_quiet;
};

// Parses one top-level key of a world file (seed, clock, start, auto_quiet, faults,
// tamper_webhooks, twilio, telnyx, bandwidth) into world; `known` is false for any other key.
std::optional<Error> parseWorldKey(const std::string& source, const std::string& key,
                                   const YAML::Node& value, WorldFile& world, bool& known);

}  // namespace hnemu
