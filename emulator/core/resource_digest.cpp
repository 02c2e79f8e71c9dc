#include "core/resource_digest.h"

#include "core/crypto.h"

namespace hnemu {

namespace {

using Sum = MultisetDigest::Sum;

void addInto(Sum& sum, const Sum& value) {
  uint64_t carry = 0;
  for (size_t limb = 0; limb < sum.size(); ++limb) {
    const uint64_t with_value = sum[limb] + value[limb];
    const uint64_t carried = with_value + carry;
    carry = (with_value < sum[limb] ? 1 : 0) + (carried < with_value ? 1 : 0);
    sum[limb] = carried;
  }
}

void subtractFrom(Sum& sum, const Sum& value) {
  uint64_t borrow = 0;
  for (size_t limb = 0; limb < sum.size(); ++limb) {
    const uint64_t without_value = sum[limb] - value[limb];
    const uint64_t borrowed = without_value - borrow;
    borrow = (sum[limb] < value[limb] ? 1 : 0) + (without_value < borrow ? 1 : 0);
    sum[limb] = borrowed;
  }
}

std::string keyed(std::string_view provider, std::string_view collection, std::string_view id,
                  const std::string& text) {
  std::string input;
  input.reserve(provider.size() + collection.size() + id.size() + text.size() + 3);
  // NUL separators: no two different keys run together into the same bytes.
  input.append(provider).push_back('\0');
  input.append(collection).push_back('\0');
  input.append(id).push_back('\0');
  input.append(text);
  return input;
}

}  // namespace

Sum MultisetDigest::hashOf(std::string_view text) {
  const std::string raw = crypto::sha256(text);
  Sum out{};
  for (size_t limb = 0; limb < out.size(); ++limb) {
    for (size_t byte = 0; byte < 8; ++byte) {
      out[limb] |= static_cast<uint64_t>(static_cast<unsigned char>(raw[limb * 8 + byte]))
                   << (8 * byte);
    }
  }
  return out;
}

void MultisetDigest::add(const Sum& hash) { addInto(sum_, hash); }
void MultisetDigest::remove(const Sum& hash) { subtractFrom(sum_, hash); }
void MultisetDigest::add(std::string_view text) { add(hashOf(text)); }
void MultisetDigest::remove(std::string_view text) { remove(hashOf(text)); }

std::string MultisetDigest::hex() const {
  std::string bytes;
  for (uint64_t limb : sum_) {
    for (size_t byte = 0; byte < 8; ++byte) {
      bytes.push_back(static_cast<char>((limb >> (8 * byte)) & 0xff));
    }
  }
  return crypto::sha256Hex(bytes);
}

void ResourceDigest::set(std::string_view provider, std::string_view collection,
                         std::string_view id, const std::string* text) {
  Key key{std::string(provider), std::string(collection), std::string(id)};
  const auto found = hashes_.find(key);
  if (found != hashes_.end()) {
    sum_.remove(found->second);
    if (text == nullptr) {
      hashes_.erase(found);
      return;
    }
    found->second = MultisetDigest::hashOf(keyed(provider, collection, id, *text));
    sum_.add(found->second);
    return;
  }
  if (text != nullptr) {
    const Sum hash = MultisetDigest::hashOf(keyed(provider, collection, id, *text));
    sum_.add(hash);
    hashes_.emplace(std::move(key), hash);
  }
}

void ResourceDigest::clear() {
  hashes_.clear();
  sum_.clear();
}

std::string ResourceDigest::hex() const { return sum_.hex(); }

}  // namespace hnemu
