#include "core/change_feed.h"

namespace hnemu {

size_t ChangeFeed::KeyHash::operator()(const Key& key) const {
  const std::hash<std::string> hash;
  size_t combined = hash(std::get<0>(key));
  for (const std::string* part : {&std::get<1>(key), &std::get<2>(key)}) {
    combined ^= hash(*part) + 0x9e3779b97f4a7c15ULL + (combined << 6) + (combined >> 2);
  }
  return combined;
}

void ChangeFeed::touch(std::string_view provider, std::string_view collection,
                       std::string_view id) {
  const uint64_t sequence = next_++;
  const auto [at, inserted] = latest_.try_emplace(
      Key{std::string(provider), std::string(collection), std::string(id)}, by_sequence_.end());
  if (!inserted) {
    by_sequence_.erase(at->second);
  }
  at->second = by_sequence_.emplace_hint(by_sequence_.end(), sequence, &at->first);
}

uint64_t ChangeFeed::version(std::string_view provider, std::string_view collection,
                             std::string_view id) const {
  const auto found =
      latest_.find(Key{std::string(provider), std::string(collection), std::string(id)});
  return found == latest_.end() ? 0 : found->second->first;
}

std::vector<ChangeFeed::Change> ChangeFeed::since(uint64_t after, size_t limit,
                                                  std::string_view provider) const {
  std::vector<Change> out;
  for (auto it = by_sequence_.upper_bound(after); it != by_sequence_.end() && out.size() < limit;
       ++it) {
    const auto& [owner, collection, id] = *it->second;
    if (provider.empty() || owner == provider) {
      out.push_back(Change{it->first, owner, collection, id});
    }
  }
  return out;
}

void ChangeFeed::restore(const std::vector<Change>& changes, uint64_t last, uint64_t generation) {
  clear();
  for (const Change& change : changes) {
    next_ = change.sequence;
    touch(change.provider, change.collection, change.id);
  }
  next_ = last + 1;
  generation_ = generation;
}

void ChangeFeed::clear() {
  by_sequence_.clear();
  latest_.clear();
  next_ = 1;
  ++generation_;
}

}  // namespace hnemu
