#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

namespace hnemu {

// A digest of a set of resources that is kept up to date one resource at a time, so that a
// checkpoint of a large store costs the resources changed since the last one, not the store.
// Each resource's sha256 (of its provider, collection, id and text) is added into a 256-bit sum
// (mod 2^256); the digest is the sha256 of that sum. The same resources give the same digest in
// whatever order they were set.
class ResourceDigest {
 public:
  // `text` is the resource as dumped; null: the resource is gone.
  void set(std::string_view provider, std::string_view collection, std::string_view id,
           const std::string* text);
  void clear();
  std::string hex() const;
  size_t size() const { return hashes_.size(); }

 private:
  using Sum = std::array<uint64_t, 4>;
  using Key = std::tuple<std::string, std::string, std::string>;
  std::map<Key, Sum> hashes_;
  Sum sum_{};
};

}  // namespace hnemu
