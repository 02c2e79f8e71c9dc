#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

namespace hnemu {

// Which resources of the providers' stores changed, in order, so that a reader that comes back
// (the console, GET /__hnemu/state?since=, coverage) reads what changed since its last visit and
// not the whole world. Each change names a resource (provider, collection as in the state dump,
// id) and takes the next sequence number; a resource changed again moves to its newest number,
// so the feed holds one entry per resource ever changed. Guarded by the engine's state lock, like
// the stores it describes.
class ChangeFeed {
 public:
  struct Change {
    uint64_t sequence = 0;
    std::string provider;
    std::string collection;
    std::string id;
  };

  ChangeFeed() = default;
  ChangeFeed(const ChangeFeed&) = delete;  // its sequence points into its own index
  ChangeFeed& operator=(const ChangeFeed&) = delete;

  void touch(std::string_view provider, std::string_view collection, std::string_view id);
  // The changes after `after`, oldest first, at most `limit`, of one provider when it is not
  // empty.
  std::vector<Change> since(uint64_t after, size_t limit, std::string_view provider = {}) const;
  uint64_t last() const { return next_ - 1; }
  // The sequence of a resource's latest change, 0 if it never changed: a version of it that no
  // other state of the resource shares until clear() or restore() (kept answers use it).
  uint64_t version(std::string_view provider, std::string_view collection,
                   std::string_view id) const;
  // Bumped by clear(): a reader holding a cursor from before a reset starts again from zero.
  uint64_t generation() const { return generation_; }
  void clear();
  // Puts a saved feed back (--state snapshots): its changes in order, its last sequence and its
  // generation, so that a reader's cursor from before a restart still holds.
  void restore(const std::vector<Change>& changes, uint64_t last, uint64_t generation);

 private:
  using Key = std::tuple<std::string, std::string, std::string>;  // provider, collection, id
  struct KeyHash {
    size_t operator()(const Key& key) const;
  };
  // Hashed, and appended at the end of the sequence: a change costs the same however many
  // resources the feed holds. Each resource's entry points at its place in the sequence, which
  // points back at the entry's key (unordered_map nodes stay put).
  std::map<uint64_t, const Key*> by_sequence_;
  std::unordered_map<Key, std::map<uint64_t, const Key*>::iterator, KeyHash> latest_;
  uint64_t next_ = 1;
  uint64_t generation_ = 1;
};

// What one provider's model uses to say that one of its resources changed.
class ChangeScope {
 public:
  ChangeScope() = default;  // says nothing: for models used without an engine
  ChangeScope(ChangeFeed& feed, std::string provider)
      : feed_(&feed), provider_(std::move(provider)) {}
  void touch(std::string_view collection, std::string_view id) const {
    if (feed_ != nullptr) {
      feed_->touch(provider_, collection, id);
    }
  }
  // 0 without a feed: nothing can tell when the resource changes.
  uint64_t version(std::string_view collection, std::string_view id) const {
    return feed_ != nullptr ? feed_->version(provider_, collection, id) : 0;
  }

 private:
  ChangeFeed* feed_ = nullptr;
  std::string provider_;
};

}  // namespace hnemu
