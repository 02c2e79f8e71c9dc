#include "core/change_feed.h"

namespace hnemu {

void ChangeFeed::touch(std::string_view provider, std::string_view collection,
                       std::string_view id) {
  Key key{std::string(provider), std::string(collection), std::string(id)};
  const uint64_t sequence = next_++;
  const auto [at, inserted] = latest_.try_emplace(key, sequence);
  if (!inserted) {
    by_sequence_.erase(at->second);
    at->second = sequence;
  }
  by_sequence_.emplace(sequence, std::move(key));
}

std::vector<ChangeFeed::Change> ChangeFeed::since(uint64_t after, size_t limit,
                                                  std::string_view provider) const {
  std::vector<Change> out;
  for (auto it = by_sequence_.upper_bound(after); it != by_sequence_.end() && out.size() < limit;
       ++it) {
    const auto& [owner, collection, id] = it->second;
    if (provider.empty() || owner == provider) {
      out.push_back(Change{it->first, owner, collection, id});
    }
  }
  return out;
}

void ChangeFeed::clear() {
  by_sequence_.clear();
  latest_.clear();
  next_ = 1;
  ++generation_;
}

}  // namespace hnemu
