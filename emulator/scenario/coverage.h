#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/state_machine.h"

// Transition coverage: which states and transitions of each provider's lifecycles a run
// exercised, read from the status histories in the emulator's state dump.
namespace hnemu {

struct Coverage {
  std::string provider;
  StateMachine machine;
  std::set<std::string> states_seen;
  std::set<std::pair<std::string, std::string>> transitions_seen;
  // Seen in a history but not part of the machine: a bug in the emulator, reported loudly.
  std::set<std::pair<std::string, std::string>> undocumented;
};

// Coverage of `provider`'s machines (every provider's when it is empty) in one state dump.
std::vector<Coverage> measureCoverage(
    const std::vector<std::pair<std::string, StateMachine>>& machines, const nlohmann::json& state,
    const std::string& provider);
// Coverage kept up to date from the change feed (GET /__hnemu/coverage): each changed resource of
// a lifecycle's collection adds what its history shows, so a query costs the resources changed
// since the last one, not the store. A resource deleted since still counts: it happened.
class CoverageTally {
 public:
  explicit CoverageTally(const std::vector<std::pair<std::string, StateMachine>>& machines);
  void add(const std::string& provider, const std::string& collection, const nlohmann::json& item);
  void clear();
  // Of `provider`'s machines (every provider's when it is empty).
  std::vector<Coverage> coverage(const std::string& provider) const;

 private:
  std::vector<Coverage> coverage_;
};

// Adds `run` into `total`, machine by machine.
void mergeCoverage(std::vector<Coverage>& total, const std::vector<Coverage>& run);
nlohmann::json coverageJson(const std::vector<Coverage>& coverage);
// "twilio hosted_number_order: states 7/10, transitions 8/19"
std::string coverageLine(const Coverage& coverage);

}  // namespace hnemu
