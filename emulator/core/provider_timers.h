#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/clock.h"

namespace hnemu {

// A provider's timers on the shared clock. The clock keeps timers across a provider's reset, so
// invalidate() makes every timer scheduled before it do nothing when it fires.
class ProviderTimers {
 public:
  ProviderTimers(Clock& clock, std::string label_prefix)
      : clock_(clock), label_prefix_(std::move(label_prefix)) {}

  void schedule(Millis delay, const std::string& label, std::function<void()> effect) {
    clock_.scheduleAfter(delay, label_prefix_ + label,
                         [this, epoch = epoch_, effect = std::move(effect)] {
                           if (epoch == epoch_) {
                             effect();
                           }
                         });
  }
  void invalidate() { ++epoch_; }

 private:
  Clock& clock_;
  const std::string label_prefix_;
  uint64_t epoch_ = 0;
};

}  // namespace hnemu
