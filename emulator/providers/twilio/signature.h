#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hnemu::twilio {

// X-Twilio-Signature: base64(HMAC-SHA1(auth token, url + each param name and value, params
// sorted by name, bytewise)). For GET callbacks the params are already in the URL: pass none.
std::string computeSignature(std::string_view auth_token, std::string_view url,
                             std::vector<std::pair<std::string, std::string>> params);

}  // namespace hnemu::twilio
