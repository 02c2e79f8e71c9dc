#pragma once

#include <string_view>

#include "providers/provider.h"

namespace hnemu::twilio {

// The documented test credentials of Twilio's documentation, the default account.
inline constexpr std::string_view kDefaultAccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
inline constexpr std::string_view kDefaultAuthToken = "your_auth_token";

// Twilio as the registry knows it: numbers v2 and preview Hosted Number Orders, Api v2010
// IncomingPhoneNumbers.
const ProviderKind& kind();

}  // namespace hnemu::twilio
