#include "core/resource_watch.h"

#include <algorithm>

namespace hnemu {

void ResourceWatch::setTimersFiring(bool firing) {
  std::lock_guard lock(mutex_);
  firing_ = firing;
}

void ResourceWatch::changed(const std::string& key) {
  std::lock_guard lock(mutex_);
  if (firing_) {
    unseen_.emplace(key, std::chrono::steady_clock::now());  // the first unseen change counts
  }
}

void ResourceWatch::seen(const std::string& key) {
  std::lock_guard lock(mutex_);
  unseen_.erase(key);
}

void ResourceWatch::setReadListener(std::function<void(const std::string& key)> listener) {
  std::lock_guard lock(mutex_);
  read_listener_ = std::move(listener);
}

void ResourceWatch::read(const std::string& key) {
  seen(key);
  std::function<void(const std::string&)> listener;
  {
    std::lock_guard lock(mutex_);
    listener = read_listener_;
  }
  if (listener) {
    listener(key);
  }
}

std::optional<ResourceWatch::WallTime> ResourceWatch::holdUntil(Millis limit) const {
  std::lock_guard lock(mutex_);
  if (unseen_.empty() || limit.count() <= 0) {
    return std::nullopt;
  }
  WallTime oldest = unseen_.begin()->second;
  for (const auto& [key, since] : unseen_) {
    oldest = std::min(oldest, since);
  }
  return oldest + limit;
}

std::vector<std::string> ResourceWatch::unseen() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> keys;
  for (const auto& [key, since] : unseen_) {
    keys.push_back(key);
  }
  return keys;
}

void ResourceWatch::clear() {
  std::lock_guard lock(mutex_);
  unseen_.clear();
}

}  // namespace hnemu
