#include <algorithm>
#include <thread>

#include "onboarding/onboarding.h"

namespace onboarding {

Wait sleeping() {
  return [](std::chrono::seconds duration) { std::this_thread::sleep_for(duration); };
}

std::chrono::seconds Backoff::next(bool changed) {
  if (changed) {
    next_ = polling_.first;
  }
  const std::chrono::seconds now = next_;
  next_ = std::min(next_ * 2, polling_.longest);
  return now;
}

}  // namespace onboarding
