#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace hnemu {

// A resource's encoded answer, kept for as long as the resource stays at the version it was
// encoded from, so that repeated fetches of an unchanged resource skip the encoder. Readers run
// side by side under the shared state lock, so the cache has a lock of its own. Bounded in
// entries: when full, an arbitrary entry makes room.
class EncodedCache {
 public:
  explicit EncodedCache(size_t capacity) : capacity_(capacity) {}

  // The text stored for `key` at exactly `version`, if any.
  std::optional<std::string> find(const std::string& key, uint64_t version) const {
    std::lock_guard lock(mutex_);
    const auto found = entries_.find(key);
    if (found == entries_.end() || found->second.version != version) {
      return std::nullopt;
    }
    return found->second.text;
  }

  void store(const std::string& key, uint64_t version, std::string text) {
    std::lock_guard lock(mutex_);
    auto found = entries_.find(key);
    if (found != entries_.end()) {
      found->second = Entry{version, std::move(text)};
      return;
    }
    if (capacity_ == 0) {
      return;
    }
    if (entries_.size() >= capacity_) {
      entries_.erase(entries_.begin());
    }
    entries_.emplace(key, Entry{version, std::move(text)});
  }

  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
  }

 private:
  struct Entry {
    uint64_t version = 0;
    std::string text;
  };
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace hnemu
