#pragma once

#include <string_view>

#include "providers/provider.h"

namespace hnemu::telnyx {

// The default account.
inline constexpr std::string_view kDefaultApiKey = "KEYhnemu0000000000000000000000000_default";
inline constexpr std::string_view kDefaultUserId = "6a09e667-f3bc-4c90-8000-000000000001";

// Telnyx as the registry knows it: hosted SMS (messaging hosted number orders and numbers).
const ProviderKind& kind();

}  // namespace hnemu::telnyx
