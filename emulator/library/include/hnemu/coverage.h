#pragma once

#include <cstddef>
#include <string>
#include <vector>

// Transition coverage: which states and transitions of each provider's lifecycles (an order's
// statuses, a number's) the runs since the last reset went through, as `hnemu conform` prints
// it. The lifecycles are documented in each provider's README.
namespace hnemu {
inline namespace api {

struct StateCoverage {
  std::string state;
  bool seen = false;
};

struct TransitionCoverage {
  std::string from;  // empty: the lifecycle's start
  std::string to;
  bool seen = false;
};

struct Coverage {
  std::string provider;
  std::string lifecycle;  // "hosted_number_order"
  std::vector<StateCoverage> states;
  std::vector<TransitionCoverage> transitions;
  // Moves seen that the lifecycle does not have: a bug in the emulator.
  std::vector<TransitionCoverage> undocumented;

  std::size_t statesSeen() const {
    std::size_t seen = 0;
    for (const StateCoverage& each : states) {
      seen += each.seen ? 1 : 0;
    }
    return seen;
  }
  std::size_t transitionsSeen() const {
    std::size_t seen = 0;
    for (const TransitionCoverage& each : transitions) {
      seen += each.seen ? 1 : 0;
    }
    return seen;
  }
};

}  // namespace api
}  // namespace hnemu
