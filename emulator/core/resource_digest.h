#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>

namespace hnemu {

// A digest of a multiset of texts, kept up to date one text at a time: each text's sha256 is
// added into (or taken out of) a 256-bit sum, mod 2^256; the digest is the sha256 of the sum. The
// same texts give the same digest in whatever order they came.
class MultisetDigest {
 public:
  void add(std::string_view text);
  void remove(std::string_view text);
  void clear() { sum_ = Sum{}; }
  std::string hex() const;

  using Sum = std::array<uint64_t, 4>;
  static Sum hashOf(std::string_view text);
  void add(const Sum& hash);
  void remove(const Sum& hash);

 private:
  Sum sum_{};
};

// A digest of a set of resources that is kept up to date one resource at a time, so that a
// checkpoint of a large store costs the resources changed since the last one, not the store.
// Each resource is its provider, collection, id and text in a MultisetDigest.
class ResourceDigest {
 public:
  // `text` is the resource as dumped; null: the resource is gone.
  void set(std::string_view provider, std::string_view collection, std::string_view id,
           const std::string* text);
  void clear();
  std::string hex() const;
  size_t size() const { return hashes_.size(); }

 private:
  using Key = std::tuple<std::string, std::string, std::string>;
  std::map<Key, MultisetDigest::Sum> hashes_;
  MultisetDigest sum_;
};

}  // namespace hnemu
