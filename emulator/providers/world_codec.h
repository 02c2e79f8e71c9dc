#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/input.h"
#include "providers/provider.h"

// What the providers' world sections have in common: accounts (a list), number profiles (a
// mapping from numbers, in the provider's own spelling) and rules, decoded the same way from a
// world file or a control request. A provider describes its numbers and rules with a Codec:
//
//   struct Codec {
//     using Profile = ...; using Rules = ...;
//     static constexpr std::string_view kNumberForm = "an E.164 number";
//     static std::string key(const std::string& text);  // "" when text is not a number
//     static Result<Profile> decode(const std::string& key, const nlohmann::json&, Profile base);
//     static nlohmann::json encode(const Profile&);
//     static Status apply(const nlohmann::json& body, Rules& rules);
//     static nlohmann::json encodeRules(const Rules&);
//   };
namespace hnemu {

// A list decoded item by item; an error names the item (twilio.accounts[1]).
template <class Item, class Decode>
Status decodeList(const Input& list, Decode decode, std::vector<Item>& out) {
  if (!list.json().is_array()) {
    return list.error("expected a list");
  }
  for (size_t i = 0; i < list.json().size(); ++i) {
    const Input item = list.item(i);
    auto decoded = decode(item.json());
    if (!decoded.ok()) {
      return item.wrap(decoded.error());
    }
    out.push_back(std::move(decoded).value());
  }
  return {};
}

template <class Codec>
Status decodeNumbers(const Input& numbers, std::map<std::string, typename Codec::Profile>& out) {
  if (!numbers.json().is_object()) {
    return numbers.error("expected a mapping from numbers to profiles");
  }
  for (const auto& entry : numbers.json().items()) {
    const std::string key = Codec::key(entry.key());
    if (key.empty()) {
      return numbers.keyError(entry.key(),
                              "'" + entry.key() + "' is not " + std::string(Codec::kNumberForm));
    }
    const Input profile = numbers.child(entry.key());
    const nlohmann::json body = entry.value().is_null() ? nlohmann::json::object() : entry.value();
    if (!body.is_object()) {
      return profile.error("expected a mapping");
    }
    auto decoded = Codec::decode(key, body, typename Codec::Profile{});
    if (!decoded.ok()) {
      return profile.wrap(decoded.error());
    }
    out[key] = decoded.value();
  }
  return {};
}

template <class Codec>
Status decodeRules(const Input& rules, typename Codec::Rules& out) {
  if (const Status applied = Codec::apply(rules.json(), out); !applied.ok()) {
    return rules.wrap(applied.error());
  }
  return {};
}

// GET /__hnemu/<provider>/numbers, PUT .../numbers/{Number}, GET and PUT .../rules, for a model
// whose world() holds `numbers` and `rules` and whose profileFor(key) gives a number's profile.
template <class Codec, class Model>
std::vector<ControlRoute> worldControlRoutes(std::string_view provider, Model& model) {
  const std::string base = "/__hnemu/" + std::string(provider);
  return {
      {"GET", base + "/numbers",
       [&model](HttpRequest&) -> Result<ControlReply> {
         nlohmann::json out = nlohmann::json::array();
         for (const auto& [number, profile] : model.world().numbers) {
           out.push_back(Codec::encode(profile));
         }
         return ControlReply(std::move(out));
       }},
      {"PUT", base + "/numbers/{Number}",
       [&model](HttpRequest& request) -> Result<ControlReply> {
         const std::string& text = request.path_params.at("Number");
         const std::string key = Codec::key(text);
         if (key.empty()) {
           return makeError(ErrorCode::InvalidArgument, "'" + text + "' is not " +
                                                            std::string(Codec::kNumberForm) +
                                                            " (URL-encode + as %2B)");
         }
         HNEMU_ASSIGN_OR_RETURN(const nlohmann::json body, jsonObjectBody(request.body));
         HNEMU_ASSIGN_OR_RETURN(auto profile, Codec::decode(key, body, model.profileFor(key)));
         model.world().numbers[key] = profile;
         return ControlReply(Codec::encode(profile));
       }},
      {"GET", base + "/rules",
       [&model](HttpRequest&) -> Result<ControlReply> {
         return ControlReply(Codec::encodeRules(model.world().rules));
       }},
      {"PUT", base + "/rules",
       [&model](HttpRequest& request) -> Result<ControlReply> {
         HNEMU_ASSIGN_OR_RETURN(const nlohmann::json body, jsonObjectBody(request.body));
         auto rules = model.world().rules;
         HNEMU_RETURN_IF_ERROR(Codec::apply(body, rules));
         model.world().rules = rules;
         return ControlReply(Codec::encodeRules(rules));
       }},
  };
}

}  // namespace hnemu
