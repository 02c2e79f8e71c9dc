#pragma once

#include <optional>
#include <string>
#include <string_view>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace hnemu::crypto {

std::string base64Encode(std::string_view bytes);
// Standard alphabet, padding optional; nullopt for any other character.
std::optional<std::string> base64Decode(std::string_view text);
std::string hmacSha1(std::string_view key, std::string_view message);  // raw digest
std::string sha256Hex(std::string_view bytes);
std::string sha256(std::string_view bytes);   // raw digest
std::string hexDecode(std::string_view hex);  // empty on malformed input

// Ed25519 (RFC 8032) from a 32-byte seed: what Telnyx signs webhooks with.
class Ed25519Key {
 public:
  explicit Ed25519Key(std::string_view seed32);
  ~Ed25519Key();
  Ed25519Key(const Ed25519Key&) = delete;
  Ed25519Key& operator=(const Ed25519Key&) = delete;

  std::string publicKey() const;                     // 32 raw bytes
  std::string sign(std::string_view message) const;  // 64 raw bytes

 private:
  ::evp_pkey_st* key_ = nullptr;
};

// Constant-time comparison for secrets and signatures.
bool secureEquals(std::string_view a, std::string_view b);

}  // namespace hnemu::crypto
