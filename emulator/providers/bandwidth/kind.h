#pragma once

#include <string_view>

#include "providers/provider.h"

namespace hnemu::bandwidth {

// The default account.
inline constexpr std::string_view kDefaultAccountId = "9900000";
inline constexpr std::string_view kDefaultUsername = "hnemu";
inline constexpr std::string_view kDefaultPassword = "hnemu-password";
// Its one site and SIP peer: the values Bandwidth's own client tests use.
inline constexpr std::string_view kDefaultSiteId = "222";
inline constexpr std::string_view kDefaultSipPeerId = "333";

// Bandwidth as the registry knows it: hosted messaging (Import TN checker and orders, LOAs,
// remove orders, subscriptions).
const ProviderKind& kind();

}  // namespace hnemu::bandwidth
