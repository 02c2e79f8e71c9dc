#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace hnemu {

// How many bytes of encoded answers each provider keeps (a Twilio order's is about 1.3 KB; a
// Telnyx order of 5,000 numbers about 1.5 MB).
inline constexpr size_t kEncodedAnswersKeptBytes = 16 * 1024 * 1024;

// A resource's encoded answer, kept for as long as the resource stays at the version it was
// encoded from, so that repeated fetches of an unchanged resource skip the encoder. Readers run
// side by side under the shared state lock, so the cache has a lock of its own. Bounded in bytes
// of text: when full, arbitrary entries make room, and a text larger than the whole capacity is
// not kept. Version 0 is no version (a resource whose changes nothing tracks): it is never kept.
class EncodedCache {
 public:
  explicit EncodedCache(size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

  // The text stored for `key` at exactly `version`, if any.
  std::optional<std::string> find(const std::string& key, uint64_t version) const {
    if (version == 0) {
      return std::nullopt;
    }
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(key);
    if (found == entries_.end() || found->second.version != version) {
      return std::nullopt;
    }
    return found->second.text;
  }

  // The text kept for `key` at `version`, or else `encode()`'s, which is kept from then on.
  template <class Encode>
  std::string keptOr(const std::string& key, uint64_t version, const Encode& encode) {
    if (std::optional<std::string> kept = find(key, version)) {
      return std::move(*kept);
    }
    std::string text = encode();
    store(key, version, text);
    return text;
  }

  void store(const std::string& key, uint64_t version, std::string text) {
    std::lock_guard lock(mutex_);
    if (auto found = entries_.find(key); found != entries_.end()) {
      bytes_ -= found->second.text.size();
      entries_.erase(found);
    }
    if (version == 0 || text.size() > capacity_bytes_) {
      return;
    }
    while (bytes_ + text.size() > capacity_bytes_) {
      bytes_ -= entries_.begin()->second.text.size();
      entries_.erase(entries_.begin());
    }
    bytes_ += text.size();
    entries_.emplace(key, Entry{version, std::move(text)});
  }

  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
    bytes_ = 0;
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }
  size_t bytes() const {
    std::lock_guard lock(mutex_);
    return bytes_;
  }

 private:
  struct Entry {
    uint64_t version = 0;
    std::string text;
  };
  const size_t capacity_bytes_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  size_t bytes_ = 0;
};

}  // namespace hnemu
