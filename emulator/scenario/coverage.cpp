#include "scenario/coverage.h"

#include <algorithm>

#include "core/http_types.h"

namespace hnemu {

using nlohmann::json;

namespace {

// What one resource's status history shows of its machine.
void addHistory(Coverage& coverage, const json& item) {
  const StateMachine& machine = coverage.machine;
  // Histories spell statuses their own way (Bandwidth's are lower case): use the machine's.
  auto spelled = [&machine](const std::string& status) {
    const auto it = std::find_if(machine.states.begin(), machine.states.end(),
                                 [&](const std::string& s) { return iequals(s, status); });
    return it == machine.states.end() ? status : *it;
  };
  std::string previous;
  for (const json& change : item.value("history", json::array())) {
    const std::string status = spelled(change.value("status", ""));
    if (status == previous) {
      continue;
    }
    const bool known =
        std::find(machine.states.begin(), machine.states.end(), status) != machine.states.end();
    if (known) {
      coverage.states_seen.insert(status);
    }
    if (!previous.empty()) {
      const std::pair<std::string, std::string> step{previous, status};
      if (std::find(machine.transitions.begin(), machine.transitions.end(), step) !=
          machine.transitions.end()) {
        coverage.transitions_seen.insert(step);
      } else {
        coverage.undocumented.insert(step);
      }
    } else if (!known) {
      coverage.undocumented.insert({"", status});
    }
    previous = status;
  }
}

}  // namespace

CoverageTally::CoverageTally(const std::vector<std::pair<std::string, StateMachine>>& machines) {
  for (const auto& [owner, machine] : machines) {
    coverage_.push_back(Coverage{owner, machine, {}, {}, {}});
  }
}

void CoverageTally::add(const std::string& provider, const std::string& collection,
                        const json& item) {
  for (Coverage& each : coverage_) {
    if (each.provider == provider && each.machine.collection == collection) {
      addHistory(each, item);
    }
  }
}

void CoverageTally::clear() {
  for (Coverage& each : coverage_) {
    each.states_seen.clear();
    each.transitions_seen.clear();
    each.undocumented.clear();
  }
}

std::vector<Coverage> CoverageTally::coverage(const std::string& provider) const {
  std::vector<Coverage> out;
  for (const Coverage& each : coverage_) {
    if (provider.empty() || each.provider == provider) {
      out.push_back(each);
    }
  }
  return out;
}

std::vector<Coverage> measureCoverage(
    const std::vector<std::pair<std::string, StateMachine>>& machines, const json& state,
    const std::string& provider) {
  CoverageTally tally(machines);
  for (const auto& [owner, machine] : machines) {
    if (!provider.empty() && owner != provider) {
      continue;
    }
    for (const json& item :
         state.value(owner, json::object()).value(machine.collection, json::array())) {
      tally.add(owner, machine.collection, item);
    }
  }
  return tally.coverage(provider);
}

void mergeCoverage(std::vector<Coverage>& total, const std::vector<Coverage>& run) {
  for (const Coverage& each : run) {
    const auto it = std::find_if(total.begin(), total.end(), [&](const Coverage& c) {
      return c.provider == each.provider && c.machine.name == each.machine.name;
    });
    if (it == total.end()) {
      total.push_back(each);
      continue;
    }
    it->states_seen.insert(each.states_seen.begin(), each.states_seen.end());
    it->transitions_seen.insert(each.transitions_seen.begin(), each.transitions_seen.end());
    it->undocumented.insert(each.undocumented.begin(), each.undocumented.end());
  }
}

json coverageJson(const std::vector<Coverage>& coverage) {
  json out = json::array();
  for (const Coverage& each : coverage) {
    json transitions = json::array();
    for (const auto& [from, to] : each.machine.transitions) {
      transitions.push_back(
          {{"from", from}, {"to", to}, {"seen", each.transitions_seen.count({from, to}) > 0}});
    }
    json states = json::array();
    for (const std::string& state : each.machine.states) {
      states.push_back({{"state", state}, {"seen", each.states_seen.count(state) > 0}});
    }
    json undocumented = json::array();
    for (const auto& [from, to] : each.undocumented) {
      undocumented.push_back({{"from", from}, {"to", to}});
    }
    out.push_back({{"provider", each.provider},
                   {"machine", each.machine.name},
                   {"states_seen", each.states_seen.size()},
                   {"states_total", each.machine.states.size()},
                   {"transitions_seen", each.transitions_seen.size()},
                   {"transitions_total", each.machine.transitions.size()},
                   {"states", std::move(states)},
                   {"transitions", std::move(transitions)},
                   {"undocumented", std::move(undocumented)}});
  }
  return out;
}

std::string coverageLine(const Coverage& coverage) {
  std::string line = coverage.provider + " " + coverage.machine.name + ": states " +
                     std::to_string(coverage.states_seen.size()) + "/" +
                     std::to_string(coverage.machine.states.size()) + ", transitions " +
                     std::to_string(coverage.transitions_seen.size()) + "/" +
                     std::to_string(coverage.machine.transitions.size());
  for (const auto& [from, to] : coverage.undocumented) {
    line += "; UNDOCUMENTED " + (from.empty() ? std::string("(start)") : from) + " -> " + to;
  }
  return line;
}

}  // namespace hnemu
