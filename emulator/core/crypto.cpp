#include "core/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdint>

namespace hnemu::crypto {

std::string base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

std::optional<std::string> base64Decode(std::string_view text) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  size_t i = 0;
  for (; i < text.size() && text[i] != '='; ++i) {
    const size_t index = kAlphabet.find(text[i]);
    if (index == std::string_view::npos) {
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<uint32_t>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  for (; i < text.size(); ++i) {
    if (text[i] != '=') {
      return std::nullopt;
    }
  }
  return out;
}

std::string hmacSha1(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string sha256Hex(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const unsigned char byte : digest) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xF]);
  }
  return out;
}

std::string sha256(std::string_view bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

std::string hexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return {};
  }
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    const std::string pair(hex.substr(i, 2));
    if (pair.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
      return {};
    }
    out.push_back(static_cast<char>(std::stoi(pair, nullptr, 16)));
  }
  return out;
}

Ed25519Key::Ed25519Key(std::string_view seed32)
    : key_(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                        reinterpret_cast<const unsigned char*>(seed32.data()),
                                        seed32.size())) {}

Ed25519Key::~Ed25519Key() { EVP_PKEY_free(key_); }

std::string Ed25519Key::publicKey() const {
  unsigned char raw[32];
  size_t length = sizeof raw;
  if (key_ == nullptr || EVP_PKEY_get_raw_public_key(key_, raw, &length) != 1) {
    return {};
  }
  return std::string(reinterpret_cast<const char*>(raw), length);
}

std::string Ed25519Key::sign(std::string_view message) const {
  unsigned char signature[64];
  size_t length = sizeof signature;
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  const bool ok =
      key_ != nullptr && context != nullptr &&
      EVP_DigestSignInit(context, nullptr, nullptr, nullptr, key_) == 1 &&
      EVP_DigestSign(context, signature, &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(context);
  return ok ? std::string(reinterpret_cast<const char*>(signature), length) : std::string();
}

bool secureEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace hnemu::crypto
