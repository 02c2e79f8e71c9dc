#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/state_machine.h"

// How the world can steer a provider's lifecycles: the decisions it takes for a number (its
// owner, signer, reviewer, carrier), in the order a client following the documented flow meets
// them, and the statuses each choice leads through. `hnemu explore` plans its runs over these;
// the lifecycle transitions no choice leads through are listed with the reason.
namespace hnemu {

// Statuses by lifecycle name (StateMachine::name), in the order a resource takes them.
using StatusPaths = std::map<std::string, std::vector<std::string>>;

// A 4xx answer the world makes the provider give: a client following the flow cannot avoid it.
struct WorldRefusal {
  std::string method;
  std::string path;  // a pattern: '*' one segment, a trailing '**' the rest
  int status = 400;
};

struct WorldChoice {
  WorldChoice(std::string choice_name, std::string what_happens, nlohmann::json number_profile,
              StatusPaths leads_through, bool flow_ends = false,
              std::optional<WorldRefusal> world_refusal = std::nullopt)
      : name(std::move(choice_name)),
        behaviour(std::move(what_happens)),
        profile(std::move(number_profile)),
        statuses(std::move(leads_through)),
        ends(flow_ends),
        refusal(std::move(world_refusal)) {}

  std::string name;       // short, for scenario names: "carrier_rejects"
  std::string behaviour;  // for people: "the carrier rejects"
  // Merged into the number's profile in the provider's world section.
  nlohmann::json profile;  // an object
  StatusPaths statuses;    // what it leads through, after the statuses before it
  bool ends;               // the flow stops here: no later decision is met
  std::optional<WorldRefusal> refusal;
};

struct WorldDecision {
  std::string what;                  // "the verification call"
  std::vector<WorldChoice> choices;  // the first lets the documented flow go on
};

// A lifecycle transition no world choice leads through, and what would.
struct UnplannedTransition {
  std::string machine;
  std::string from;
  std::string to;
  std::string why;
};

struct Exploration {
  std::string number;  // the number runs host, in the provider's spelling
  // The first decision's choices include what the client's first requests give.
  std::vector<WorldDecision> decisions;
  std::vector<UnplannedTransition> unplanned;
  // What the provider documents of its webhooks: deliveries may come twice; may come late, after
  // later ones.
  bool webhooks_repeat = false;
  bool webhooks_reorder = false;
  bool empty() const { return decisions.empty(); }
};

// The statuses of `machine` that nothing but the client (or a person outside the flow) moves a
// resource out of: every transition out of them is unplanned. A client is done with a resource
// once it sees one.
inline std::set<std::string> finalStatuses(const StateMachine& machine,
                                           const Exploration& exploration) {
  std::set<std::string> out;
  for (const std::string& state : machine.states) {
    bool moved_by_world = false;
    for (const auto& [from, to] : machine.transitions) {
      if (from != state) {
        continue;
      }
      bool unplanned = false;
      for (const UnplannedTransition& each : exploration.unplanned) {
        unplanned =
            unplanned || (each.machine == machine.name && each.from == from && each.to == to);
      }
      moved_by_world = moved_by_world || !unplanned;
    }
    if (!moved_by_world) {
      out.insert(state);
    }
  }
  return out;
}

}  // namespace hnemu
