#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hnemu::crypto {

std::string base64Encode(std::string_view bytes);
// Standard alphabet, padding optional; nullopt for any other character.
std::optional<std::string> base64Decode(std::string_view text);
std::string hmacSha1(std::string_view key, std::string_view message);  // raw digest
std::string sha256Hex(std::string_view bytes);
// Constant-time comparison for secrets and signatures.
bool secureEquals(std::string_view a, std::string_view b);

}  // namespace hnemu::crypto
