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
// Adds `run` into `total`, machine by machine.
void mergeCoverage(std::vector<Coverage>& total, const std::vector<Coverage>& run);
nlohmann::json coverageJson(const std::vector<Coverage>& coverage);
// "twilio hosted_number_order: states 7/10, transitions 8/19"
std::string coverageLine(const Coverage& coverage);

}  // namespace hnemu
