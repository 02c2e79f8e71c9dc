#include "providers/twilio/signature.h"

#include <algorithm>

#include "core/crypto.h"

namespace hnemu::twilio {

std::string computeSignature(std::string_view auth_token, std::string_view url,
                             std::vector<std::pair<std::string, std::string>> params) {
  // Same order as twilio-node's validator: by name, then by value for repeated names.
  std::sort(params.begin(), params.end());
  params.erase(std::unique(params.begin(), params.end()), params.end());
  std::string data(url);
  for (const auto& [name, value] : params) {
    data += name;
    data += value;
  }
  return crypto::base64Encode(crypto::hmacSha1(auth_token, data));
}

}  // namespace hnemu::twilio
