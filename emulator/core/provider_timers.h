#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace hnemu {

// A provider's timers on the shared clock. Each timer is data, a kind and its arguments, whose
// effect the provider defines once: so a snapshot (--state compaction) can list the pending ones
// and a restore can re-arm them. The clock keeps timers across a provider's reset, so
// invalidate() makes every timer scheduled before it do nothing when it fires.
class ProviderTimers {
 public:
  using Arguments = std::vector<std::string>;
  using Effect = std::function<void(const Arguments&)>;
  // A pending timer as data. A stale one (scheduled before an invalidate()) does nothing when it
  // fires, but it still takes its place in the clock's order and digest.
  struct Armed {
    std::string label;  // without the provider's prefix
    std::string kind;
    Arguments arguments;
    bool stale = false;
  };

  ProviderTimers(Clock& clock, std::string label_prefix)
      : clock_(clock), label_prefix_(std::move(label_prefix)) {}
  ProviderTimers(const ProviderTimers&) = delete;
  ProviderTimers& operator=(const ProviderTimers&) = delete;

  // What a timer of `kind` does when it fires; defined once, before any is scheduled.
  void define(const std::string& kind, Effect effect) { effects_[kind] = std::move(effect); }
  void schedule(Millis delay, const std::string& label, const std::string& kind,
                Arguments arguments) {
    if (effects_.count(kind) == 0) {
      throw std::logic_error("ProviderTimers: no effect is defined for '" + kind + "'");
    }
    arm(clock_.now() + delay, Armed{label, kind, std::move(arguments), false});
  }
  void invalidate() {
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (clock_.isPending(it->first)) {
        it->second.stale = true;
        ++it;
      } else {
        it = pending_.erase(it);  // the clock was reset: the timer is gone
      }
    }
  }

  // The pending timer the clock knows as `clock_id`, if it is one of these.
  std::optional<Armed> armed(uint64_t clock_id) const {
    const auto found = pending_.find(clock_id);
    if (found == pending_.end()) {
      return std::nullopt;
    }
    return found->second;
  }
  // Puts a saved timer back on the clock, due at `due`; timers re-armed in the clock's order keep
  // it.
  Status rearm(TimePoint due, Armed timer) {
    if (!timer.stale && effects_.count(timer.kind) == 0) {
      return makeError(ErrorCode::InvalidArgument, "a timer of unknown kind '" + timer.kind + "'");
    }
    arm(due, std::move(timer));
    return Status();
  }

 private:
  void arm(TimePoint due, Armed timer) {
    const std::string label = label_prefix_ + timer.label;
    auto clock_id = std::make_shared<uint64_t>(0);
    *clock_id = clock_.schedule(due, label, [this, clock_id] {
      const auto found = pending_.find(*clock_id);
      if (found == pending_.end()) {
        return;
      }
      const Armed fired = std::move(found->second);
      pending_.erase(found);
      if (!fired.stale) {
        effects_.at(fired.kind)(fired.arguments);
      }
    });
    pending_.insert_or_assign(*clock_id, std::move(timer));
  }

  Clock& clock_;
  const std::string label_prefix_;
  std::map<std::string, Effect> effects_;
  std::map<uint64_t, Armed> pending_;  // by the clock's timer id
};

}  // namespace hnemu
