#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace hnemu {

// Which resources changed while the clock moved, and whether the client has seen them since: a
// read of the resource in an API answer, or a webhook about it that its receiver took. The auto
// clock does not take its next step while a change is unseen (up to a wall-clock limit), so that
// a polling client, at any interval, observes every state a resource passes through.
class ResourceWatch {
 public:
  using WallTime = std::chrono::steady_clock::time_point;

  // Around every move of the clock (timers firing): only changes made then need a reader; the
  // client sees what its own requests change in their answers.
  void setTimersFiring(bool firing);
  void changed(const std::string& key);
  void seen(const std::string& key);
  // Called with the key each time a client reads a resource (not for webhooks).
  void setReadListener(std::function<void(const std::string& key)> listener);
  void read(const std::string& key);
  // When the oldest unseen change stops holding the clock (its time plus `limit`); none: nothing
  // holds it.
  std::optional<WallTime> holdUntil(Millis limit) const;
  std::vector<std::string> unseen() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  bool firing_ = false;
  std::function<void(const std::string&)> read_listener_;
  std::map<std::string, WallTime> unseen_;  // key -> when its first unseen change happened
};

}  // namespace hnemu
